/**
 * Keeps secrets out of what a server answered. A server or a proxy may reflect the request it
 * got: the HTTP Basic header (base64 of `id:secret`), the form-encoded client secret, the bearer
 * token, a user's password in a JSON body, inside HTML, JSON or plain text. Every text kept from
 * an answer (error bodies, descriptions) goes through {@link scrub}, which
 *
 * 1. replaces every known encoding of every secret with `<redacted>`: raw, percent-encoded
 *    (upper- and lower-case hex, `+` or `%20` for spaces), JSON-escaped, HTML-escaped (named,
 *    decimal and hexadecimal entities), base64 (standard and URL-safe, with or without padding,
 *    at each of the three byte alignments);
 * 2. then decodes what is left in each of those ways and, if a secret or any of its encodings
 *    still shows up (an encoding not listed, a mix of two, one more level of nesting), withholds
 *    the whole text;
 * 3. truncates to {@link maxChars}.
 *
 * @internal
 */

/** The most characters of an answer kept in an error. @internal */
export const maxChars = 4096

/** Shorter secrets are not searched for (they would match ordinary text). @internal */
export const minSecretLength = 4

/** What replaces a secret. @internal */
export const placeholder = "<redacted>"

/** What replaces a text that still holds a secret after replacement. @internal */
export const withheld = "<withheld: the answer echoed a secret>"

/** RFC 6749 §2.3.1: form-encoding, spaces as `+`. @internal */
export const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, "+")

const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())

const utf8 = new TextEncoder()

const base64OfBytes = (bytes: Uint8Array): string => {
  let binary = ""
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/** Base64 of a string's UTF-8 bytes. @internal */
export const base64 = (s: string): string => base64OfBytes(utf8.encode(s))

const urlSafe = (b64: string): string => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

// The base64 characters that encode only the secret's bytes, whatever the alignment it was
// encoded at inside a longer text: drop the characters that mix in neighbouring bytes.
const base64Cores = (s: string): ReadonlyArray<string> => {
  const bytes = utf8.encode(s)
  const out: Array<string> = []
  for (let pad = 0; pad < 3; pad++) {
    const padded = new Uint8Array(pad + bytes.length)
    padded.set(bytes, pad)
    const encoded = base64OfBytes(padded).replace(/=+$/, "")
    // Characters fully determined by the secret's bytes: skip the first ceil(pad*8/6) and the
    // last partial group.
    const start = Math.ceil((pad * 8) / 6)
    const end = Math.floor(((pad + bytes.length) * 8) / 6)
    const core = encoded.slice(start, end)
    if (core.length >= 6) out.push(core, urlSafe(core))
  }
  return out
}

const htmlNamed: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\"": "&quot;",
  "'": "&#39;"
}

const htmlEscape = (s: string, style: "named" | "decimal" | "hex" | "all"): string => {
  let out = ""
  for (const c of s) {
    const code = c.codePointAt(0)!
    const special = c in htmlNamed
    const alnum = /[A-Za-z0-9]/.test(c)
    if (style === "all" ? !alnum : special) {
      out += style === "named"
        ? htmlNamed[c]
        : style === "hex"
        ? `&#x${code.toString(16)};`
        : `&#${code};`
    } else {
      out += c
    }
  }
  return out
}

const jsonEscape = (s: string): string => JSON.stringify(s).slice(1, -1)

const jsonEscapeAscii = (s: string): string =>
  jsonEscape(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/**
 * Every encoding of a secret searched for, longest first.
 *
 * @internal
 */
export const encodings = (secret: string): ReadonlyArray<string> => {
  const percent = encodeURIComponent(secret)
  const form = formEncode(secret)
  const json = jsonEscape(secret)
  const b64 = base64(secret)
  const all = new Set<string>([
    secret,
    percent,
    form,
    lowerHex(percent),
    lowerHex(form),
    json,
    jsonEscapeAscii(secret),
    json.replace(/\//g, "\\/"),
    // JSON inside a JSON string (an echoed JSON body in a JSON error), and JSON inside HTML.
    jsonEscape(json),
    jsonEscape(jsonEscapeAscii(secret)),
    htmlEscape(json, "named"),
    htmlEscape(secret, "named"),
    htmlEscape(secret, "decimal"),
    htmlEscape(secret, "hex"),
    htmlEscape(secret, "all"),
    b64,
    b64.replace(/=+$/, ""),
    urlSafe(b64),
    ...base64Cores(secret)
  ])
  return [...all].filter((e) => e.length >= minSecretLength).sort((a, b) => b.length - a.length)
}

const decodeHtml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (m, body: string) => {
    const lower = body.toLowerCase()
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16) % 0x110000)
    if (lower.startsWith("#")) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10) % 0x110000)
    return ({ amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" } as Record<string, string>)[lower] ?? m
  })

const decodePercent = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "))
  } catch {
    return s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
  }
}

const decodeJsonEscapes = (s: string): string =>
  s.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, e: string) =>
    e.startsWith("u")
      ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
      : ({ "\"": "\"", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[
        e
      ]!)

const decodeBase64Runs = (s: string): string => {
  const runs = s.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []
  let out = ""
  for (const run of runs) {
    const standard = run.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "")
    for (let skip = 0; skip < 4; skip++) {
      const part = standard.slice(skip)
      const usable = part.slice(0, part.length - (part.length % 4))
      if (usable.length < 4) continue
      try {
        out += ` ${
          new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(atob(usable), (c) => c.charCodeAt(0)))
        }`
      } catch {
        // not base64 at this offset
      }
    }
  }
  return out
}

const decodings = (s: string): ReadonlyArray<string> => {
  const html = decodeHtml(s)
  const percent = decodePercent(s)
  const json = decodeJsonEscapes(s)
  return [html, percent, json, decodePercent(html), decodeHtml(percent), decodeJsonEscapes(html), decodeBase64Runs(s)]
}

/**
 * Replaces every encoding of every secret in `text`, withholds the text when a secret can still
 * be decoded from it, and truncates.
 *
 * @internal
 */
export const scrub = (text: string, secrets: Iterable<string>): string => {
  const wanted = [...new Set(secrets)].filter((s) => s.length >= minSecretLength)
  let out = text
  if (wanted.length > 0) {
    const variants = wanted.flatMap(encodings).sort((a, b) => b.length - a.length)
    for (const variant of variants) {
      if (out.includes(variant)) out = out.split(variant).join(placeholder)
    }
    const decoded = decodings(out)
    if (variants.some((variant) => decoded.some((d) => d.includes(variant)))) return withheld
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}…(truncated)` : out
}

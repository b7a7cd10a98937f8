// Every encoding of a secret is scrubbed from what a server echoes, and a text from which a secret
// can still be decoded is withheld.
import { assert, describe, it } from "@effect/vitest"
import * as Redact from "../src/internal/redact.js"

const secret = "s3cr+t&pa ss%/\"<x>'é"
const clientId = "client id:1"
const basic = `${Redact.formEncode(clientId)}:${Redact.formEncode(secret)}`

const html = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;")

const reflections: ReadonlyArray<readonly [string, string]> = [
  ["raw", `error: ${secret}`],
  ["form body", `grant_type=client_credentials&client_id=x&client_secret=${Redact.formEncode(secret)}`],
  ["percent, lower-case hex", `secret=${encodeURIComponent(secret).toLowerCase()}`],
  ["Basic header", `Authorization: Basic ${Redact.base64(basic)}`],
  ["Basic header in HTML", `<pre>authorization: Basic ${Redact.base64(basic)}</pre>`],
  ["JSON-escaped", JSON.stringify({ echo: secret })],
  ["JSON-escaped, ASCII only", JSON.stringify({ echo: secret }).replace("é", "\\u00e9")],
  ["JSON of the form body", JSON.stringify({ body: `client_secret=${Redact.formEncode(secret)}` })],
  ["HTML entities", `<p>${html(secret)}</p>`],
  ["decimal entities", `<p>${[...secret].map((c) => `&#${c.codePointAt(0)};`).join("")}</p>`],
  ["base64 alone", `token=${Redact.base64(secret)}`],
  ["base64 inside a longer base64", Redact.base64(`prefix-${secret}-suffix`)],
  ["base64 url-safe", Redact.base64(`xy${secret}`).replace(/\+/g, "-").replace(/\//g, "_")]
]

describe("Redact.scrub", () => {
  for (const [name, text] of reflections) {
    it(`${name}: no encoding of the secret survives`, () => {
      const out = Redact.scrub(text, [secret, basic, Redact.base64(basic)])
      assert.notInclude(out, secret)
      for (const encoding of Redact.encodings(secret)) assert.notInclude(out, encoding, name)
    })
  }

  it("keeps the rest of the text", () => {
    const out = Redact.scrub(`{"detail":"bad password ${secret} for kim"}`, [secret])
    assert.include(out, "bad password")
    assert.include(out, "for kim")
    assert.include(out, Redact.placeholder)
  })

  it("withholds a text from which a secret can still be decoded (a mix of encodings)", () => {
    // Percent-encoding inside HTML entities: not a listed variant, but decodable.
    const mixed = `&lt;${encodeURIComponent(secret).replace(/%/g, "&#37;")}&gt;`
    assert.strictEqual(Redact.scrub(mixed, [secret]), Redact.withheld)
  })

  it("truncates after scrubbing", () => {
    const out = Redact.scrub(`${"x".repeat(5000)}${secret}`, [secret])
    assert.isAtMost(out.length, Redact.maxChars + 20)
    assert.notInclude(out, secret)
  })

  it("short secrets are not searched for (they would match ordinary text)", () => {
    assert.strictEqual(Redact.scrub("abc def", ["abc"]), "abc def")
  })
})

/**
 * What a request carries that is secret, and the one place a parsed answer loses what it must
 * not hold: the client secret in each encoding a reflecting server could echo, the passwords of a
 * request body, passwords a server echoes.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import * as Redact from "./redact.js"

/**
 * RFC 7643 §4.1.1: a password is never returned. A server that echoes one anyway (a reflecting
 * proxy, a broken build) does not get it into a resource, or a list's resources, the caller
 * receives, logs or writes back. The parsed body is ours: changed in place.
 *
 * @internal
 */
export const withoutPasswords = (body: unknown): unknown => {
  if (typeof body !== "object" || body === null) return body
  if ("password" in body) delete (body as { password?: unknown }).password
  const resources = (body as { Resources?: unknown }).Resources
  if (Array.isArray(resources)) {
    for (const r of resources) if (typeof r === "object" && r !== null && "password" in r) delete r.password
  }
  return body
}

/**
 * The client secret, its HTTP Basic pair and the pair's base64: what a reflecting server may echo.
 *
 * @internal
 */
export const clientSecrets = (clientId: string, secret: string): ReadonlyArray<string> => {
  const basic = `${Redact.formEncode(clientId)}:${Redact.formEncode(secret)}`
  return [secret, basic, Redact.base64(basic)]
}

/**
 * The secrets of a request body: every `Redacted` value (unwrapped), every string under a
 * `password` key and the value of a PATCH operation on `password`, at any depth. They must not
 * come back in errors.
 *
 * @internal
 */
export const bodySecrets = (body: unknown): ReadonlyArray<string> => {
  const out: Array<string> = []
  const seen = new Set<unknown>()
  const walk = (u: unknown, key: string): void => {
    if (typeof u === "string" || typeof u === "number") {
      if (key.toLowerCase() === "password") out.push(String(u))
      return
    }
    if (typeof u !== "object" || u === null || seen.has(u)) return
    seen.add(u)
    if (Redacted.isRedacted(u)) {
      const value: unknown = Redacted.value(u)
      if (typeof value === "string") out.push(value)
      return
    }
    if (Array.isArray(u)) {
      for (const v of u) walk(v, key)
      return
    }
    const o = u as Record<string, unknown>
    // A PATCH operation on the password: { op, path: "password", value }.
    const patchesPassword = typeof o.path === "string" && /(^|[.:])password$/i.test(o.path)
    for (const [k, v] of Object.entries(o)) walk(v, patchesPassword && k === "value" ? "password" : k)
  }
  walk(body, "")
  return out
}

import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Effect from "effect/Effect"
import * as ScimError from "../ScimError.js"
import * as Tolerant from "../Tolerant.js"
import * as Redact from "./redact.js"
import * as Secrets from "./secrets.js"

/** @internal */
export const maxBodyChars = Redact.maxChars

/** @internal Replaces every encoding of every secret with `<redacted>` and truncates (see `redact.ts`). */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => Redact.scrub(text, secrets)

/** @internal */
export interface ErrorBody {
  readonly scimType?: string | undefined
  readonly detail?: string | undefined
  readonly error?: string | undefined
  readonly errorDescription?: string | undefined
}

const str = (u: unknown): string | undefined =>
  typeof u === "string" && u !== "" ? u : typeof u === "number" ? String(u) : undefined

const firstLine = (text: string): string | undefined => {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "")
  return line === undefined ? undefined : line.length > 300 ? `${line.slice(0, 300)}…` : line
}

/**
 * @internal Reads an error body whatever its shape: SCIM JSON (string or numeric status, `schemas`
 * as an array or a string, possibly wrapped in `{ error: {...} }` or `{ Errors: [...] }`),
 * OAuth-style JSON, plain text or HTML.
 */
export const parseErrorBody = (text: string): ErrorBody => {
  const trimmed = text.trim()
  if (trimmed === "") return {}
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const json: unknown = JSON.parse(trimmed)
      return fromJson(json)
    } catch {
      // fall through to text
    }
  }
  if (/^<(!doctype|html|\?xml|head|body)/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
    const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1]?.trim()
    const detail = title || h1 || firstLine(trimmed.replace(/<[^>]+>/g, " "))
    return detail ? { detail } : {}
  }
  const detail = firstLine(trimmed)
  return detail ? { detail } : {}
}

const fromJson = (json: unknown): ErrorBody => {
  if (Array.isArray(json)) return json.length > 0 ? fromJson(json[0]) : {}
  if (typeof json !== "object" || json === null) return {}
  const o = json as Record<string, unknown>
  // Wrapped shapes: { error: { detail, ... } } or { Errors: [ ... ] }
  if (typeof o.error === "object" && o.error !== null) return fromJson(o.error)
  if (Array.isArray(o.Errors) && o.Errors.length > 0) return fromJson(o.Errors[0])
  if (Array.isArray(o.errors) && o.errors.length > 0) return fromJson(o.errors[0])
  const scimType = str(o.scimType)
  const detail = str(o.detail) ?? str(o.error_description) ?? str(o.message) ?? str(o.description)
  const error = str(o.error)
  const errorDescription = str(o.error_description)
  return {
    ...(scimType !== undefined ? { scimType } : {}),
    ...(detail !== undefined ? { detail } : error !== undefined ? { detail: error } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(errorDescription !== undefined ? { errorDescription } : {})
  }
}

/** @internal `Retry-After` in milliseconds: delta-seconds or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  if (/^\d+\.\d+$/.test(v)) return Math.ceil(Number(v) * 1000)
  const date = Date.parse(v)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** @internal A description of a platform request error with nothing secret in it. */
export const describeRequestError = (error: HttpClientError.RequestError, secrets: ReadonlyArray<string>): string => {
  const cause = error.cause
  let text = error.reason as string
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    const inner = (cause as { cause?: unknown }).cause
    const innerCode = inner instanceof Error ? (inner as { code?: unknown }).code : undefined
    text = `${cause.name}: ${cause.message}` + (typeof code === "string" ? ` (${code})` : "") +
      (inner instanceof Error ? `; ${inner.message}` + (typeof innerCode === "string" ? ` (${innerCode})` : "") : "")
  } else if (typeof cause === "string") {
    text = cause
  }
  return scrub(text, secrets).slice(0, 500)
}

/** Query parameters as a query string (`?a=1&b=2`); `undefined` values are left out. @internal */
export const encodeQuery = (
  params: Readonly<Record<string, string | number | boolean | undefined>> | undefined
): string => {
  if (params === undefined) return ""
  let query = ""
  for (const key in params) {
    const value = params[key]
    if (value === undefined) continue
    query += `${query === "" ? "?" : "&"}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
  }
  return query
}

/** What one attempt got back. @internal */
export interface Answer {
  readonly status: number
  readonly text: string
  readonly location: string | undefined
  readonly retryAfter: string | undefined
  readonly etag?: string | undefined
}

/**
 * A 2xx answer's body: parsed JSON (passwords a server echoes dropped) or `undefined` when empty;
 * anything else is `InvalidResponse`, with the body scrubbed.
 *
 * @internal
 */
export const decodeBody = (
  method: string,
  path: string,
  res: Answer,
  secretsOf: () => ReadonlyArray<string>
): Effect.Effect<
  {
    readonly status: number
    readonly body: unknown
    readonly location: string | undefined
    readonly etag: string | undefined
    readonly scrub: (text: string) => string
  },
  ScimError.InvalidResponse
> => {
  const scrubAnswer = (text: string) => scrub(text, secretsOf())
  const text = res.text.trim()
  if (text === "") {
    return Effect.succeed({
      status: res.status,
      body: undefined,
      location: res.location,
      etag: res.etag,
      scrub: scrubAnswer
    })
  }
  let body: unknown
  try {
    body = Tolerant.parseJson(text)
  } catch {
    return Effect.fail(
      new ScimError.InvalidResponse({
        method,
        path,
        status: res.status,
        reason: "the body is not JSON",
        body: scrubAnswer(res.text)
      })
    )
  }
  return Effect.succeed({
    status: res.status,
    body: Secrets.withoutPasswords(body),
    location: res.location,
    etag: res.etag,
    scrub: scrubAnswer
  })
}

/**
 * The typed error of a non-2xx answer, its body scrubbed of every secret the request carried.
 *
 * @internal
 */
export const statusError = (
  method: string,
  path: string,
  res: Answer,
  now: number,
  secretsOf: () => ReadonlyArray<string>
) => {
  const body = scrub(res.text, secretsOf())
  const parsed = parseErrorBody(body)
  const retryAfterMillis = res.status === 429 ? parseRetryAfter(res.retryAfter, now) : undefined
  return ScimError.fromStatus({
    method,
    path,
    status: res.status,
    scimType: parsed.scimType,
    detail: parsed.detail,
    body: body === "" ? undefined : body,
    retryAfterMillis
  })
}

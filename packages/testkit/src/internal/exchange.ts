/**
 * One request and its answer as the engine sees them, whatever the face: the in-process client
 * builds an `Incoming` from an `HttpClientRequest` and an `HttpClientResponse` from the
 * `Answer`; the server face does the same with its `HttpServerRequest` and `HttpServerResponse`.
 *
 * @internal
 */
import * as Validation from "@asgardeo-scim/core/Validation"
import type * as Effect from "effect/Effect"
import type * as FindMyWay from "find-my-way-ts"
import type { Body } from "./body.js"

/** @internal */
export interface Incoming {
  readonly method: string
  /** What the route table matches: the path (and query) as the face received it. */
  readonly target: string
  /** The URL's path, normalised (faults, rate limits, the log). */
  readonly path: string
  /** The query string, without `?`. */
  readonly search: string
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** Reads the body within `limit` bytes. Never fails. */
  readonly readBody: (limit: number) => Effect.Effect<Body>
}

/** Per-request facts the log needs, filled in by the route handlers. @internal */
export interface RequestInfo {
  clientId: string | undefined
  issued: boolean
}

/** What a route is given. @internal */
export interface RouteInput {
  readonly request: Incoming
  readonly params: Readonly<Record<string, string | undefined>>
  readonly info: RequestInfo
  /** The clock's time when it is still current (no latency waited since it was read). */
  readonly now: number | undefined
  /** The route serves the sub-organization of a switched token (`/t/{root}/o/...`, `orgFace.ts`). */
  readonly subOrganization?: boolean | undefined
}

/** A route's handler. @internal */
export type Handler = (input: RouteInput) => Effect.Effect<Answer>

/** A route table under construction. @internal */
export type Routes = FindMyWay.Router<Handler>

/** @internal */
export interface Answer {
  readonly status: number
  /** Lower-case names; `content-type` and `content-length` come from the body. */
  readonly headers: Readonly<Record<string, string>> | undefined
  /** `undefined`: no body at all. */
  readonly body: string | undefined
  /** The body's length in UTF-8 bytes, when it is known already. */
  readonly bytes?: number | undefined
  readonly contentType: string | undefined
}

const lowerCase = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined => {
  if (headers === undefined) return undefined
  const out: Record<string, string> = {}
  for (const key in headers) out[key.toLowerCase()] = headers[key]!
  return out
}

/** An answer with no body. @internal */
export const empty = (status: number, headers?: Readonly<Record<string, string>>): Answer => ({
  status,
  headers: lowerCase(headers),
  body: undefined,
  contentType: undefined
})

/** A text answer. @internal */
export const text = (
  status: number,
  body: string,
  contentType: string,
  headers?: Readonly<Record<string, string>>,
  bytes?: number
): Answer => ({ status, headers: lowerCase(headers), body, bytes, contentType })

/** A JSON answer (`application/json` unless `contentType` says otherwise). @internal */
export const json = (
  status: number,
  body: unknown,
  contentType = "application/json",
  headers?: Readonly<Record<string, string>>
): Answer => text(status, JSON.stringify(body), contentType, headers)

const ASCII = /^[\x00-\x7f]*$/

/** The UTF-8 length of a string, without encoding it. @internal */
export const utf8Length = (s: string): number =>
  // Nearly every answer is ASCII: one regular-expression scan, several times faster than a loop.
  ASCII.test(s) ? s.length : Validation.utf8Length(s)

/** The headers a response carries: the answer's own, then its body's type and length. @internal */
export const headersOf = (answer: Answer): Record<string, string> => {
  const out: Record<string, string> = { ...answer.headers }
  if (answer.body !== undefined) {
    out["content-type"] = answer.contentType ?? "text/plain"
    // Like `HttpServerResponse`: an empty body has no length header.
    const length = answer.bytes ?? utf8Length(answer.body)
    if (length > 0) out["content-length"] = String(length)
  }
  return out
}

/**
 * Request bodies, read the same way by both faces: at most `maxBodyBytes` bytes are kept (a
 * `Content-Length` over the limit is refused before reading, and a body without one is counted
 * while it streams and no longer read once it passes the limit), then decoded as strict UTF-8.
 * JSON bodies are checked for nesting depth before `JSON.parse`, so no later recursive walk
 * (clone, projection, `JSON.stringify`) can overflow the stack.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** The default body limit: 1 MiB, Asgardeo's `bulk.maxPayloadSize`. @internal */
export const defaultMaxBodyBytes = 1_048_576

/** The deepest JSON nesting accepted (SCIM bodies nest five or six levels). @internal */
export const maxJsonDepth = 64

/** Where a face reads a request's body from. @internal */
export type Source = (request: HttpServerRequest.HttpServerRequest) => Stream.Stream<Uint8Array, unknown>

/** A face without a source of its own: the request's own stream. @internal */
export const requestStream: Source = (request) => request.stream

/** @internal */
export type Body =
  | { readonly _tag: "Text"; readonly text: string }
  /** Over the limit; the rest of the body was not read. */
  | { readonly _tag: "TooLarge"; readonly limit: number }
  | { readonly _tag: "NotUtf8" }
  /** The stream failed (the client went away). */
  | { readonly _tag: "Unreadable" }

interface Fold {
  readonly chunks: Array<Uint8Array>
  bytes: number
}

const declaredLength = (headers: Readonly<Record<string, string | undefined>>): number | undefined => {
  const header = headers["content-length"]
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined
  return Number(header)
}

const concat = (chunks: ReadonlyArray<Uint8Array>, bytes: number): Uint8Array => {
  const all = new Uint8Array(bytes)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.length
  }
  return all
}

/** The body of `bytes` (already read) within `limit`: `TooLarge`, `NotUtf8` or its text. @internal */
export const fromBytes = (bytes: Uint8Array, limit: number): Body => {
  if (bytes.length > limit) return { _tag: "TooLarge", limit }
  try {
    return { _tag: "Text", text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) }
  } catch {
    return { _tag: "NotUtf8" }
  }
}

/**
 * Reads a body of at most `limit` bytes from `stream`, refusing a declared `Content-Length` over
 * the limit before reading. Never fails. @internal
 */
export const readStream = (
  headers: Readonly<Record<string, string | undefined>>,
  stream: () => Stream.Stream<Uint8Array, unknown>,
  limit: number
): Effect.Effect<Body> => {
  const declared = declaredLength(headers)
  if (declared !== undefined && declared > limit) return Effect.succeed({ _tag: "TooLarge", limit })
  return Effect.suspend(() => {
    const initial: Fold = { chunks: [], bytes: 0 }
    return Stream.runFoldWhile(stream(), initial, (state) => state.bytes <= limit, (state, chunk) => {
      state.bytes += chunk.length
      if (state.bytes <= limit) state.chunks.push(chunk)
      else state.chunks.length = 0
      return state
    })
  }).pipe(
    Effect.map((state): Body =>
      state.bytes > limit ? { _tag: "TooLarge", limit } : fromBytes(concat(state.chunks, state.bytes), limit)
    ),
    Effect.orElseSucceed((): Body => ({ _tag: "Unreadable" }))
  )
}

/** Reads a body already in memory, as `readStream` would read it in one chunk. @internal */
export const readBytes = (
  headers: Readonly<Record<string, string | undefined>>,
  bytes: Uint8Array,
  limit: number
): Body => {
  const declared = declaredLength(headers)
  return declared !== undefined && declared > limit ? { _tag: "TooLarge", limit } : fromBytes(bytes, limit)
}

/** Reads a server request's body of at most `limit` bytes from `source`. Never fails. @internal */
export const read = (
  request: HttpServerRequest.HttpServerRequest,
  source: Source,
  limit: number
): Effect.Effect<Body> => readStream(request.headers, () => source(request), limit)

/**
 * Whether `[` and `{` outside strings nest deeper than `max`. Linear, no recursion; stops at
 * the first level past `max`.
 *
 * @internal
 */
export const nestingExceeds = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}

/** Why a text is not an acceptable JSON body, or the parsed value. @internal */
export const parseJson = (
  text: string
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly detail: string } => {
  if (nestingExceeds(text, maxJsonDepth)) {
    return { ok: false, detail: `The request body is nested deeper than ${maxJsonDepth} levels.` }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, detail: "Invalid JSON in the request body." }
  }
}

/** The detail of a 413. @internal */
export const tooLargeDetail = (limit: number): string =>
  `The size of the request body exceeds the maxPayloadSize (${limit} bytes).`

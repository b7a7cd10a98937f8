/**
 * The emulator's handler as an HTTP app, for the server face: each `HttpServerRequest` becomes
 * an `Incoming` (its body read from `source`), each `Answer` an `HttpServerResponse`.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type { Source } from "./body.js"
import { readStream, requestStream } from "./body.js"
import type { Engine } from "./engine.js"
import { defaultOrigin } from "./engine.js"
import type { Answer, Incoming } from "./exchange.js"
import type { DropConnection } from "./router.js"
import { makeHandler } from "./router.js"

/** @internal */
export const toServerResponse = (answer: Answer): HttpServerResponse.HttpServerResponse => {
  const options = { status: answer.status, ...(answer.headers === undefined ? {} : { headers: answer.headers }) }
  return answer.body === undefined
    ? HttpServerResponse.empty(options)
    : HttpServerResponse.text(answer.body, { ...options, contentType: answer.contentType ?? "text/plain" })
}

/** @internal */
export const fromServerRequest = (request: HttpServerRequest.HttpServerRequest, source: Source): Incoming => {
  const url = new URL(request.url, defaultOrigin)
  return {
    method: request.method,
    target: request.url,
    path: url.pathname,
    search: url.search.startsWith("?") ? url.search.slice(1) : url.search,
    query: url.searchParams,
    headers: request.headers,
    readBody: (limit) => readStream(request.headers, () => source(request), limit)
  }
}

/**
 * The app. `source` is where request bodies are read from (the server face reads its socket
 * without closing it early).
 *
 * @internal
 */
export const makeApp = (
  engine: Engine,
  source: Source = requestStream
): Effect.Effect<HttpServerResponse.HttpServerResponse, DropConnection, HttpServerRequest.HttpServerRequest> => {
  const handle = makeHandler(engine)
  return Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) => Effect.map(handle(fromServerRequest(request, source)), toServerResponse)
  )
}

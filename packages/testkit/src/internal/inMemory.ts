/**
 * The in-process face: an `HttpClient` whose requests go straight to the emulator's handler,
 * with no sockets and no web `Request`/`Response` in between: the request's URL is parsed once,
 * its body read from memory, and the handler's `Answer` becomes the `HttpClientResponse`
 * (`EmulatorResponse`). A dropped connection becomes a `RequestError` ("Transport").
 *
 * Built with `HttpClient.makeWith`, so it has no per-request `AbortController`: interrupting a
 * request interrupts the handler (state changes are synchronous steps, so an interrupted request
 * leaves the store consistent), and a request under `HttpClient.withScope` still ends at once
 * when its scope closes. The platform's client span is kept: when the tracer is on for a
 * request, it gets the span `HttpClient.make` would give it (same name, attributes, propagation).
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"
import type { Body } from "./body.js"
import { readBytes, readStream, requestStream } from "./body.js"
import type { Answer, Incoming } from "./exchange.js"
import { EmulatorResponse } from "./response.js"
import type { DropConnection } from "./router.js"

/** The handler the client calls. @internal */
export type Handle = (request: Incoming) => Effect.Effect<Answer, DropConnection>

/**
 * `HttpClient.withScope`'s abort controllers, by request (the platform's own table, found by its
 * global key; empty when nothing uses `withScope`).
 */
const scopedRequests = globalValue(
  "@effect/platform/HttpClient/scopedRequests",
  () => new WeakMap<HttpClientRequest.HttpClientRequest, AbortController>()
)

const noBytes = new Uint8Array(0)
const unreadable: Effect.Effect<Body> = Effect.succeed({ _tag: "Unreadable" })

const searchOf = (url: URL): string => {
  const search = url.search
  return search.startsWith("?") ? search.slice(1) : search
}

/**
 * The request as the handler sees it. A web `Request` is built only for the body kinds that need
 * its encoding (`Raw`, `FormData`), as before; a request other than GET/HEAD always has a body,
 * empty or not, like one sent over a socket.
 */
const toIncoming = (request: HttpClientRequest.HttpClientRequest, url: URL): Incoming => {
  const body = request.body
  const method = request.method
  const sendsBody = method !== "GET" && method !== "HEAD"
  const base = {
    method,
    target: `${url.pathname}${url.search}`,
    path: url.pathname,
    search: searchOf(url),
    query: url.searchParams
  }
  switch (body._tag) {
    case "Empty":
      return {
        ...base,
        headers: request.headers,
        readBody: sendsBody
          ? (limit) => Effect.sync(() => readBytes(request.headers, noBytes, limit))
          : () => unreadable
      }
    case "Uint8Array":
    case "Stream": {
      if (!sendsBody) {
        if (body._tag === "Stream") return { ...base, headers: request.headers, readBody: () => unreadable }
        throw new TypeError("Request with GET/HEAD method cannot have body.")
      }
      const headers = request.headers["content-type"] === undefined
        ? { ...request.headers, "content-type": body.contentType }
        : request.headers
      return {
        ...base,
        headers,
        readBody: body._tag === "Uint8Array"
          ? (limit) => Effect.sync(() => readBytes(headers, body.body, limit))
          : (limit) => readStream(headers, () => body.stream, limit)
      }
    }
    case "Raw":
    case "FormData": {
      const web = HttpServerRequest.fromWeb(
        new Request(url, {
          method,
          headers: new globalThis.Headers(request.headers as Record<string, string>),
          body: body._tag === "Raw" ? body.body as BodyInit : body.formData
        })
      )
      return {
        ...base,
        headers: web.headers,
        readBody: (limit) => readStream(web.headers, () => requestStream(web), limit)
      }
    }
  }
}

const dropped = (request: HttpClientRequest.HttpClientRequest) => (cause: DropConnection) =>
  new HttpClientError.RequestError({
    request,
    reason: "Transport",
    cause,
    description: "The emulator dropped the connection"
  })

/** Like a socket, an aborted request (its `withScope` scope closed) ends at once. */
const abortedBy = (request: HttpClientRequest.HttpClientRequest, signal: AbortSignal) =>
  Effect.async<never, HttpClientError.RequestError>((resume) => {
    const onAbort = () =>
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "aborted" })))
    if (signal.aborted) onAbort()
    else signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

const send = (
  handle: Handle,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  scoped: AbortController | undefined
) => {
  let incoming: Incoming
  try {
    incoming = toIncoming(request, url)
  } catch (defect) {
    return Effect.die(defect)
  }
  const answered = Effect.mapBoth(handle(incoming), {
    onFailure: dropped(request),
    onSuccess: (answer) => new EmulatorResponse(request, answer)
  })
  return scoped === undefined ? answered : Effect.raceFirst(answered, abortedBy(request, scoped.signal))
}

/** `HttpClient.make`'s span, for a request the tracer is on for. */
const traced = (
  handle: Handle,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  name: string,
  redactedNames: ReadonlyArray<string | RegExp>,
  propagate: boolean,
  scoped: AbortController | undefined
) =>
  Effect.useSpan(name, { kind: "client", captureStackTrace: false }, (span) => {
    span.attribute("http.request.method", request.method)
    span.attribute("server.address", url.origin)
    if (url.port !== "") span.attribute("server.port", +url.port)
    span.attribute("url.full", url.toString())
    span.attribute("url.path", url.pathname)
    span.attribute("url.scheme", url.protocol.slice(0, -1))
    const query = url.search.slice(1)
    if (query !== "") span.attribute("url.query", query)
    const requestHeaders = Headers.redact(request.headers, redactedNames)
    for (const key in requestHeaders) span.attribute(`http.request.header.${key}`, String(requestHeaders[key]))
    const sent = propagate ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span)) : request
    return send(handle, sent, url, scoped).pipe(
      Effect.withParentSpan(span),
      Effect.tap((response) => {
        span.attribute("http.response.status_code", response.status)
        const responseHeaders = Headers.redact(response.headers, redactedNames)
        for (const key in responseHeaders) {
          span.attribute(`http.response.header.${key}`, String(responseHeaders[key]))
        }
      })
    )
  })

/** @internal */
export const makeClient = (handle: Handle): HttpClient.HttpClient =>
  HttpClient.makeWith(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
          const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          if (url._tag === "Left") {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
          }
          const tracerOff = !fiber.getFiberRef(FiberRef.currentTracerEnabled) ||
            fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
          // Looked up before the span's headers make a new request, as `HttpClient.make` does.
          const scoped = scopedRequests.get(request)
          if (tracerOff) {
            return send(handle, request, url.right, scoped)
          }
          return traced(
            handle,
            request,
            url.right,
            Context.get(fiber.currentContext, HttpClient.SpanNameGenerator)(request),
            fiber.getFiberRef(Headers.currentRedactedNames),
            fiber.getFiberRef(HttpClient.currentTracerPropagation),
            scoped
          )
        })),
    Effect.succeed as HttpClient.HttpClient.Preprocess<never, never>
  )

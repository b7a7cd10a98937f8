/**
 * The in-process face: an `HttpClient` whose requests are answered by the emulator's app,
 * with no sockets (web `Request` -> `HttpServerRequest.fromWeb` -> app -> `toWeb` ->
 * `HttpClientResponse.fromWeb`). A dropped connection becomes a `RequestError` ("Transport").
 *
 * @internal
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type { DropConnection } from "./router.js"

const toWebBody = (body: HttpBody.HttpBody): BodyInit | undefined => {
  switch (body._tag) {
    case "Uint8Array":
      return body.body as Uint8Array<ArrayBuffer>
    case "Raw":
      return body.body as BodyInit
    case "FormData":
      return body.formData
    default:
      return undefined
  }
}

/** @internal */
export const makeClient = (
  app: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    DropConnection | HttpServerError.RequestError,
    HttpServerRequest.HttpServerRequest
  >
): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const body = toWebBody(request.body)
      const headers = new Headers(request.headers as Record<string, string>)
      if (body !== undefined && request.body._tag === "Uint8Array" && !headers.has("content-type")) {
        headers.set("content-type", request.body.contentType)
      }
      // Like a socket, a request other than GET/HEAD always has a body stream, empty or not.
      const sendsBody = request.method !== "GET" && request.method !== "HEAD"
      const webRequest = new Request(url, {
        method: request.method,
        headers,
        ...(body === undefined ? (sendsBody ? { body: new Uint8Array(0) } : {}) : { body })
      })
      const handled = app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(webRequest)),
        Effect.catchTag("RequestError", () => Effect.succeed(HttpServerResponse.empty({ status: 400 }))),
        Effect.mapError((cause) =>
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause,
            description: "The emulator dropped the connection"
          })
        )
      )
      // Like a socket, an aborted request (a client's timeout) ends at once; state changes are
      // synchronous steps, so an interrupted request leaves the store consistent.
      const aborted = Effect.async<never, HttpClientError.RequestError>((resume) => {
        const onAbort = () =>
          resume(
            Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "aborted" }))
          )
        if (signal.aborted) onAbort()
        else signal.addEventListener("abort", onAbort, { once: true })
        return Effect.sync(() => signal.removeEventListener("abort", onAbort))
      })
      const response = yield* Effect.raceFirst(handled, aborted)
      return HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response))
    })
  )

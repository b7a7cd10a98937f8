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
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = toWebBody(request.body)
      const headers = new Headers(request.headers as Record<string, string>)
      if (body !== undefined && request.body._tag === "Uint8Array" && !headers.has("content-type")) {
        headers.set("content-type", request.body.contentType)
      }
      const webRequest = new Request(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body })
      })
      const response = yield* app.pipe(
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
      return HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response))
    })
  )

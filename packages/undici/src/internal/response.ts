/**
 * The response of the lean engine, and the small abort signal it hands undici: an object with
 * `addEventListener`, which undici accepts where it takes an `AbortSignal`, costs a fraction of
 * an `AbortController`.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Undici from "undici"

/** @internal What undici needs of an `AbortSignal`: `aborted`, `reason`, the listener calls. */
export class Signal {
  aborted = false
  reason: unknown = undefined
  private listeners: Array<() => void> | undefined = undefined
  addEventListener(_type: string, listener: () => void) {
    ;(this.listeners ??= []).push(listener)
  }
  removeEventListener(_type: string, listener: () => void) {
    const listeners = this.listeners
    if (listeners === undefined) return
    const i = listeners.indexOf(listener)
    if (i >= 0) listeners.splice(i, 1)
  }
  abort() {
    if (this.aborted) return
    this.aborted = true
    const listeners = this.listeners
    this.listeners = undefined
    if (listeners !== undefined) { for (const listener of listeners) listener() }
  }
}

const noop = () => {}

/**
 * An effect reading a promise made once (a body is read once); interrupting it aborts the
 * request, which rejects the promise.
 */
const awaitOnce = <A, B = A>(
  promise: () => Promise<A>,
  signal: Signal,
  onError: (cause: unknown) => HttpClientError.ResponseError,
  // Applied in the promise's callback (one effect step less than a `flatMap`); may throw.
  f: (a: A) => B
): Effect.Effect<B, HttpClientError.ResponseError> => {
  let started: Promise<A> | undefined
  return Effect.async<B, HttpClientError.ResponseError>((resume) => {
    ;(started ??= promise()).then(
      (a) => {
        let b: B
        try {
          b = f(a)
        } catch (cause) {
          return resume(Effect.fail(onError(cause)))
        }
        resume(Effect.succeed(b))
      },
      (cause) => resume(Effect.fail(onError(cause)))
    )
    return Effect.sync(() => signal.abort())
  })
}

const parseJson = (text: string): unknown => text === "" ? null : JSON.parse(text)

/** @internal */
export class Response extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Undici.Dispatcher.ResponseData,
    readonly signal: Signal
  ) {
    super()
    source.body.on("error", noop)
  }

  get status(): number {
    return this.source.statusCode
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers as Record<string, string | Array<string>>)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError = (cause: unknown) =>
    new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })

  // The body is read once; `text` and `json` share the read.
  private textRead: Promise<string> | undefined
  private readText = () => this.textRead ??= this.source.body.text()

  private textBody: Effect.Effect<string, HttpClientError.ResponseError> | undefined
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.textBody ??= awaitOnce(this.readText, this.signal, this.decodeError, identity)
  }

  private jsonBody: Effect.Effect<unknown, HttpClientError.ResponseError> | undefined
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.jsonBody ??= awaitOnce(this.readText, this.signal, this.decodeError, parseJson)
  }

  private arrayBufferBody: Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> | undefined
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.arrayBufferBody ??= awaitOnce(
      () => this.source.body.arrayBuffer(),
      this.signal,
      this.decodeError,
      identity
    )
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => {
      try {
        return Effect.succeed(UrlParams.fromInput(new URLSearchParams(text)))
      } catch (cause) {
        return Effect.fail(this.decodeError(cause))
      }
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.arrayBuffer, (buffer) =>
      Effect.tryPromise({
        try: () => new globalThis.Response(buffer, { headers: this.headers }).formData(),
        catch: this.decodeError
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    // Ending the stream early (interruption, `Stream.take`) returns the iterator, which destroys
    // the body: undici aborts the request.
    return Stream.fromAsyncIterable(this.source.body as AsyncIterable<Uint8Array>, this.decodeError)
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

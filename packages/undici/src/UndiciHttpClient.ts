/**
 * A lean `HttpClient` over undici's `request()`: the fastest engine for asgardeo-scim.
 *
 * `NodeHttpClient.layerUndici` is built with `HttpClient.make`, which on every request rebuilds
 * the URL, creates an `AbortController`, registers the response in a `FinalizationRegistry`,
 * wraps it in an interruptible response and opens a span. This engine is built with
 * `HttpClient.makeWith` and does none of it:
 * - the URL is split into origin and path without a `URL` object when it has no separate query
 *   parameters or hash (the SCIM client's requests);
 * - interrupting the request, or reading its body, aborts it: undici is given a small abort
 *   signal (not an `AbortController`), aborted only when it must be;
 * - the per-attempt deadline of `ScimClient` aborts it through `RequestAbort` (the engine is
 *   marked with `RequestAbort.mark`), with no fiber and no context change per request;
 * - no span of its own (`ScimClient` opens one per operation).
 *
 * Errors are the platform's: `RequestError` (`Transport`, `InvalidUrl`) and `ResponseError`
 * (`Decode`). Timeouts are left to Effect (undici's own are turned off).
 *
 * @since 0.1.0
 */
import * as RequestAbort from "@asgardeo-scim/core/RequestAbort"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Undici from "undici"
import * as Internal from "./internal/response.js"

/**
 * The Agent's settings (`connections`, `keepAliveTimeout`, `connect`...), and a proxy: with
 * `proxy`, requests go through an undici `ProxyAgent` built from the same settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Undici.Agent.Options {
  /** A proxy URL, or a `ProxyAgent`'s options (`uri`, `token`, `requestTls`, `proxyTls`...). */
  readonly proxy?: string | URL | Undici.ProxyAgent.Options | undefined
}

/**
 * The undici dispatcher (an `Agent`, a `ProxyAgent`, a `Pool`...) requests are sent with.
 *
 * @since 0.1.0
 * @category tags
 */
export class Dispatcher extends Context.Tag("@asgardeo-scim/undici/Dispatcher")<Dispatcher, Undici.Dispatcher>() {}

// Settings undici reads only when a connection opens (a string there fails the first request).
const numericOptions = [
  "connections",
  "pipelining",
  "keepAliveTimeout",
  "keepAliveMaxTimeout",
  "keepAliveTimeoutThreshold",
  "headersTimeout",
  "bodyTimeout",
  "connectTimeout",
  "maxHeaderSize"
] as const

/**
 * A dispatcher from `Options`, destroyed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDispatcher = (
  options: Options = {}
): Effect.Effect<Undici.Dispatcher, InvalidOptions, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      // Options come from callers in plain JavaScript too: the shape is checked here, the values
      // by undici's constructors, whose `InvalidArgumentError` becomes `InvalidOptions`.
      if (typeof options !== "object" || options === null || Array.isArray(options)) {
        return Effect.fail(new InvalidOptions({ reason: "options must be an object" }))
      }
      const { proxy, ...agent } = options
      if (
        !(proxy === undefined || typeof proxy === "string" || proxy instanceof URL ||
          (Predicate.hasProperty(proxy, "uri") && typeof proxy.uri === "string"))
      ) {
        return Effect.fail(new InvalidOptions({ reason: "proxy must be a URL or ProxyAgent options with a uri" }))
      }
      // The Agent's numeric settings are read only when a connection opens: checked here.
      const badNumber = numericOptions.find((key) => {
        const value: unknown = agent[key]
        return value !== undefined && value !== null &&
          !(typeof value === "number" && Number.isFinite(value) && value >= 0)
      })
      if (badNumber !== undefined) {
        return Effect.fail(new InvalidOptions({ reason: `invalid ${badNumber}: a number of at least 0` }))
      }
      return Effect.try({
        try: (): Undici.Dispatcher => {
          if (proxy === undefined) return new Undici.Agent(agent)
          const proxyOptions = typeof proxy === "string" || proxy instanceof URL ? { uri: proxy.toString() } : proxy
          return new Undici.ProxyAgent({ ...agent, ...proxyOptions })
        },
        // undici's messages name the option ("invalid connections"), never its value: a proxy's
        // credentials cannot reach the error.
        catch: (cause) =>
          new InvalidOptions({
            reason: cause instanceof Error && cause.name !== "TypeError" ? cause.message : "invalid proxy URL"
          })
      })
    }),
    (dispatcher) => Effect.promise(() => dispatcher.destroy())
  )

/**
 * Settings the engine cannot be built with (from a plain-JavaScript caller, say): raised when the
 * layer is built, before any request.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidOptions extends Schema.TaggedError<InvalidOptions>("@asgardeo-scim/undici/InvalidOptions")(
  "InvalidOptions",
  { reason: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `invalid UndiciHttpClient options: ${this.reason}`
  }
}

// undici's own timeouts are off: deadlines are Effect's (`ScimClient`'s per-attempt timeout).
const headersTimeout = 60 * 60 * 1000

interface Target {
  readonly origin: string
  readonly path: string
}

// `scheme://authority/path?query` without a `URL` object; `undefined` when in doubt.
const split = (url: string): Target | undefined => {
  const start = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1
  if (start < 0) return undefined
  let end = start
  while (end < url.length) {
    const c = url.charCodeAt(end)
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break
    if (c === 64 /* @ */ || c === 92 /* \ */ || c <= 32) return undefined
    end++
  }
  if (end === start) return undefined
  const c = url.charCodeAt(end)
  if (c === 35) return undefined
  return {
    origin: url.slice(0, end),
    path: end === url.length ? "/" : c === 63 ? `/${url.slice(end)}` : url.slice(end)
  }
}

const target = (request: HttpClientRequest.HttpClientRequest): Target | HttpClientError.RequestError => {
  if (request.urlParams.length === 0 && Option.isNone(request.hash)) {
    const fast = split(request.url)
    if (fast !== undefined) return fast
  }
  return Either.match(UrlParams.makeUrl(request.url, request.urlParams, request.hash), {
    onLeft: (cause) => new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause }),
    onRight: (url): Target => ({ origin: url.origin, path: url.pathname + url.search })
  })
}

type Body = Exclude<Undici.Dispatcher.DispatchOptions["body"], undefined>

const send = (
  dispatcher: Undici.Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  to: Target,
  body: Body,
  handle: RequestAbort.Handle | undefined
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async((resume) => {
    const signal = new Internal.Signal()
    if (handle !== undefined) handle.onAbort(() => signal.abort())
    dispatcher.request({
      method: request.method as Undici.Dispatcher.HttpMethod,
      origin: to.origin,
      path: to.path,
      headers: request.headers,
      body,
      signal,
      headersTimeout,
      bodyTimeout: 0
    }, (cause, data) => {
      resume(
        cause === null || cause === undefined
          ? Effect.succeed(new Internal.Response(request, data, signal))
          : Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
      )
    })
    // Interrupted: the request is aborted (before or after its answer: then its body).
    return Effect.sync(() => signal.abort())
  })

const convertBody = (body: HttpBody.HttpBody): Effect.Effect<Body> | Body => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
    case "Raw":
      return body.body as Uint8Array
    case "FormData":
      return body.formData as unknown as Body
    case "Stream":
      return Effect.map(
        Effect.runtime<never>(),
        (runtime) => Stream.toAsyncIterableRuntime(runtime)(body.stream) as Body
      )
  }
}

/**
 * The engine over a dispatcher (whose lifetime is the caller's), marked as honoring
 * `RequestAbort` (its `Current` lives as long as the scope).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (dispatcher: Undici.Dispatcher): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(RequestAbort.makeCurrent, (current) =>
    RequestAbort.mark(
      HttpClient.makeWith(
        (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) =>
          Effect.flatMap(effect, (request) =>
            Effect.withFiberRuntime((fiber) => {
              const to = target(request)
              if (to instanceof HttpClientError.RequestError) return Effect.fail(to)
              const handle = fiber.getFiberRef(current)
              const body = convertBody(request.body)
              return Effect.isEffect(body)
                ? Effect.flatMap(body, (body) => send(dispatcher, request, to, body, handle))
                : send(dispatcher, request, to, body, handle)
            })),
        Effect.succeed
      ),
      current
    ))

/**
 * The engine over a dispatcher from the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutDispatcher: Layer.Layer<HttpClient.HttpClient, never, Dispatcher> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.flatMap(Dispatcher, make)
)

/**
 * The engine with an `Agent` of its own, from the Agent's settings or a proxy; the Agent is
 * destroyed when the layer is released. Settings undici refuses fail the layer with `InvalidOptions`.
 *
 * @example
 * ```ts
 * import { Directory } from "@asgardeo-scim/directory"
 * import { UndiciHttpClient } from "@asgardeo-scim/undici"
 * import { Layer } from "effect"
 *
 * // More connections, through a forward proxy:
 * export const Proxied = Directory.layerConfig().pipe(
 *   Layer.provide(UndiciHttpClient.layerWithOptions({ connections: 32, proxy: "http://proxy.internal:3128" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithOptions = (options: Options): Layer.Layer<HttpClient.HttpClient, InvalidOptions> =>
  Layer.scoped(HttpClient.HttpClient, Effect.flatMap(makeDispatcher(options), make))

/**
 * The engine with an `Agent` of its own (undici's default settings).
 *
 * @example
 * ```ts
 * import { Directory } from "@asgardeo-scim/directory"
 * import { UndiciHttpClient } from "@asgardeo-scim/undici"
 * import { Layer } from "effect"
 *
 * // Users, Groups and Bulk from the ASGARDEO_* variables, over the lean engine:
 * export const DirectoryLive = Directory.layerConfig().pipe(Layer.provide(UndiciHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.orDie(layerWithOptions({}))

/**
 * The platform `HttpClient`'s own span records the full URL and its query (`url.full`,
 * `url.query`): a SCIM filter puts names and email addresses there. The client keeps that span
 * off; when a program turns it on (through `transformClient`), the query values it records are
 * redacted here, by a tracer that wraps the program's own around each request.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Tracer from "effect/Tracer"

/** What replaces a query value in a span. @internal */
export const redactedValue = "REDACTED"

/**
 * A query string with each value replaced (names kept): `filter=REDACTED&count=REDACTED`.
 *
 * @internal
 */
export const redactQuery = (query: string): string =>
  query.split("&").map((pair) => {
    const eq = pair.indexOf("=")
    return eq < 0 ? pair : `${pair.slice(0, eq)}=${redactedValue}`
  }).join("&")

/** @internal */
export const redactAttribute = (key: string, value: unknown): unknown => {
  if (typeof value !== "string") return value
  if (key === "url.query") return redactQuery(value)
  if (key === "url.full") {
    const q = value.indexOf("?")
    if (q < 0) return value
    const hash = value.indexOf("#", q)
    return value.slice(0, q + 1) + redactQuery(value.slice(q + 1, hash < 0 ? undefined : hash)) +
      (hash < 0 ? "" : value.slice(hash))
  }
  return value
}

/** A URL with its query values replaced. @internal */
export const redactUrl = (url: string): string => redactAttribute("url.full", url) as string

/** An HTTP client error naming the same request with its query values redacted. @internal */
export const redactError = (error: unknown): unknown => {
  if (!HttpClientError.isHttpClientError(error)) return error
  const request = HttpClientRequest.setUrl(error.request, redactUrl(error.request.url))
  return error._tag === "RequestError"
    ? new HttpClientError.RequestError({
      request,
      reason: error.reason,
      ...(error.description !== undefined ? { description: error.description } : {})
    })
    : new HttpClientError.ResponseError({
      request,
      response: error.response,
      reason: error.reason,
      ...(error.description !== undefined ? { description: error.description } : {})
    })
}

class RedactingSpan implements Tracer.Span {
  readonly _tag = "Span"
  constructor(readonly span: Tracer.Span) {}
  get name() {
    return this.span.name
  }
  get spanId() {
    return this.span.spanId
  }
  get traceId() {
    return this.span.traceId
  }
  get parent() {
    return this.span.parent
  }
  get context() {
    return this.span.context
  }
  get status() {
    return this.span.status
  }
  get attributes() {
    return this.span.attributes
  }
  get links() {
    return this.span.links
  }
  get sampled() {
    return this.span.sampled
  }
  get kind() {
    return this.span.kind
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    // A failed request's error names its URL (`RequestError: Transport error (GET <url>)`), which
    // a tracer records as the span's status: the query goes out redacted there too.
    this.span.end(endTime, Exit.isFailure(exit) ? Exit.failCause(Cause.map(exit.cause, redactError)) : exit)
  }
  attribute(key: string, value: unknown): void {
    this.span.attribute(key, redactAttribute(key, value))
  }
  event(name: string, startTime: bigint, attributes?: Record<string, unknown>): void {
    this.span.event(name, startTime, attributes)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.span.addLinks(links)
  }
}

const wrapped = new WeakMap<Tracer.Tracer, Tracer.Tracer>()

/** @internal */
export const redacting = (tracer: Tracer.Tracer): Tracer.Tracer => {
  let out = wrapped.get(tracer)
  if (out === undefined) {
    out = Tracer.make({
      span: (name, parent, context, links, startTime, kind, options) =>
        new RedactingSpan(tracer.span(name, parent, context, links, startTime, kind, options)),
      context: (f, fiber) => tracer.context(f, fiber)
    })
    wrapped.set(tracer, out)
  }
  return out
}

/**
 * Runs an effect with the current tracer wrapped so that the spans it starts redact query values.
 *
 * @internal
 */
export const withRedactedQueries = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) => Effect.withTracer(effect, redacting(tracer)))

/**
 * The program's client as the library uses it: the program's transform first, then the platform
 * span off unless that transform turned it on, with query values redacted when it is on.
 *
 * @internal
 */
export const transformed = (
  client: HttpClient.HttpClient,
  transform: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
): HttpClient.HttpClient =>
  transform === undefined
    ? HttpClient.withTracerDisabledWhen(client, () => true)
    // The program's transform is inner: its `withTracerDisabledWhen` wins over this default.
    : HttpClient.transformResponse(
      HttpClient.withTracerDisabledWhen(transform(client), () => true),
      withRedactedQueries
    )

// What the secrets audit looks at: every log line (debug and up), every span (name, attributes,
// events, exit), every request's headers and every token the token endpoint issued, captured at
// the HTTP layer.
import { HttpClient } from "@effect/platform"
import { Cause, Effect, Exit, Layer, Logger, LogLevel, Option, Tracer } from "effect"
import type { Context } from "effect"

export interface Sink {
  readonly lines: Array<string>
  readonly spans: Array<CapturedSpan>
  /** access_token values from token responses. */
  readonly tokens: Set<string>
  /** Authorization header values sent. */
  readonly authorizations: Set<string>
  /** Request URLs sent (for the filter-value audit). */
  readonly urls: Array<string>
  /** Request bodies sent, by URL (for the filter audit of POST .search). */
  readonly bodies: Array<{ readonly url: string; readonly body: string }>
  /** Errors the suites saw, for String / JSON.stringify / message checks. */
  readonly errors: Array<unknown>
}

export interface CapturedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }>
  exit: string | undefined
}

export const makeSink = (): Sink => ({
  lines: [],
  spans: [],
  tokens: new Set(),
  authorizations: new Set(),
  urls: [],
  bodies: [],
  errors: []
})

let ids = 0
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  constructor(
    readonly record: CapturedSpan,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    ids++
    this.spanId = hex(ids, 16)
    this.traceId = Option.isSome(parent) ? parent.value.traceId : hex(ids, 32)
    this.status = { _tag: "Started", startTime }
    this.links = [...links]
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.record.exit = Exit.isSuccess(exit) ? "success" : Cause.pretty(exit.cause)
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    this.record.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.record.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    for (const link of links) this.links.push(link)
  }
}

/** An in-memory tracer that records every span into the sink. */
export const tracer = (sink: Sink): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const record: CapturedSpan = { name, attributes: new Map(), events: [], exit: undefined }
      sink.spans.push(record)
      const span = new RecordingSpan(record, name, parent, context, links, startTime, kind)
      for (const [k, v] of Object.entries(options?.attributes ?? {})) span.attribute(k, v)
      return span
    },
    context: (f) => f()
  })

/** Logging at debug into the sink (logfmt and JSON renderings of every line), and the tracer. */
export const observability = (sink: Sink): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.replace(
      Logger.defaultLogger,
      Logger.zip(Logger.logfmtLogger, Logger.jsonLogger).pipe(
        Logger.map(([a, b]) => void sink.lines.push(a, b))
      )
    ),
    Logger.minimumLogLevel(LogLevel.Debug),
    Layer.setTracer(tracer(sink))
  )

/** Wraps the HttpClient: records URLs, bodies, Authorization headers and issued tokens. */
export const recordingClient = (sink: Sink) => (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect, request) => {
    sink.urls.push(request.url)
    const auth = request.headers["authorization"]
    if (auth !== undefined) sink.authorizations.add(auth)
    if (request.body._tag === "Uint8Array") {
      sink.bodies.push({ url: request.url, body: new TextDecoder().decode(request.body.body) })
    }
    if (!request.url.endsWith("/oauth2/token")) return effect
    return Effect.tap(effect, (response) =>
      Effect.ignore(Effect.map(response.text, (text) => {
        try {
          const json = JSON.parse(text) as { access_token?: unknown }
          if (typeof json.access_token === "string") sink.tokens.add(json.access_token)
        } catch {
          // not a token response (a fault): nothing issued
        }
      })))
  })

/** Every rendering of an error a program could print or ship. */
export const renderings = (error: unknown): ReadonlyArray<string> => {
  const out: Array<string> = [String(error)]
  try {
    out.push(JSON.stringify(error) ?? "")
  } catch (e) {
    out.push(`<unstringifiable: ${String(e)}>`)
  }
  if (typeof error === "object" && error !== null) {
    const e = error as { message?: unknown; stack?: unknown; toJSON?: () => unknown }
    out.push(String(e.message), String(e.stack))
    if (typeof e.toJSON === "function") out.push(JSON.stringify(e.toJSON()))
  }
  out.push(Cause.pretty(Cause.fail(error)))
  return out
}

export interface Leak {
  readonly where: string
  readonly secret: string
  readonly excerpt: string
}

/** Finds any secret in any captured text. `secrets` are raw strings (client secret, tokens, passwords). */
export const audit = (
  sink: Sink,
  secrets: ReadonlyArray<string>,
  personal: ReadonlyArray<string> = []
): ReadonlyArray<Leak> => {
  const leaks: Array<Leak> = []
  const scan = (where: string, text: string, list: ReadonlyArray<string>) => {
    for (const secret of list) {
      if (secret.length < 4) continue
      const i = text.indexOf(secret)
      if (i >= 0) leaks.push({ where, secret: `${secret.slice(0, 3)}…`, excerpt: text.slice(Math.max(0, i - 40), i) })
    }
  }
  const all = [...secrets, ...sink.tokens]
  sink.lines.forEach((l, i) => scan(`log line ${i}`, l, [...all, ...personal]))
  for (const span of sink.spans) {
    const attributes = JSON.stringify([...span.attributes.entries()])
    scan(`span ${span.name} attributes`, attributes, [...all, ...personal])
    scan(`span ${span.name} events`, JSON.stringify(span.events), all)
    if (span.exit !== undefined) scan(`span ${span.name} exit`, span.exit, all)
  }
  sink.errors.forEach((e, i) => renderings(e).forEach((r, j) => scan(`error ${i} rendering ${j}`, r, all)))
  return leaks
}

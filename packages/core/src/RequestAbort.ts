/**
 * How the client's per-attempt deadline aborts a request, whatever the engine.
 *
 * Each attempt of `ScimClient` has a deadline. An engine that honors this protocol (it is marked
 * with `mark`, as `@asgardeo-scim/undici` is) finds the attempt's `Handle` in its context and
 * registers, with `onAbort`, how to abort the request it sends; the client calls it when the
 * deadline passes: no fiber, no `AbortController`, no `Scope` per request. Any other engine
 * (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`, a mock) is aborted by interruption:
 * its attempt runs in a fiber of its own, which the deadline interrupts.
 *
 * @since 0.3.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Predicate from "effect/Predicate"

/**
 * What an engine is given for one request.
 *
 * @since 0.3.0
 * @category models
 */
export interface Handle {
  /**
   * Registers how to abort the request (a later call replaces an earlier one). Called when the
   * deadline has already passed, it calls `abort` at once.
   */
  readonly onAbort: (abort: () => void) => void
}

/**
 * The current attempt's handle, in the context of the engine's request effect. Absent outside a
 * `ScimClient` attempt.
 *
 * @since 0.3.0
 * @category tags
 */
export class RequestAbort extends Context.Tag("@asgardeo-scim/core/RequestAbort")<RequestAbort, Handle>() {}

/**
 * The mark of an engine that honors the protocol.
 *
 * @since 0.3.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@asgardeo-scim/core/RequestAbort")

/**
 * @since 0.3.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * Marks an engine as honoring the protocol: it registers an abort for every request it sends
 * while a `Handle` is in its context. Returns the same client. Only the engine itself should be
 * marked: a client wrapped around it (`HttpClient.mapRequest`...) is a new object, unmarked,
 * which is safe (its attempts are aborted by interruption).
 *
 * @since 0.3.0
 * @category constructors
 */
export const mark = <C extends HttpClient.HttpClient.With<any, any>>(client: C): C =>
  Object.defineProperty(client, TypeId, { value: true, enumerable: false })

/**
 * Whether a client is marked with `mark`.
 *
 * @since 0.3.0
 * @category guards
 */
export const isHonoredBy = (client: HttpClient.HttpClient.With<any, any>): boolean =>
  Predicate.hasProperty(client, TypeId) && client[TypeId] === true

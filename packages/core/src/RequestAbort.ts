/**
 * How the client's per-attempt deadline aborts a request, whatever the engine.
 *
 * Each attempt of `ScimClient` has a deadline. An engine that honors this protocol (it is marked
 * with `mark`, as `@asgardeo-scim/undici` is) finds the attempt's `Handle` in its `Current` and
 * registers, with `onAbort`, how to abort the request it sends; the client calls it when the
 * deadline passes: no fiber, no `AbortController`, no `Scope` per request. Any other engine
 * (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`, a mock) is aborted by interruption:
 * its attempt runs in a fiber of its own, which the deadline interrupts.
 *
 * @since 0.3.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"

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
 * Where an honoring engine finds the current attempt's `Handle`: a `FiberRef` the engine creates
 * (`makeCurrent`) and names when it marks itself (`mark`). The client sets it around each attempt
 * (`Effect.locally`: cheaper than adding a service to the context); outside an attempt it holds
 * `undefined`.
 *
 * @since 0.3.0
 * @category models
 */
export type Current = FiberRef.FiberRef<Handle | undefined>

/**
 * A new `Current`, for an engine to mark itself with.
 *
 * @since 0.3.0
 * @category constructors
 */
export const makeCurrent: Effect.Effect<Current, never, Scope.Scope> = FiberRef.make<Handle | undefined>(undefined)

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
 * while `current` holds a `Handle`. Returns the same client. Only the engine itself should be
 * marked: a client wrapped around it (`HttpClient.mapRequest`...) is a new object, unmarked,
 * which is safe (its attempts are aborted by interruption).
 *
 * @since 0.3.0
 * @category constructors
 */
export const mark = <C extends HttpClient.HttpClient.With<unknown, unknown>>(client: C, current: Current): C =>
  Object.defineProperty(client, TypeId, { value: current, enumerable: false })

/**
 * The `Current` of a client marked with `mark`, or `undefined`.
 *
 * @since 0.3.0
 * @category getters
 */
export const currentOf = (client: HttpClient.HttpClient.With<unknown, unknown>): Current | undefined =>
  Predicate.hasProperty(client, TypeId) && Predicate.hasProperty(client[TypeId], FiberRef.FiberRefTypeId)
    ? client[TypeId] as Current
    : undefined

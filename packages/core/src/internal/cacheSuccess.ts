/**
 * An effect run at most once at a time whose first success is kept: concurrent first callers
 * share one run (single flight), a failure is not kept (the next caller runs it again).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as SynchronizedRef from "effect/SynchronizedRef"

/** @internal */
export const cacheSuccess = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Effect.Effect<A, E, R>> =>
  Effect.map(
    SynchronizedRef.make(Option.none<A>()),
    (ref) =>
      Effect.flatMap(SynchronizedRef.get(ref), (kept) =>
        Option.isSome(kept) ?
          Effect.succeed(kept.value) :
          SynchronizedRef.modifyEffect(ref, (current) =>
            Option.isSome(current)
              ? Effect.succeed([current.value, current] as const)
              : Effect.map(effect, (a) => [a, Option.some(a)] as const)))
  )

/**
 * A batch's one concurrency bound: `n` places, each held by one unit of work (an employee, or a
 * Bulk request for its chunk). `withPlace` waits for a free place; `withPlaceFirst` (the Bulk lane)
 * is served before any `withPlace` that waits, so single requests cannot keep the Bulk lane from
 * its budget. Built on STM: a wait that is interrupted takes nothing, a place is always given back.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as STM from "effect/STM"
import * as TRef from "effect/TRef"

/** @internal */
export interface Places {
  readonly withPlace: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly withPlaceFirst: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

interface State {
  readonly free: number
  /** `withPlaceFirst` callers waiting: that many free places are kept for them. */
  readonly first: number
}

/** @internal */
export const make = (n: number): Effect.Effect<Places> =>
  Effect.map(TRef.make<State>({ free: n, first: 0 }), (state) => {
    const take = (first: boolean) =>
      STM.flatMap(
        TRef.get(state),
        (s) =>
          s.free > (first ? 0 : s.first)
            ? TRef.set(state, { free: s.free - 1, first: first ? s.first - 1 : s.first })
            : STM.retry
      )
    const register = STM.commit(TRef.update(state, (s) => ({ ...s, first: s.first + 1 })))
    const unregister = STM.commit(TRef.update(state, (s) => ({ ...s, first: s.first - 1 })))
    const release = STM.commit(TRef.update(state, (s) => ({ ...s, free: s.free + 1 })))

    const withPlace = (first: boolean) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(
          first ? register : Effect.void,
          Effect.flatMap(
            restore(STM.commit(take(first))).pipe(Effect.onInterrupt(() => (first ? unregister : Effect.void))),
            () => Effect.ensuring(restore(self), release)
          )
        )
      )

    return { withPlace: withPlace(false), withPlaceFirst: withPlace(true) }
  })

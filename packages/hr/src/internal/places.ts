/**
 * A batch's one concurrency bound: `n` places, each held by one unit of work (an employee, or a
 * Bulk request for its chunk). Places are handed out in order of arrival, and a freed place goes
 * straight to the next one waiting (nobody overtakes), first to those waiting with `withPlaceFirst`:
 * employees already in flight and the Bulk lane, so new employees cannot keep them waiting.
 * Effect's `Semaphore` has neither order nor priority, hence this small one. A wait that is
 * interrupted takes nothing; a place is always given back.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"

/** @internal */
export interface Places {
  /** Runs `self` in a place, after everyone waiting. */
  readonly withPlace: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Runs `self` in a place, before every `withPlace` waiting. */
  readonly withPlaceFirst: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Places in use (for tests). */
  readonly inUse: Effect.Effect<number>
}

interface State {
  readonly free: number
  readonly first: ReadonlyArray<Deferred.Deferred<void>>
  readonly rest: ReadonlyArray<Deferred.Deferred<void>>
}

/** @internal */
export const make = (n: number): Effect.Effect<Places> =>
  Effect.map(Ref.make<State>({ free: n, first: [], rest: [] }), (state) => {
    /** Gives a place back: to the next waiting, else to the free ones. */
    const release = Effect.flatten(Ref.modify(state, (s): readonly [Effect.Effect<unknown>, State] => {
      const [next, ...first] = s.first
      if (next !== undefined) return [Deferred.succeed(next, undefined), { ...s, first }]
      const [after, ...rest] = s.rest
      if (after !== undefined) return [Deferred.succeed(after, undefined), { ...s, rest }]
      return [Effect.void, { ...s, free: s.free + 1 }]
    }))

    /** A wait given up: out of the line, or, if a place was handed over meanwhile, that place back. */
    const cancel = (waiter: Deferred.Deferred<void>) =>
      Effect.flatten(Ref.modify(state, (s): readonly [Effect.Effect<unknown>, State] => {
        const waiting = s.first.includes(waiter) || s.rest.includes(waiter)
        return waiting
          ? [Effect.void, {
            ...s,
            first: s.first.filter((d) => d !== waiter),
            rest: s.rest.filter((d) => d !== waiter)
          }]
          : [release, s]
      }))

    const withPlace = (first: boolean) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Deferred.make<void>(), (waiter) => {
          const acquire = Effect.flatMap(
            Ref.modify(state, (s): readonly [boolean, State] =>
              // A free place means nobody waits (a freed place goes to a waiter first).
              s.free > 0
                ? [true, { ...s, free: s.free - 1 }]
                : [false, first ? { ...s, first: [...s.first, waiter] } : { ...s, rest: [...s.rest, waiter] }]),
            (taken) => (taken ? Effect.void : restore(Deferred.await(waiter)).pipe(Effect.onInterrupt(() =>
              cancel(waiter)
            )))
          )
          return Effect.zipRight(acquire, Effect.ensuring(restore(self), release))
        })
      )

    return {
      withPlace: withPlace(false),
      withPlaceFirst: withPlace(true),
      inUse: Effect.map(Ref.get(state), (s) => n - s.free)
    }
  })

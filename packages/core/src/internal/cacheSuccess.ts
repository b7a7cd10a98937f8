/**
 * An effect run at most once at a time (single flight) whose success is kept; callers that were
 * waiting while a run failed share that failure instead of each running it again. A failure is
 * kept only where `keepFailure` says it is permanent (a 404 for an endpoint the server lacks);
 * otherwise the next caller runs it again.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as SynchronizedRef from "effect/SynchronizedRef"

interface State<A, E> {
  /** Runs finished so far. */
  readonly runs: number
  readonly kept: Option.Option<Exit.Exit<A, E>>
  readonly last: Option.Option<Exit.Exit<A, E>>
}

/** @internal */
export const cacheSuccess = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  keepFailure: (error: E) => boolean = () => false
): Effect.Effect<Effect.Effect<A, E, R>> =>
  Effect.map(
    SynchronizedRef.make<State<A, E>>({ runs: 0, kept: Option.none(), last: Option.none() }),
    (ref) =>
      Effect.flatMap(SynchronizedRef.get(ref), (before) =>
        Option.isSome(before.kept) ? before.kept.value : Effect.flatten(
          SynchronizedRef.modifyEffect(ref, (s): Effect.Effect<readonly [Exit.Exit<A, E>, State<A, E>], never, R> => {
            if (Option.isSome(s.kept)) {
              return Effect.succeed([s.kept.value, s] as const)
            }
            // A run finished while this caller waited: its answer, success or failure, is shared.
            if (s.runs !== before.runs && Option.isSome(s.last)) {
              return Effect.succeed([s.last.value, s] as const)
            }
            return Effect.map(Effect.exit(effect), (exit) => {
              const keep = Exit.isSuccess(exit) || Option.exists(Cause.failureOption(exit.cause), keepFailure)
              return [exit, {
                runs: s.runs + 1,
                kept: keep ? Option.some(exit) : Option.none(),
                last: Option.some(exit)
              }] as const
            })
          })
        ))
  )

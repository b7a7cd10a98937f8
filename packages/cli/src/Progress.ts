/**
 * A progress bar for long batches, on stderr: done/total, percentage, failures, rate, elapsed
 * time and the time left (`ETA 1:05`: the rows left at the rate so far), redrawn at most ten times
 * a second. Drawn only when stderr is a terminal. Times come from Effect's `Clock`, so tests move
 * them with `TestClock`.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as Io from "./Io.js"
import * as Render from "./Render.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly update: (done: number, failed: number) => Effect.Effect<void>
  /** Clears the bar. */
  readonly finish: Effect.Effect<void>
}

const formatDuration = (millis: number): string => {
  const s = Math.floor(millis / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`
}

/**
 * The time left: the rows left at the rate so far (rounded up to a second); unknown before the
 * first row is done or without a total.
 *
 * @since 0.2.0
 * @category rendering
 */
export const etaMillis = (done: number, total: number | undefined, elapsedMillis: number): number | undefined =>
  total === undefined || done <= 0 || elapsedMillis <= 0
    ? undefined
    : Math.ceil((Math.max(0, total - done) * elapsedMillis) / done / 1000) * 1000

/**
 * The text of the bar (exported for tests).
 *
 * @since 0.1.0
 * @category rendering
 */
export const line = (
  label: string,
  done: number,
  failed: number,
  total: number | undefined,
  elapsedMillis: number,
  color: boolean
): string => {
  const width = 28
  const rate = elapsedMillis > 0 ? (done * 1000) / elapsedMillis : 0
  const ratio = total !== undefined && total > 0 ? Math.min(1, done / total) : undefined
  const bar = ratio === undefined
    ? ""
    : `[${"█".repeat(Math.round(ratio * width))}${"░".repeat(width - Math.round(ratio * width))}] `
  const counts = total !== undefined ? `${done}/${total}` : `${done}`
  const percent = ratio !== undefined ? ` ${Math.floor(ratio * 100)}%` : ""
  const failures = failed > 0 ? ` ${Render.styled(`${failed} failed`, "warn", color)}` : ""
  const eta = etaMillis(done, total, elapsedMillis)
  const left = total === undefined ? "" : ` ETA ${eta === undefined ? "-:--" : formatDuration(eta)}`
  return `${label} ${bar}${counts}${percent}${failures} ${rate.toFixed(1)}/s ${formatDuration(elapsedMillis)}${left}`
}

/**
 * Starts a bar (its clock starts now).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (io: Io.Service, label: string, total: number | undefined): Effect.Effect<Progress> =>
  Effect.gen(function*() {
    if (!io.interactive) return { update: () => Effect.void, finish: Effect.void }
    const started = yield* Clock.currentTimeMillis
    // When the bar was last drawn.
    const drawn = yield* Ref.make(Number.NEGATIVE_INFINITY)
    return {
      update: (done, failed) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const draw = yield* Ref.modify(drawn, (last) =>
            now - last >= 100 || done === total ? [true, now] as const : [false, last] as const)
          if (draw) {
            yield* io.status(line(label, done, failed, total, now - started, io.colorErr))
          }
        }),
      finish: io.status("")
    }
  })

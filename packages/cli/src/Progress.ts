/**
 * A progress bar for long batches, on stderr: done/total, percentage, failures, rate and elapsed
 * time, redrawn at most ten times a second. Drawn only when stderr is a terminal.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
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

const formatElapsed = (millis: number): string => {
  const s = Math.floor(millis / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`
}

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
  return `${label} ${bar}${counts}${percent}${failures} ${rate.toFixed(1)}/s ${formatElapsed(elapsedMillis)}`
}

/**
 * Starts a bar.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (io: Io.Service, label: string, total: number | undefined): Progress => {
  const started = Date.now()
  let last = 0
  if (!io.interactive) return { update: () => Effect.void, finish: Effect.void }
  return {
    update: (done, failed) =>
      Effect.suspend(() => {
        const now = Date.now()
        if (now - last < 100 && done !== total) return Effect.void
        last = now
        return io.status(line(label, done, failed, total, now - started, io.color))
      }),
    finish: io.status("")
  }
}

/**
 * What the users, groups and hr commands print, in one place: a whole listing (JSON, or a table on
 * stdout and a count on stderr) and the one line that says what was done to a resource (JSON,
 * or a coloured verb and what it was done to).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Io } from "../Io.js"
import * as Render from "../Render.js"

/**
 * Every item of `stream`, or its first `limit` items.
 *
 * @internal
 */
export const collect = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  limit: Option.Option<number> = Option.none()
): Effect.Effect<ReadonlyArray<A>, E, R> =>
  Effect.map(
    Stream.runCollect(Option.isSome(limit) ? Stream.take(stream, limit.value) : stream),
    Chunk.toReadonlyArray
  )

/**
 * Prints a listing: `all` as JSON with `--json`, else `table` on stdout and
 * "N noun(s)" on stderr.
 *
 * @internal
 */
export const listing = <A>(
  all: ReadonlyArray<A>,
  asJson: boolean,
  noun: string,
  table: (color: boolean) => string
): Effect.Effect<void, never, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    if (asJson) return yield* io.out(Render.json(all))
    yield* io.out(table(io.color))
    yield* io.err(Render.styled(`${all.length} ${noun}${all.length === 1 ? "" : "s"}`, "dim", io.colorErr))
  })

/**
 * Prints what was done: `json` with `--json`, else `verb` (coloured "ok") and `text`.
 *
 * @internal
 */
export const done = (asJson: boolean, json: unknown, verb: string, text: string): Effect.Effect<void, never, Io> =>
  Effect.flatMap(Io, (io) => io.out(asJson ? Render.json(json) : `${Render.styled(verb, "ok", io.color)} ${text}`))

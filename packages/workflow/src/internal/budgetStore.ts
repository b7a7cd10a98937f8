/**
 * The rate limiter's `Store` in one row of a SQL table, for `SharedBudget`.
 *
 * - PostgreSQL: `modify` is one transaction, `SELECT ... FOR UPDATE` on the row: runners queue
 *   on the row lock, each transition sees the one before it.
 * - SQLite: compare-and-set, each statement on its own (autocommit): read the row, compute, and
 *   `UPDATE ... WHERE state = <what was read>`; read again when another connection wrote first.
 *   Not a transaction, because `@effect/sql-libsql` (0.42) keeps its transaction lock when
 *   `BEGIN IMMEDIATE` fails (`SQLITE_BUSY`, another connection on the file is writing): every
 *   later statement of that client then waits forever, the cluster's storage with it. Its
 *   transactions also hand their connection over and open a new one for the next statement.
 *
 * In this process, `modify`s queue on a semaphore: one database call at a time per runner.
 *
 * When the database fails (an error, or no answer within the timeout: a stuck connection must
 * not hold requests), the runner goes on with the copy of the state it keeps in memory (the
 * last it read or wrote), logs a warning once, and tries the database again after `fallbackFor`.
 * Requests are neither held nor failed by the budget: the server enforces the real limits, and
 * a runner alone still honours its own budget, the pauses it saw and the 429s it gets. The
 * timeout and the waits between `SQLITE_BUSY` retries run on the wall clock (they measure the
 * database); the limiter's decisions on Effect's `Clock`.
 *
 * @internal
 */
import * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import type * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** @internal */
export const table = "asgardeo_scim_budget"

/** @internal */
export interface Settings {
  readonly key: string
  readonly budgets: ScimConfig.RateLimits | undefined
  readonly adaptive: boolean
  /** The longest a database call may take. */
  readonly timeout: Duration.Duration
  /** How long the runner goes on alone after the database failed. */
  readonly fallbackFor: Duration.Duration
}

class Contended extends Data.TaggedError("Contended")<{ readonly attempts: number }> {}
class StoreTimeout extends Data.TaggedError("StoreTimeout")<{ readonly timeout: Duration.Duration }> {}

// Compare-and-set attempts before a SQLite `modify` gives up (other writers kept winning).
const maxAttempts = 50

const liveClock = Clock.make()

/** Sleeps on the wall clock, whatever `Clock` the caller runs with (TestClock in tests). */
const wallSleep = (millis: number) => Effect.withClock(Effect.sleep(Duration.millis(millis)), liveClock)

const isBusy = (error: unknown): boolean => {
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined
  const code = typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
}

// How long a statement is retried while SQLite answers busy (the timeout of a call cuts it shorter).
const maxBusyMillis = 10_000

/** Retries while SQLite answers busy (another connection writes), waiting 2 ms, 4 ms, ... 100 ms. */
const retryBusy = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const loop = (wait: number, waited: number): Effect.Effect<A, E, R> =>
    Effect.catchIf(
      self,
      (error) => isBusy(error) && waited < maxBusyMillis,
      () => Effect.zipRight(wallSleep(wait), loop(Math.min(100, wait * 2), waited + wait))
    )
  return loop(2, 0)
}

type Row = { readonly state: unknown }

/**
 * Creates the table if missing, and the row of `settings.key` with a fresh state.
 *
 * @internal
 */
export const make = (
  sql: SqlClient.SqlClient,
  settings: Settings
): Effect.Effect<RateLimiter.Store, SqlError | ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const { key } = settings
    const dialect = sql.onDialectOrElse({
      pg: () => "pg" as const,
      sqlite: () => "sqlite" as const,
      orElse: () => undefined
    })
    if (dialect === undefined) {
      return yield* Effect.fail(
        ConfigError.Unsupported(["SqlClient"], "SharedBudget keeps the budget in SQLite or PostgreSQL only")
      )
    }
    const options = { adaptive: settings.adaptive }
    const fresh = (now: number) => RateLimiter.initialState(settings.budgets, now, options)

    const createTable = sql`CREATE TABLE IF NOT EXISTS ${sql(table)} (
      key TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      updated_at BIGINT NOT NULL
    )`
    const insertIfMissing = (now: number) =>
      sql`INSERT INTO ${sql(table)} (key, state, updated_at)
        VALUES (${key}, ${RateLimiter.encodeState(fresh(now))}, ${now})
        ON CONFLICT (key) DO NOTHING`
    const select = sql<Row>`SELECT state FROM ${sql(table)} WHERE key = ${key}`
    const selectForUpdate = sql<Row>`SELECT state FROM ${sql(table)} WHERE key = ${key} FOR UPDATE`

    // The stored value, decoded under this runner's settings, and whether it was a state (else
    // a fresh state replaces it, and a warning says so).
    const decode = (raw: unknown, now: number): Effect.Effect<readonly [RateLimiter.State, boolean]> =>
      Option.match(RateLimiter.decodeState(raw, settings.budgets, now, options), {
        onSome: (state) => Effect.succeed([state, true] as const),
        onNone: () =>
          Effect.as(
            Effect.logWarning("SharedBudget: the stored budget is unreadable or out of bounds; starting afresh").pipe(
              Effect.annotateLogs({ key })
            ),
            [fresh(now), false] as const
          )
      })

    const write = (state: RateLimiter.State, now: number) =>
      sql`UPDATE ${sql(table)} SET state = ${RateLimiter.encodeState(state)}, updated_at = ${now} WHERE key = ${key}`

    // PostgreSQL: one transaction holding the row lock.
    const modifyLocked = <A>(
      f: (state: RateLimiter.State, now: number) => readonly [A, RateLimiter.State],
      clock: Clock.Clock
    ) =>
      sql.withTransaction(Effect.gen(function*() {
        let rows = yield* selectForUpdate
        if (rows.length === 0) {
          yield* insertIfMissing(yield* clock.currentTimeMillis)
          rows = yield* selectForUpdate
        }
        const now = yield* clock.currentTimeMillis
        const [state] = yield* decode(rows[0]?.state, now)
        const [a, next] = f(state, now)
        yield* write(next, now)
        return [a, next] as const
      }))

    // SQLite: compare-and-set on the text read, when it was a state (JSON of numbers: it reads
    // back as written). Anything else may not (SQLite keeps any type in any column, and text
    // with a NUL reads back cut short): it is overwritten, whatever a concurrent writer did.
    const modifyCompared = <A>(
      f: (state: RateLimiter.State, now: number) => readonly [A, RateLimiter.State],
      clock: Clock.Clock
    ) => {
      const attempt = (n: number): Effect.Effect<readonly [A, RateLimiter.State], SqlError | Contended> =>
        n >= maxAttempts ? Effect.fail(new Contended({ attempts: n })) : Effect.gen(function*() {
          const rows = yield* retryBusy(select)
          if (rows.length === 0) {
            yield* retryBusy(insertIfMissing(yield* clock.currentTimeMillis))
            return yield* attempt(n + 1)
          }
          const raw = rows[0]!.state
          const now = yield* clock.currentTimeMillis
          const [state, trusted] = yield* decode(raw, now)
          const [a, next] = f(state, now)
          const text = RateLimiter.encodeState(next)
          const updated = yield* retryBusy(
            trusted && typeof raw === "string"
              ? sql`UPDATE ${sql(table)} SET state = ${text}, updated_at = ${now}
                  WHERE key = ${key} AND state = ${raw} RETURNING key`
              : sql`UPDATE ${sql(table)} SET state = ${text}, updated_at = ${now} WHERE key = ${key} RETURNING key`
          )
          return updated.length === 1 ? [a, next] as const : yield* attempt(n + 1)
        })
      return attempt(0)
    }

    const transition = dialect === "pg" ? modifyLocked : modifyCompared

    // The table: two runners starting at once can both try to create it on PostgreSQL, and one
    // fails on the catalog's unique index; its second try sees the table.
    const ensure = Effect.zipRight(
      Effect.retry(retryBusy(createTable), { times: 1 }),
      Effect.flatMap(Clock.currentTimeMillis, (now) => retryBusy(insertIfMissing(now)))
    )
    yield* ensure

    // The copy in memory, and when to try the database again (0: it answered last time).
    const mirror = yield* Ref.make(
      yield* Effect.flatMap(
        Effect.zip(retryBusy(select), Clock.currentTimeMillis),
        ([rows, now]) => Effect.map(decode(rows[0]?.state, now), ([state]) => state)
      )
    )
    const local = RateLimiter.storeFromRef(mirror)
    const retryAt = yield* Ref.make(0)
    const lock = yield* Effect.makeSemaphore(1)
    const timeoutMillis = Duration.toMillis(settings.timeout)
    const fallbackMillis = Duration.toMillis(settings.fallbackFor)

    // Runs `call` on the database within the timeout, or `alone` on the copy in memory.
    const guarded = <A>(
      name: string,
      call: (clock: Clock.Clock) => Effect.Effect<readonly [A, RateLimiter.State], unknown>,
      alone: Effect.Effect<A>
    ): Effect.Effect<A> =>
      Effect.gen(function*() {
        const clock = yield* Effect.clock
        const now = yield* clock.currentTimeMillis
        const until = yield* Ref.get(retryAt)
        if (now < until) return yield* alone
        // Disconnected: a call stuck on a connection is left to end in the background.
        const result = yield* Effect.raceFirst(
          Effect.disconnect(call(clock)),
          Effect.zipRight(wallSleep(timeoutMillis), Effect.fail(new StoreTimeout({ timeout: settings.timeout })))
        ).pipe(
          Effect.withSpan(`SharedBudget.${name}`, { attributes: { key } }),
          Effect.map(Either.right),
          // Errors and defects of the database call; an interruption goes through.
          Effect.catchAll((error) => Effect.succeed(Either.left(Cause.fail(error)))),
          Effect.catchAllDefect((defect) => Effect.succeed(Either.left(Cause.die(defect))))
        )
        if (Either.isRight(result)) {
          const [a, state] = result.right
          yield* Ref.set(mirror, state)
          if (until !== 0) {
            yield* Ref.set(retryAt, 0)
            yield* Effect.logInfo("SharedBudget: the database answers again; the budget is shared again").pipe(
              Effect.annotateLogs({ key })
            )
          }
          return a
        }
        yield* Ref.set(retryAt, now + fallbackMillis)
        if (until === 0) {
          yield* Effect.logWarning(
            "SharedBudget: the database failed; this runner goes on with its own copy of the budget",
            result.left
          ).pipe(Effect.annotateLogs({ key, retryInMillis: fallbackMillis }))
        } else {
          yield* Effect.logDebug("SharedBudget: the database still fails", result.left)
        }
        return yield* alone
      })

    return {
      get: guarded(
        "read",
        (clock) =>
          Effect.flatMap(
            Effect.zip(retryBusy(select), clock.currentTimeMillis),
            ([rows, now]) =>
              rows.length === 0
                ? Effect.succeed([fresh(now), fresh(now)] as const)
                : Effect.map(decode(rows[0]!.state, now), ([state]) => [state, state] as const)
          ),
        local.get
      ),
      modify: (f) => lock.withPermits(1)(guarded("modify", (clock) => transition(f, clock), local.modify(f)))
    } satisfies RateLimiter.Store
  })

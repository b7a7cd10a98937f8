/**
 * Table creation one runner at a time. PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not safe
 * against itself: runners started together on an empty database race in the catalog, and the
 * losers fail with `duplicate key value violates unique constraint "pg_type_typname_nsp_index"`
 * (the cluster's `cluster_runners` table failed the start of one runner in three, in tests). On
 * PostgreSQL the creations run under an advisory lock; other databases run them as they are.
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"

/**
 * The lock's key, in PostgreSQL's two-integer form (its own key space: the cluster's shard locks
 * use the one-bigint form): `asgi`, 1.
 */
const key = "1634952041, 1"

/**
 * Runs `effect` holding the lock on a connection reserved for it (on PostgreSQL), so that the
 * tables it creates through its own connections are created by one runner at a time.
 *
 * @internal
 */
export const holding = <A, E, R>(
  sql: SqlClient.SqlClient,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | SqlError, R> =>
  sql.onDialectOrElse({
    pg: () =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        return yield* Effect.gen(function*() {
          const connection = yield* Scope.extend(sql.reserve, scope)
          // A session lock stays with the connection when it goes back to the pool: always
          // unlocked (queued after the lock when that is interrupted while it waits).
          return yield* Effect.zipRight(connection.executeRaw(`SELECT pg_advisory_lock(${key})`, []), effect).pipe(
            Effect.ensuring(Effect.ignore(connection.executeRaw(`SELECT pg_advisory_unlock(${key})`, [])))
          )
        }).pipe(Effect.onExit((exit) => Scope.close(scope, exit)))
      }),
    orElse: () => effect
  })

/**
 * Runs table creations in a transaction holding the lock (on PostgreSQL): for statements on the
 * client itself, which the transaction keeps on its connection.
 *
 * @internal
 */
export const inTransaction = <A, E, R>(
  sql: SqlClient.SqlClient,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | SqlError, R> =>
  sql.onDialectOrElse({
    pg: () => sql.withTransaction(Effect.zipRight(sql.unsafe(`SELECT pg_advisory_xact_lock(${key})`), effect)),
    orElse: () => effect
  })

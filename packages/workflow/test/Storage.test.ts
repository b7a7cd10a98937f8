// Storage.layerSqlite: the file is put in write-ahead-log mode (readers in other processes do not
// block the runner's writes); a file that is not a database still opens, and its first query
// fails as a StorageError.
import { DurableBatch, Storage } from "@asgardeo-scim/workflow"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { tempDir } from "./utils/Fixtures.js"

describe("Storage.layerSqlite", () => {
  it.live("puts a new file in write-ahead-log mode, kept when it is opened again", () =>
    Effect.gen(function*() {
      const filename = Path.join(yield* tempDir, "state.db")
      const mode = Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
        return rows[0]?.journal_mode
      }).pipe(Effect.provide(Storage.layerSqlite({ filename })))
      assert.strictEqual(yield* mode, "wal")
      assert.strictEqual(yield* mode, "wal")
    }).pipe(Effect.scoped))

  it.live("a file that is not a SQLite database: the first query is a StorageError, the file is left as it was", () =>
    Effect.gen(function*() {
      const filename = Path.join(yield* tempDir, "notes.txt")
      Fs.writeFileSync(filename, "not a database, but long enough to be read as one ".repeat(20))
      const before = Fs.readFileSync(filename, "utf8")
      const error = yield* DurableBatch.progress("b-1").pipe(
        Effect.provide(Storage.layerSqlite({ filename })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "StorageError")
      assert.strictEqual(Fs.readFileSync(filename, "utf8"), before)
    }).pipe(Effect.scoped))
})

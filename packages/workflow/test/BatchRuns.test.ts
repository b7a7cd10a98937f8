import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { DurableBatch, Runner } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Option, Stream } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { embedded, fastStop, hrOn, quiet, tempDir } from "./utils/Fixtures.js"

const employee = (i: number) => ({
  employeeId: `E${2000 + i}`,
  email: `person${i}@example.com`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  department: "Engineering",
  role: "employee"
})
const people = (n: number) => Array.from({ length: n }, (_, i) => employee(i))

const finalOf = (batchId: string) =>
  Effect.map(Stream.runLast(DurableBatch.watch(batchId, { every: "20 millis" })), Option.getOrThrow)

describe("DurableBatch runs", () => {
  it.live(
    "a fatal failure aborts the run; submitting again once it is fixed runs the rest",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        yield* Effect.gen(function*() {
          const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
          const forbidden = yield* emulator.injectFault(
            AsgardeoEmulator.status(403, { method: "POST", path: /\/Users$/ })
          )
          const first = yield* DurableBatch.submit(people(10), { concurrency: 2 })
          const aborted = yield* finalOf(first.batchId)
          assert.strictEqual(aborted.status, "aborted")
          // Employees in flight finished; none was started after.
          assert.isAtMost(aborted.failed, 2)
          assert.isAtLeast(aborted.pending, 8)
          const failures = yield* DurableBatch.items(first.batchId, { status: "failed" })
          assert.strictEqual(failures[0]?.error, "Forbidden")
          yield* emulator.removeFault(forbidden)
          const second = yield* DurableBatch.submit(people(10), { concurrency: 2 })
          assert.deepStrictEqual([second.start, second.run, second.batchId], ["rerun", 2, first.batchId])
          const done = yield* finalOf(first.batchId)
          assert.deepStrictEqual([done.status, done.done, done.failed, done.pending], ["done", 10, 0, 0])
          assert.strictEqual((yield* emulator.snapshot()).users.length, 10)
        }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    60_000
  )

  it.live(
    "refuses bad options and a batch id reused for other input, before anything runs",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        yield* Effect.gen(function*() {
          for (
            const [options, field] of [
              [{ concurrency: 0 }, "concurrency"],
              [{ concurrency: 1.5 }, "concurrency"],
              [{ concurrency: 65 }, "concurrency"],
              [{ batchId: "" }, "batchId"],
              [{ batchId: "a b" }, "batchId"],
              [{ batchId: "x".repeat(101) }, "batchId"],
              [{ batchId: "a\u0000" }, "batchId"],
              [{ bulk: true }, "bulk"],
              [null, "options"]
            ] as const
          ) {
            const error = yield* Effect.flip(DurableBatch.submit(people(1), options as DurableBatch.SubmitOptions))
            assert.strictEqual(error._tag, "InvalidEvent", JSON.stringify(options))
            // The option at fault is named (an HTTP backend answers it as the field).
            if (error._tag === "InvalidEvent") assert.strictEqual(error.field, field, JSON.stringify(options))
          }
          assert.strictEqual(
            (yield* Effect.flip(DurableBatch.submit(42 as unknown as Iterable<unknown>)))._tag,
            "InvalidEvent"
          )
          yield* DurableBatch.submit(people(2), { batchId: "hires-1" })
          const mismatch = yield* Effect.flip(DurableBatch.submit(people(3), { batchId: "hires-1" }))
          assert.strictEqual(mismatch._tag, "BatchMismatch")
          assert.strictEqual((yield* Effect.flip(DurableBatch.progress("nope")))._tag, "BatchNotFound")
          assert.strictEqual((yield* Effect.flip(DurableBatch.progress({})))._tag, "InvalidEvent")
          const badLimit = yield* Effect.flip(DurableBatch.items("hires-1", { limit: 5000 }))
          assert.deepStrictEqual([badLimit._tag, badLimit._tag === "InvalidEvent" && badLimit.field], [
            "InvalidEvent",
            "limit"
          ])
        }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    60_000
  )

  it.live(
    "a runner stopped in the middle of a batch: a new runner on the same file resumes it",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const filename = Path.join(dir, "runner.db")
        // One emulator for both runners' lifetimes.
        const emulator = yield* Layer.build(AsgardeoEmulator.layerClient())
        const runner = Runner.work({ backoff: ["10 millis"] }).pipe(
          Layer.provideMerge(Runner.layerEmbedded({ filename, sharding: fastStop })),
          Layer.provideMerge(hrOn({ retry: { maxAttempts: 1 } })),
          Layer.provide(Layer.succeedContext(emulator))
        )
        const service = Context.get(emulator, AsgardeoEmulator.AsgardeoEmulator)
        yield* service.injectFault(AsgardeoEmulator.latency(30, { path: /\/Users/ }))
        const submitted = yield* Effect.scoped(
          Effect.gen(function*() {
            const s = yield* DurableBatch.submit(people(24), { concurrency: 2 })
            // Stop once some are done and some are not.
            yield* Stream.runDrain(
              DurableBatch.watch(s.batchId, { every: "20 millis" }).pipe(Stream.takeUntil((p) => p.done >= 4))
            )
            return s
          }).pipe(Effect.provide(runner))
        )
        const between = yield* Effect.scoped(
          Effect.provide(DurableBatch.progress(submitted.batchId), Runner.layerEmbedded({ filename }))
        )
        assert.isAbove(between.pending, 0)
        assert.strictEqual(between.status, "running")
        const final = yield* Effect.scoped(
          Effect.gen(function*() {
            const again = yield* DurableBatch.submit(people(24), { concurrency: 2 })
            assert.deepStrictEqual([again.start, again.run], ["resumed", 1])
            return yield* finalOf(submitted.batchId)
          }).pipe(Effect.provide(runner))
        )
        assert.deepStrictEqual([final.status, final.done, final.failed], ["done", 24, 0])
        const snapshot = yield* service.snapshot()
        const names = snapshot.users.map((u) => String(u.userName))
        assert.strictEqual(names.length, 24)
        assert.strictEqual(new Set(names).size, 24)
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    60_000
  )

  it.live(
    "a secret the token endpoint echoes stays out of the storage, in every encoding",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const filename = Path.join(dir, "runner.db")
        const { clientId, clientSecret } = AsgardeoEmulator.defaultCredentials
        yield* Effect.gen(function*() {
          const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
          yield* emulator.injectFault(AsgardeoEmulator.status(401, { path: /oauth2\/token/ }, {
            body: JSON.stringify({
              error: "invalid_client",
              error_description: `bad ${clientSecret} ${
                Buffer.from(`${clientId}:${clientSecret}`).toString("base64")
              } ${encodeURIComponent(clientSecret)}`
            })
          }))
          const s = yield* DurableBatch.submit(people(3), { concurrency: 1 })
          const final = yield* finalOf(s.batchId)
          assert.strictEqual(final.status, "aborted")
          const failed = yield* DurableBatch.items(s.batchId, { status: "failed" })
          assert.strictEqual(failed[0]?.error, "InvalidClient")
        }).pipe(Effect.provide(embedded(filename)))
        const bytes = Fs.readFileSync(filename).toString("latin1")
        for (
          const form of [
            clientSecret,
            Buffer.from(`${clientId}:${clientSecret}`).toString("base64"),
            Buffer.from(clientSecret).toString("base64")
          ]
        ) {
          assert.isFalse(bytes.includes(form), form)
        }
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    60_000
  )
})

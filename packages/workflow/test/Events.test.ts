import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { ApplyEvent, EmployeeQueue, Runner } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Path from "node:path"
import { hrOnEmulator, kim, quiet, tempDir } from "./utils/Fixtures.js"

const runnerOn = (filename: string) =>
  Layer.mergeAll(ApplyEvent.layer({ backoff: ["10 millis"] }), EmployeeQueue.layer).pipe(
    Layer.provideMerge(Runner.layerEmbedded({ filename })),
    Layer.provideMerge(hrOnEmulator())
  )

describe("EmployeeQueue on the embedded runner", () => {
  it.live("applies a hire once, however often it is submitted", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const hire = { _tag: "Hire", eventId: "evt-1", employee: kim }
        const first = yield* EmployeeQueue.apply(hire)
        assert.strictEqual(first.outcome, "created")
        const again = yield* EmployeeQueue.apply(hire)
        assert.deepStrictEqual(again, first)
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const snapshot = yield* emulator.snapshot()
        assert.strictEqual(snapshot.users.length, 1)
        const posts = (yield* emulator.log).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
        assert.strictEqual(posts.length, 1)
        const status = yield* EmployeeQueue.status("evt-1")
        assert.strictEqual(status._tag, "Applied")
      }).pipe(Effect.provide(runnerOn(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))
})

// A batch's error policy: every scope a batch can need is checked before its first write, and a
// fatal error met midway (a 403 on the group add) stops every lane: the employees in flight finish
// and get their line, none is started after, the batch fails with BatchAborted, and a re-run with
// its report completes it. The emulator's request log is the evidence.
import type { Employee } from "@asgardeo-scim/hr"
import { HrDirectory, Report } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import { makeSink } from "./support/capture.js"
import { recorder } from "./support/results.js"
import { credentials, employee, inProcess, roleGroup, stateOf } from "./support/stack.js"

const results = recorder("batch")
afterAll((file) => results.finish(file))

const appWithout = (...without: ReadonlyArray<string>) => ({
  emulator: {
    apps: [{ ...credentials, scopes: AsgardeoEmulator.allScopes.filter((s) => !without.includes(s)) }]
  }
})

const employees = (n: number, from = 0) => Array.from({ length: n }, (_, i) => employee(from + i))

/** Runs a batch, keeping what it emitted and how it ended; `onResult` runs as each result arrives. */
const collect = (
  input: ReadonlyArray<Employee.Employee>,
  options: HrDirectory.BatchOptions,
  onResult: (seen: number) => Effect.Effect<void> = () => Effect.void
) =>
  Effect.gen(function*() {
    const hr = yield* HrDirectory.HrDirectory
    const out: Array<HrDirectory.BatchResult> = []
    const exit = yield* Effect.either(Stream.runForEach(hr.onboardMany(input, options), (r) => {
      out.push(r)
      return onResult(out.length)
    }))
    return { out, exit }
  })

const requests = Effect.map(
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.log),
  (log) => log.filter((e) => !e.path.endsWith("/oauth2/token"))
)
const writes = Effect.map(requests, (log) => log.filter((e) => e.method !== "GET" && !e.path.endsWith("/.search")))

describe("a batch's scopes, checked before its first write", () => {
  it.effect("batch.scope-precheck", () =>
    Effect.gen(function*() {
      let tried = 0
      for (const options of [{ bulk: false }, { bulk: "auto" }, { bulk: true }] as const) {
        const { exit, out } = yield* collect(employees(20), options)
        tried++
        assert.deepStrictEqual(out, [])
        assert.isTrue(Either.isLeft(exit) && exit.left._tag === "MissingScopes", JSON.stringify(exit))
        if (Either.isLeft(exit) && exit.left._tag === "MissingScopes") {
          assert.deepStrictEqual(exit.left.scopes, ["internal_group_mgt_update"])
        }
        assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
      }
      results.observe(
        "batch.scope-precheck",
        tried,
        "MissingScopes(internal_group_mgt_update) with Bulk off, auto and on; 0 writes, 0 users"
      )
    }).pipe(Effect.provide(inProcess(makeSink(), appWithout("internal_group_mgt_update")))))

  it.effect("batch.bulk-scope-precheck", () =>
    Effect.gen(function*() {
      const { exit } = yield* collect(employees(20), { bulk: true })
      assert.isTrue(Either.isLeft(exit) && exit.left._tag === "MissingScopes", JSON.stringify(exit))
      if (Either.isLeft(exit) && exit.left._tag === "MissingScopes") {
        assert.deepStrictEqual(exit.left.scopes, ["internal_bulk_user_create", "internal_bulk_group_update"])
      }
      assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
      const auto = yield* collect(employees(20), { bulk: "auto" })
      assert.isTrue(Either.isRight(auto.exit))
      assert.isTrue(auto.out.every((r) => r.line.outcome === "created"))
      assert.deepStrictEqual((yield* requests).filter((e) => e.path.endsWith("/Bulk")), [])
      results.observe(
        "batch.bulk-scope-precheck",
        2,
        "true: MissingScopes(both Bulk scopes), 0 writes; auto: 20 created by single requests, 0 Bulk requests"
      )
    }).pipe(Effect.provide(
      inProcess(makeSink(), appWithout("internal_bulk_user_create", "internal_bulk_group_update"))
    )))
})

describe("a fatal error midway", () => {
  it.effect("batch.fatal-midway, then batch.resume-after-fatal", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const all = employees(200)
      const options = { bulk: true, bulkSize: 10, concurrency: 8 } as const
      let fault = -1
      const { exit, out } = yield* collect(all, options, (seen) =>
        seen === 5
          ? Effect.map(
            emu.injectFault(AsgardeoEmulator.status(403, { method: "PATCH", path: "/scim2/Groups*" })),
            (id) => void (fault = id)
          )
          : Effect.void)
      assert.isTrue(Either.isLeft(exit) && exit.left._tag === "BatchAborted", JSON.stringify(exit))
      const lines = out.map((r) => r.line)
      const partial = lines.filter((l) => l.outcome === "partial")
      const done = lines.filter(Report.isDone)
      if (Either.isLeft(exit) && exit.left._tag === "BatchAborted") {
        assert.strictEqual(exit.left.causeTag, "Forbidden")
        assert.strictEqual(exit.left.processed, lines.length)
        assert.strictEqual(exit.left.done, done.length)
      }
      assert.isAbove(partial.length, 0)
      assert.isBelow(lines.length, all.length / 2, "the lanes stopped taking employees")
      // Every user the batch created has its line, with its id; no request was left unanswered.
      const state = yield* stateOf
      assert.strictEqual(state.users.size, lines.filter((l) => l.userId !== undefined).length)
      for (const l of lines) {
        if (l.userId !== undefined) {
          assert.strictEqual(state.users.get(l.userName.replace(/^DEFAULT\//, ""))?.id, l.userId)
        }
      }
      const log = yield* requests
      assert.deepStrictEqual(
        log.filter((e) => e.status === undefined),
        []
      )
      const bulkRequests = log.filter((e) => e.path.endsWith("/Bulk")).length
      const forbidden = log.filter((e) => e.status === 403).length
      assert.isAbove(bulkRequests, 0, "the Bulk lane ran")
      results.observe(
        "batch.fatal-midway",
        forbidden,
        `BatchAborted(Forbidden) after ${lines.length} of ${all.length} (${done.length} done, ${partial.length} ` +
          `partial in flight); ${state.users.size} users = lines with a userId; ${bulkRequests} Bulk requests`
      )

      // The operator fixes the permission and runs the batch again with its report.
      yield* emu.removeFault(fault)
      yield* emu.clearLog
      const report = Report.parse(lines.map(Report.encodeLine).join(""))
      const skip = Report.doneIds(report)
      const again = yield* collect(all, { ...options, skip })
      assert.isTrue(Either.isRight(again.exit), JSON.stringify(again.exit))
      assert.strictEqual(again.out.length, all.length - skip.size)
      for (const r of again.out) {
        assert.isFalse(skip.has(r.line.employeeId))
        const wasPartial = partial.some((l) => l.employeeId === r.line.employeeId)
        assert.strictEqual(r.line.outcome, wasPartial ? "updated" : "created", JSON.stringify(r.line))
      }
      const after = yield* stateOf
      assert.deepStrictEqual(after.duplicates, [])
      assert.strictEqual(after.users.size, all.length)
      for (const e of all) assert.deepStrictEqual(after.users.get(e.email)!.groups, [roleGroup[e.role]!], e.email)
      results.observe(
        "batch.resume-after-fatal",
        1,
        `${skip.size} done skipped, ${partial.length} partial completed, ${
          all.length - skip.size - partial.length
        } created; state exact`
      )
    }).pipe(Effect.provide(inProcess(makeSink()))), 60_000)
})

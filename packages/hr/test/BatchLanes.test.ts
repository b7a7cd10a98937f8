// onboardMany's lanes: every employee goes through the one per-employee step, whichever lane took
// it (what a Bulk request could not do is completed by that step), and one bound holds the work
// in flight across the Bulk lane and the single-request lanes, which still run at the same time.
import { Directory, Groups } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Option, Stream, TestClock, Tracer } from "effect"
import { employee, emulator, layer, scimRequests, stateOf } from "./utils/Emulated.js"

const roles = ["employee", "hr_manager", "admin"]
const batch = (n: number) => Array.from({ length: n }, (_, i) => employee(i, roles[i % 3]!))
const roleGroup: Record<string, string> = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" }

// Records of unknown shape (valid or not): `onboardManyUnknown`, which shares `onboardMany`'s batch.
const run = (input: ReadonlyArray<unknown>, options: HrDirectory.BatchOptions) =>
  Effect.flatMap(HrDirectory.HrDirectory, (hr) => Stream.runCollect(hr.onboardManyUnknown(input, options))).pipe(
    Effect.map(Chunk.toReadonlyArray)
  )

/** A tracer that records the name of every span, over the current one. */
const recordingSpans = (names: Array<string>) =>
  Effect.map(Effect.tracer, (base) =>
    Tracer.make({
      span: (...args: Parameters<Tracer.Tracer["span"]>) => {
        names.push(args[0])
        return base.span(...args)
      },
      context: base.context
    }))

describe("onboardMany: one per-employee step", () => {
  it.effect("every employee, taken by the Bulk lane or a single lane, valid or not, goes through the step once", () =>
    Effect.gen(function*() {
      const names: Array<string> = []
      const tracer = yield* recordingSpans(names)
      const employees = batch(30)
      const input = [...employees, { ...employee(98), email: "bad" }, { ...employee(99), role: "ceo" }]
      const results = yield* Effect.withTracer(run(input, { bulk: true, bulkSize: 10, concurrency: 4 }), tracer)
      assert.strictEqual(results.length, 32)
      assert.strictEqual(results.filter((r) => r.line.outcome === "created").length, 30)
      assert.strictEqual(results.filter((r) => r.line.outcome === "invalid").length, 2)
      const log = yield* scimRequests
      const bulkRequests = log.filter((e) => e.path.endsWith("/Bulk")).length
      const posted = log.filter((e) => e.method === "POST" && e.path.endsWith("/Users")).length
      assert.isAbove(bulkRequests, 0)
      assert.isBelow(posted, 30, "Bulk created some of the users")
      assert.strictEqual(names.filter((n) => n === "HrDirectory.onboardEmployee").length, 32)
    }).pipe(Effect.provide(layer())))

  it.effect("a Bulk chunk whose group operation failed (the group was deleted) is completed by the step", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const groups = yield* Groups.Groups
      const emu = yield* emulator
      const old = (yield* hr.ensureRoleGroups).find((g) => g.role === "employee")!
      yield* groups.delete(old.id)
      yield* emu.clearLog
      const employees = batch(24)
      // One lane for single requests: the Bulk lane takes most employees.
      const results = yield* run(employees, { bulk: true, bulkSize: 12, concurrency: 2 })
      assert.deepStrictEqual(
        results.filter((r) => r.line.outcome !== "created").map((r) => r.line),
        [],
        "every employee created and placed"
      )
      const log = yield* scimRequests
      const bulk = log.filter((e) => e.path.endsWith("/Bulk"))
      assert.isAbove(bulk.length, 0)
      assert.isBelow(log.filter((e) => e.method === "POST" && e.path.endsWith("/Users")).length, 24)
      const fresh = (yield* hr.ensureRoleGroups).find((g) => g.role === "employee")!
      assert.notStrictEqual(fresh.id, old.id)
      // The step put the Bulk-created employees in the recreated group, with single PATCHes.
      assert.isAbove(log.filter((e) => e.method === "PATCH" && e.path.endsWith(`/Groups/${fresh.id}`)).length, 0)
      const state = yield* stateOf
      assert.strictEqual(state.users.size, 24)
      for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!], e.email)
    }).pipe(Effect.provide(layer())))
})

describe("onboardMany: one concurrency bound across both lanes", () => {
  /** Counts the SCIM requests in flight (the token endpoint left out), and which kinds overlapped. */
  const counting = (seen: { now: number; max: number; bulk: number; bulkWithSingle: boolean }) =>
    Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (client) =>
        HttpClient.transform(client, (response, request) => {
          if (request.url.endsWith("/oauth2/token")) return response
          const isBulk = request.url.endsWith("/Bulk")
          const enter = Effect.sync(() => {
            seen.now++
            seen.max = Math.max(seen.max, seen.now)
            if (isBulk) seen.bulk++
            if (seen.bulk > 0 && seen.now > seen.bulk) seen.bulkWithSingle = true
          })
          const leave = Effect.sync(() => {
            seen.now--
            if (isBulk) seen.bulk--
          })
          return Effect.acquireUseRelease(enter, () => response, () => leave)
        }))
    )

  const stack = (seen: Parameters<typeof counting>[0]) =>
    HrDirectory.layer.pipe(
      Layer.provide(RoleMapping.layer()),
      Layer.provideMerge(Directory.layer),
      Layer.provide(counting(seen)),
      Layer.provideMerge(AsgardeoEmulator.layerTest())
    )

  for (const concurrency of [2, 3, 5]) {
    it.effect(`concurrency ${concurrency}: never more requests in flight, Bulk and single requests at once`, () => {
      const seen = { now: 0, max: 0, bulk: 0, bulkWithSingle: false }
      return Effect.gen(function*() {
        // The role groups are looked up (three at once) before any employee: not counted.
        yield* (yield* HrDirectory.HrDirectory).ensureRoleGroups
        seen.max = 0
        // Every request takes 10 ms of the test clock: requests of different employees overlap.
        yield* (yield* emulator).injectFault(AsgardeoEmulator.latency(10))
        const employees = batch(60)
        const fiber = yield* Effect.fork(run(employees, { bulk: true, bulkSize: 4, concurrency }))
        while (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("1 millis")
        const results = yield* Fiber.join(fiber)
        assert.isTrue(results.every((r) => r.line.outcome === "created"))
        assert.strictEqual(seen.max, concurrency, "the bound is reached, never passed")
        assert.isTrue(seen.bulkWithSingle, "a Bulk request and single requests were in flight together")
        const state = yield* stateOf
        for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!])
      }).pipe(Effect.provide(stack(seen)))
    })
  }
})

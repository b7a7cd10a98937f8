// onboardMany's error policy: every scope the batch can need is checked before its first write,
// and a fatal error met later ends the batch (in-flight employees finish and get their lines,
// nothing new starts) with a typed failure; a re-run with the report completes it.
import { AccessToken, Discovery, RateLimiter, ScimClient } from "@asgardeo-scim/core"
import { Bulk, Groups, Users } from "@asgardeo-scim/directory"
import type { Employee } from "@asgardeo-scim/hr"
import { HrDirectory, Report, Roles } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { employee, emulator, layer, scimRequests, stateOf } from "./utils/Emulated.js"

const hr = HrDirectory.HrDirectory

const batch = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => employee(from + i, ["employee", "hr_manager", "admin"][i % 3]!))

const roleGroup: Record<string, string> = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" }

/** An app (the first, so the client uses it) with every scope but `without`. */
const appWithout = (...without: ReadonlyArray<string>) => ({
  apps: [{
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    scopes: AsgardeoEmulator.allScopes.filter((s) => !without.includes(s))
  }]
})

const writes = Effect.map(scimRequests, (log) => log.filter((e) => e.method !== "GET" && !e.path.endsWith("/.search")))

/** Runs a batch, collecting the results it emitted before it ended, and how it ended. */
const collect = (
  input: ReadonlyArray<Employee.Employee>,
  options: HrDirectory.BatchOptions = {},
  onResult: (r: HrDirectory.BatchResult, seen: number) => Effect.Effect<void> = () => Effect.void
) =>
  Effect.gen(function*() {
    const service = yield* hr
    const results: Array<HrDirectory.BatchResult> = []
    const exit = yield* Effect.either(
      Stream.runForEach(service.onboardMany(input, options), (r) => {
        results.push(r)
        return onResult(r, results.length)
      })
    )
    return { results, exit }
  })

describe("onboardMany: scopes checked before the first write", () => {
  for (const options of [{ bulk: false }, {}] as const) {
    it.effect(
      `an app without internal_group_mgt_update (${JSON.stringify(options)}): MissingScopes naming it, nothing written`,
      () =>
        Effect.gen(function*() {
          const { exit, results } = yield* collect(batch(6), options)
          assert.deepStrictEqual(results, [])
          assert.isTrue(exit._tag === "Left")
          if (exit._tag === "Left") {
            const error = exit.left
            assert.strictEqual(error._tag, "MissingScopes", String(error))
            if (error._tag === "MissingScopes") {
              assert.deepStrictEqual(error.scopes, ["internal_group_mgt_update"])
              assert.include(error.message, "internal_group_mgt_update (SCIM2 Groups API)")
            }
          }
          assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
          assert.strictEqual((yield* stateOf).users.size, 0)
        }).pipe(Effect.provide(layer(appWithout("internal_group_mgt_update"))))
    )
  }

  it.effect("every missing scope is named, group creation (a write of ensureRoleGroups) included", () =>
    Effect.gen(function*() {
      const { exit } = yield* collect(batch(3), { bulk: false })
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "MissingScopes")
      if (exit._tag === "Left" && exit.left._tag === "MissingScopes") {
        assert.deepStrictEqual(exit.left.scopes, ["internal_user_mgt_update", "internal_group_mgt_create"])
      }
      assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
      assert.strictEqual((yield* stateOf).groups.length, 0)
    }).pipe(Effect.provide(layer(appWithout("internal_group_mgt_create", "internal_user_mgt_update")))))

  it.effect("bulk: true without the Bulk scopes: MissingScopes naming them, nothing written", () =>
    Effect.gen(function*() {
      const { exit } = yield* collect(batch(6), { bulk: true })
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "MissingScopes")
      if (exit._tag === "Left" && exit.left._tag === "MissingScopes") {
        assert.deepStrictEqual(exit.left.scopes, ["internal_bulk_user_create", "internal_bulk_group_update"])
        assert.include(exit.left.message, "SCIM2 Bulk API")
      }
      assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
    }).pipe(Effect.provide(layer(appWithout("internal_bulk_user_create", "internal_bulk_group_update")))))

  it.effect("bulk: \"auto\" without the Bulk scopes: single requests only, every employee onboarded", () =>
    Effect.gen(function*() {
      const employees = batch(6)
      const { exit, results } = yield* collect(employees)
      assert.strictEqual(exit._tag, "Right")
      assert.deepStrictEqual(results.map((r) => r.line.outcome), employees.map(() => "created"))
      assert.deepStrictEqual((yield* scimRequests).filter((e) => e.path.endsWith("/Bulk")), [])
      const state = yield* stateOf
      for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!])
    }).pipe(Effect.provide(layer(appWithout("internal_bulk_user_create")))))
})

describe("onboardMany on a server whose configuration says it has no Bulk", () => {
  /** The emulator's ServiceProviderConfig answer, with `bulk.supported: false`. */
  const withoutBulk = Effect.gen(function*() {
    const emu = yield* emulator
    const body = {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: false }
    }
    const path = "/scim2/ServiceProviderConfig"
    yield* emu.injectFault(AsgardeoEmulator.status(200, { path }, { body: JSON.stringify(body) }))
    const spc = yield* (yield* Discovery.Discovery).serviceProviderConfig
    assert.isFalse(spc.bulk.supported)
    assert.isTrue(spc.filter.supported)
  })

  it.effect("bulk: \"auto\": single requests only (no Bulk request), every employee onboarded once", () =>
    Effect.gen(function*() {
      yield* withoutBulk
      const employees = batch(12)
      const { exit, results } = yield* collect(employees, { concurrency: 4 })
      assert.strictEqual(exit._tag, "Right")
      assert.deepStrictEqual(results.map((r) => r.line.outcome).sort(), employees.map(() => "created"))
      assert.deepStrictEqual((yield* scimRequests).filter((e) => e.path.endsWith("/Bulk")), [])
      const state = yield* stateOf
      assert.strictEqual(state.users.size, 12)
      for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!])
    }).pipe(Effect.provide(layer())))

  it.effect("bulk: true: Unsupported naming bulk before any write, role groups included", () =>
    Effect.gen(function*() {
      yield* withoutBulk
      const { exit, results } = yield* collect(batch(6), { bulk: true })
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "Unsupported")
      if (exit._tag === "Left" && exit.left._tag === "Unsupported") {
        assert.strictEqual(exit.left.feature, "bulk")
        assert.strictEqual(exit.left.operation, "HrDirectory.onboardMany")
      }
      assert.deepStrictEqual(results, [])
      assert.deepStrictEqual((yield* writes).map((e) => `${e.method} ${e.path}`), [])
    }).pipe(Effect.provide(layer())))
})

describe("onboardMany: a fatal error midway ends the batch", () => {
  const forbidden = AsgardeoEmulator.status(403, { method: "PATCH", path: "/scim2/Groups*" })

  it.effect("one lane: the employee in flight gets a partial line, nothing new starts, BatchAborted", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const employees = batch(10)
      // The app loses the right to change groups after 3 employees.
      const { exit, results } = yield* collect(
        employees,
        { bulk: false, concurrency: 1 },
        (_, seen) => seen === 3 ? Effect.asVoid(emu.injectFault(forbidden)) : Effect.void
      )
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", String(exit))
      const lines = results.map((r) => r.line)
      assert.isBelow(lines.length, employees.length)
      assert.deepStrictEqual(lines.slice(0, 3).map((l) => l.outcome), ["created", "created", "created"])
      const partial = lines.filter((l) => l.outcome === "partial")
      assert.isAtLeast(partial.length, 1)
      assert.deepStrictEqual(lines.slice(lines.length - partial.length), partial, "partial lines come last")
      for (const l of partial) {
        assert.isDefined(l.userId)
        assert.strictEqual(l.error?.tag, "Incomplete")
      }
      if (exit._tag === "Left" && exit.left._tag === "BatchAborted") {
        assert.strictEqual(exit.left.causeTag, "Forbidden")
        assert.strictEqual(exit.left.processed, lines.length)
        assert.strictEqual(exit.left.done, lines.filter(Report.isDone).length)
        assert.match(exit.left.message, /Forbidden/)
        assert.match(exit.left.message, /report/)
      }
      // Every user created has a line; nothing was started after the 403.
      const log = yield* scimRequests
      const first403 = log.findIndex((e) => e.status === 403)
      assert.isAbove(first403, 0)
      assert.deepStrictEqual(
        log.slice(first403).filter((e) => e.method === "POST" && e.path.endsWith("/Users")).map((e) => e.path),
        []
      )
      const state = yield* stateOf
      assert.strictEqual(state.users.size, lines.length)
      for (const l of lines) assert.strictEqual(state.users.get(l.userName.replace(/^DEFAULT\//, ""))?.id, l.userId)
    }).pipe(Effect.provide(layer())))

  for (
    const [mode, options] of [
      ["single requests", { bulk: false, concurrency: 4 }],
      ["Bulk and single lanes", { bulk: true, bulkSize: 3, concurrency: 4 }]
    ] as const
  ) {
    it.effect(`${mode}: every lane stops taking work; every employee started has its line`, () =>
      Effect.gen(function*() {
        const emu = yield* emulator
        const employees = batch(60)
        const { exit, results } = yield* collect(
          employees,
          options,
          (_, seen) => seen === 1 ? Effect.asVoid(emu.injectFault(forbidden)) : Effect.void
        )
        assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", String(exit))
        const lines = results.map((r) => r.line)
        assert.isBelow(lines.length, employees.length / 2, "the batch stopped early")
        const state = yield* stateOf
        assert.strictEqual(state.users.size, lines.filter((l) => l.userId !== undefined).length)
        for (const l of lines) {
          if (l.userId !== undefined) {
            assert.strictEqual(state.users.get(l.userName.replace(/^DEFAULT\//, ""))?.id, l.userId)
          }
        }
        assert.isTrue(lines.some((l) => l.outcome === "partial"))
        if (options.bulk) assert.isAbove((yield* emu.log).filter((e) => e.path.endsWith("/Bulk")).length, 0)
        // Requests already sent were not interrupted: every request has its answer.
        assert.deepStrictEqual((yield* emu.log).filter((e) => e.status === undefined), [])
      }).pipe(Effect.provide(layer())))
  }

  it.effect("a stop ends the Bulk lane's wait for its budget (the clock never moves here)", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const { exit, results } = yield* collect(
        batch(30),
        { bulk: true, bulkSize: 3, concurrency: 2 },
        (_, seen) => seen === 1 ? Effect.asVoid(emu.injectFault(forbidden)) : Effect.void
      )
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", String(exit))
      assert.isBelow(results.length, 30)
      assert.strictEqual((yield* emu.log).filter((e) => e.path.endsWith("/Bulk")).length, 1)
    }).pipe(Effect.provide(layer({}, {
      rateLimits: {
        scim: { limit: 100_000, window: "1 second" },
        token: { limit: 100_000, window: "1 second" },
        bulk: { limit: 1, window: "1 minute" }
      }
    }))))

  it.effect("a re-run with the report skips the done employees and completes the partial ones", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const employees = batch(12)
      const faultId = { id: -1 }
      const first = yield* collect(
        employees,
        { bulk: false, concurrency: 2 },
        (_, seen) => seen === 4 ? Effect.map(emu.injectFault(forbidden), (id) => void (faultId.id = id)) : Effect.void
      )
      assert.isTrue(first.exit._tag === "Left" && first.exit.left._tag === "BatchAborted")
      const report = Report.parse(first.results.map((r) => Report.encodeLine(r.line)).join(""))
      const done = Report.doneIds(report)
      const partial = [...report.lines.values()].filter((l) => l.outcome === "partial").map((l) => l.employeeId)
      assert.isAtLeast(done.size, 4)
      assert.isAtLeast(partial.length, 1)

      yield* emu.removeFault(faultId.id)
      yield* emu.clearLog
      const second = yield* collect(employees, { bulk: false, concurrency: 2, skip: done })
      assert.strictEqual(second.exit._tag, "Right")
      assert.deepStrictEqual(
        second.results.map((r) => r.line.employeeId).sort(),
        employees.map((e) => e.employeeId).filter((id) => !done.has(id)).sort()
      )
      for (const r of second.results) {
        assert.strictEqual(r.line.outcome, partial.includes(r.line.employeeId) ? "updated" : "created")
      }
      // Done employees were not touched again.
      const posted = (yield* scimRequests).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
      assert.strictEqual(posted.length, employees.length - done.size)
      const state = yield* stateOf
      assert.strictEqual(state.users.size, employees.length)
      for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!])
    }).pipe(Effect.provide(layer())))

  it.effect("a single onboardEmployee keeps its contract: Incomplete with the fatal cause", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      yield* service.ensureRoleGroups
      yield* emu.injectFault(forbidden)
      const error = yield* Effect.flip(service.onboardEmployee(employee(1)))
      assert.strictEqual(error._tag, "Incomplete")
      if (error._tag === "Incomplete") assert.strictEqual(error.causeTag, "Forbidden")
    }).pipe(Effect.provide(layer())))
})

describe("onboardMany: a token whose scopes cannot be checked", () => {
  // As with a static bearer token: the token service cannot tell the scopes (here the app lacks
  // internal_group_mgt_update), so there is no pre-check; the server's 403 ends the batch.
  const unchecked = Layer.effect(
    AccessToken.AccessToken,
    Effect.map(AccessToken.AccessToken, (tokens) =>
      AccessToken.AccessToken.of({
        get: (scopes) => Effect.map(tokens.get(scopes), (token) => ({ ...token, scopes: undefined })),
        invalidate: tokens.invalidate,
        refreshable: tokens.refreshable
      }))
  ).pipe(Layer.provide(AccessToken.layer))
  const uncheckedLayer = HrDirectory.layer.pipe(
    Layer.provide(Roles.layer()),
    Layer.provideMerge(Layer.mergeAll(Users.layer, Groups.layer, Bulk.layer)),
    Layer.provideMerge(Discovery.layer),
    Layer.provideMerge(ScimClient.layerWithoutDependencies),
    Layer.provideMerge(unchecked),
    Layer.provideMerge(RateLimiter.layer),
    Layer.provideMerge(AsgardeoEmulator.layerTest(appWithout("internal_group_mgt_update")))
  )

  it.effect("no pre-check: the first employee is created, the server's 403 ends the batch as BatchAborted", () =>
    Effect.gen(function*() {
      const { exit, results } = yield* collect(batch(5), { bulk: false, concurrency: 1 })
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", String(exit))
      if (exit._tag === "Left" && exit.left._tag === "BatchAborted") assert.strictEqual(exit.left.causeTag, "Forbidden")
      assert.deepStrictEqual(results.map((r) => r.line.outcome), ["partial"])
      assert.strictEqual((yield* stateOf).users.size, 1)
    }).pipe(Effect.provide(uncheckedLayer)))
})

describe("onboardMany: nothing starts after a fatal error, whatever the lane", () => {
  it.effect("a refused Bulk request after the first fatal 403: its employees are not sent one by one", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* Effect.flatMap(hr, (service) => service.ensureRoleGroups)
      // The app loses user creation: every POST /Users and POST /Bulk is refused with 403.
      yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "POST", path: "/scim2/Users" }))
      yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "POST", path: "/scim2/Bulk" }))
      yield* emu.clearLog
      const { exit, results } = yield* collect(batch(40), { bulk: true, bulkSize: 20, concurrency: 2 })
      assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", JSON.stringify(exit))
      const log = yield* scimRequests
      const first = log.findIndex((e) => e.status === 403)
      const after = log.slice(first + 1).filter((e) => e.method === "POST")
      // At most the employees already in flight when the first 403 came back (one per lane).
      assert.isAtMost(after.length, 3, after.map((e) => `${e.method} ${e.path}`).join(", "))
      assert.isAtMost(results.length, 4)
    }).pipe(Effect.provide(layer())))
})

describe("onboardMany: options from plain JavaScript", () => {
  for (
    const [name, employees, options, field] of [
      ["concurrency NaN", batch(3), { concurrency: Number.NaN }, "concurrency"],
      ["concurrency \"four\"", batch(3), { concurrency: "four" }, "concurrency"],
      ["concurrency Infinity", batch(3), { concurrency: Number.POSITIVE_INFINITY }, "concurrency"],
      ["bulkSize 0", batch(3), { bulkSize: 0 }, "bulkSize"],
      ["bulk \"yes\"", batch(3), { bulk: "yes" }, "bulk"],
      ["skip as a string", batch(3), { skip: "E00001" }, "skip"],
      ["null as the employees", null, {}, "employees"],
      ["a number as the employees", 42, {}, "employees"]
    ] as const
  ) {
    it.effect(`${name}: InvalidInput naming ${field}, nothing sent`, () =>
      Effect.gen(function*() {
        const emu = yield* emulator
        yield* emu.clearLog
        const service = yield* hr
        const exit = yield* Effect.either(
          Stream.runCollect(service.onboardMany(employees as never, options as HrDirectory.BatchOptions))
        )
        assert.isTrue(exit._tag === "Left", `${name} was accepted`)
        if (exit._tag === "Left") {
          assert.strictEqual(exit.left._tag, "InvalidInput")
          if (exit.left._tag === "InvalidInput") assert.strictEqual(exit.left.field, field)
        }
        assert.deepStrictEqual((yield* emu.log).map((l) => `${l.method} ${l.path}`), [])
      }).pipe(Effect.provide(layer())))
  }

  it.effect("skip as an array of ids is read as a set", () =>
    Effect.gen(function*() {
      const { exit, results } = yield* collect(batch(3), { bulk: false, skip: ["E00000"] as never })
      assert.isTrue(exit._tag === "Right")
      assert.deepStrictEqual(results.map((r) => r.line.employeeId).sort(), ["E00001", "E00002"])
    }).pipe(Effect.provide(layer())))
})

// Runners as real processes (test/utils/runner.ts) on a throwaway PostgreSQL, provisioning an
// emulator served on a loopback port in this process (its exact state: `snapshot()`, `log`).
// A server suite (vitest.workspace.ts). The cluster's settings are shortened (`sharding` below);
// what they are in production, and what the takeover measured here is, is in the README
// ("Runners in production: failure and takeover").
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { DurableBatch, Runner, Storage } from "@asgardeo-scim/workflow"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Layer, Redacted } from "effect"
import { writeFile } from "node:fs/promises"
import * as Path from "node:path"
import { fastStop, pollUntil, quiet, tempDir } from "./utils/Fixtures.js"
import * as Postgres from "./utils/Postgres.js"
import * as Runners from "./utils/Runners.js"

/** The shortened settings: see the README for the defaults and why these matter. */
const sharding = {
  shardLockExpiration: Duration.seconds(6),
  shardLockRefreshInterval: Duration.seconds(2),
  runnerHealthCheckInterval: Duration.seconds(2),
  refreshAssignmentsInterval: Duration.seconds(1),
  entityMessagePollInterval: Duration.seconds(1),
  entityTerminationTimeout: Duration.seconds(1)
}

const roles = ["employee", "hr_manager", "admin"] as const
const groupOf = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" } as const
const employee = (i: number) => ({
  employeeId: `E${3000 + i}`,
  email: `dist${i}@example.com`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  department: "Engineering",
  role: roles[i % roles.length]!
})

/**
 * A throwaway PostgreSQL, the emulator on a loopback port and `count` runner processes, for the
 * scope; returns once every runner holds some of the shards (the assignments have settled), so
 * that no shard moves while a test runs.
 */
const cluster = (count: number, options: { readonly budget?: Runners.Settings["budget"] } = {}) =>
  Effect.gen(function*() {
    const server = yield* Postgres.make()
    const emulator = yield* EmulatorServer.make()
    const runners = yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => i + 1),
      (i) =>
        Effect.flatMap(Postgres.freePort, (port) =>
          Runners.start({
            settings: {
              name: `runner-${i}`,
              port,
              sharding,
              backoff: [Duration.millis(200), Duration.seconds(1)],
              ...(options.budget === undefined ? {} : { budget: options.budget })
            },
            server,
            emulator
          })),
      { concurrency: "unbounded" }
    )
    // This process's own pool, for the progress table and the cluster's tables.
    const sql = Layer.succeedContext(yield* Layer.build(Storage.layerPg({ url: server.url, maxConnections: 2 })))
    const names = runners.map((r) => Runners.applicationName(r.name))
    yield* pollUntil(
      Runners.shardsHeld.pipe(Effect.provide(sql)),
      (held) => names.every((n) => (held.get(n) ?? 0) > 0) && [...held.values()].reduce((a, b) => a + b, 0) === 300,
      "200 millis"
    ).pipe((poll) => within("30 seconds", "every runner holding shards", poll))
    return { server, emulator, runners, sql }
  })

/** `effect`, failing after `duration` with an error that says what did not happen. */
const within = <A, E, R>(duration: Duration.DurationInput, what: string, effect: Effect.Effect<A, E, R>) =>
  Effect.timeoutFail(effect, { duration, onTimeout: () => new Error(`timed out waiting for ${what}`) })

/** Writes the employees to a file and has `runner` submit them as a batch. */
const submitBatch = (
  runner: Runners.RunnerProcess,
  batchId: string,
  employees: ReadonlyArray<ReturnType<typeof employee>>,
  concurrency: number
) =>
  Effect.gen(function*() {
    const file = Path.join(yield* tempDir, "employees.json")
    yield* Effect.promise(() => writeFile(file, JSON.stringify(employees)))
    return yield* runner.send({ _tag: "SubmitBatch", file, batchId, concurrency })
  })

const scimPosts = (log: ReadonlyArray<AsgardeoEmulator.LogEntry>) =>
  log.filter((e) => e.method === "POST" && /\/scim2\/Users$/.test(e.path))

/** A new, empty database on the server: its URL. */
const freshDatabase = (server: Postgres.Server, name: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
    Effect.provide(Storage.layerPg({ url: server.url, maxConnections: 1 })),
    Effect.as(Redacted.make(Redacted.value(server.url).replace(/\/postgres$/, `/${name}`)))
  )

describe.sequential("distributed runners on PostgreSQL", () => {
  it.live(
    "four runners, then four first batch reads, at once on an empty database: every one succeeds",
    () =>
      Effect.gen(function*() {
        const server = yield* Postgres.make()
        // CREATE TABLE IF NOT EXISTS races in PostgreSQL's catalog (duplicate key in pg_type):
        // without Runner.layerSocket's start-up lock and the batch tables' retry, most rounds of
        // four at once failed one.
        for (let round = 1; round <= 4; round++) {
          const url = yield* freshDatabase(server, `start${round}`)
          const storage = Storage.layerPg({ url, maxConnections: 3 })
          const starts = yield* Effect.forEach([1, 2, 3, 4], () =>
            Postgres.freePort.pipe(
              Effect.flatMap((port) =>
                Effect.scoped(
                  Layer.build(Runner.layerSocket({ listen: { host: "127.0.0.1", port }, sharding: fastStop }))
                )
              ),
              Effect.provide(storage),
              Effect.exit
            ), { concurrency: "unbounded" })
          assert.deepStrictEqual(
            starts.map((e) => e._tag),
            ["Success", "Success", "Success", "Success"],
            String(starts)
          )
          // The batch tables too: four first reads at once, each answered "no such batch".
          const reads = yield* Effect.forEach(
            [1, 2, 3, 4],
            () => Effect.flip(DurableBatch.progress("none")).pipe(Effect.provide(storage)),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(reads.map((e) => e._tag), [
            "BatchNotFound",
            "BatchNotFound",
            "BatchNotFound",
            "BatchNotFound"
          ])
        }
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    60_000
  )

  it.live(
    "a runner SIGKILLed mid-batch, the one holding the batch's parent: the others finish it, every employee once",
    () =>
      Effect.gen(function*() {
        const { emulator, runners, sql } = yield* cluster(3)
        // Slow enough that 40 employees over three runners take several seconds.
        yield* emulator.injectFault(AsgardeoEmulator.latency(150, { path: /\/scim2\// }))
        const total = 40
        const concurrency = 4
        const batchId = "dist-batch-1"
        const progress = DurableBatch.progress(batchId).pipe(Effect.provide(sql))
        yield* submitBatch(runners[0]!, batchId, Array.from({ length: total }, (_, i) => employee(i)), concurrency)

        const before = yield* within(
          "60 seconds",
          "6 employees done",
          pollUntil(progress, (p) => p.done >= 6, "50 millis")
        )
        assert.isAtLeast(before.pending, 20, "the batch went too fast to be killed in the middle")
        const parent = yield* Runners.holderOf(DurableBatch.OnboardBatch.name).pipe(Effect.provide(sql))
        const victim = runners.find((r) => Runners.applicationName(r.name) === parent?.name)
        assert.isDefined(victim, `no runner holds the parent's shard: ${JSON.stringify(parent)}`)
        const killedAt = yield* Clock.currentTimeMillis
        assert.deepStrictEqual(yield* victim!.kill("SIGKILL"), { code: null, signal: "SIGKILL" })
        // Only the parent records progress: nothing moves until a survivor has taken it over.
        const baseline = yield* progress
        const resumed = yield* within(
          "60 seconds",
          "progress after the kill",
          pollUntil(progress, (p) => p.done > baseline.done || p.status !== "running", "50 millis")
        )
        const takeover = (yield* Clock.currentTimeMillis) - killedAt
        const taker = yield* Runners.holderOf(DurableBatch.OnboardBatch.name).pipe(Effect.provide(sql))
        assert.include(runners.filter((r) => r !== victim).map((r) => Runners.applicationName(r.name)), taker?.name)
        const how = (yield* Runners.runnerHealthy(victim!.port).pipe(Effect.provide(sql))) === false
          ? "the health check found it dead"
          : "its heartbeat expired"
        console.log(
          `takeover: ${takeover} ms from the SIGKILL of ${victim!.name}, which held the parent (shard ` +
            `${parent?.shard}), to the next progress (${baseline.done} -> ${resumed.done} done): ${how}; ` +
            `the parent is now on ${taker?.name}`
        )

        const final = yield* within(
          "60 seconds",
          "the batch's end",
          pollUntil(progress, (p) => p.status !== "running", "200 millis")
        )
        assert.deepStrictEqual(
          [final.status, final.done, final.failed, final.pending, final.invalid],
          ["done", total, 0, 0, 0]
        )
        // Every employee once, each in exactly its role group.
        const snapshot = yield* emulator.snapshot()
        const expected = Array.from({ length: total }, (_, i) => employee(i))
        assert.deepStrictEqual(
          snapshot.users.map((u) => String(u.userName)).sort(),
          expected.map((e) => `DEFAULT/${e.email}`).sort()
        )
        const groupName = new Map(snapshot.groups.map((g) => [String(g.id), String(g.displayName)]))
        const userName = new Map(snapshot.users.map((u) => [String(u.id), String(u.userName)]))
        const groupsOf = new Map<string, Array<string>>()
        for (const m of snapshot.memberships) {
          const name = userName.get(m.userId)!
          groupsOf.set(name, [...(groupsOf.get(name) ?? []), groupName.get(m.groupId)!.replace(/^DEFAULT\//, "")])
        }
        for (const e of expected) assert.deepStrictEqual(groupsOf.get(`DEFAULT/${e.email}`), [groupOf[e.role]], e.email)
        // No duplicate create: one 201 per employee. Any other POST /Users created nothing: a 409
        // after the kill (a create the killed runner had sent, run again by a survivor: the user
        // existed, its answer was lost with the runner) or a 400 that arrived before it (a request
        // the kill cut off, its body never complete); at most one per employee in flight.
        const posts = scimPosts(yield* emulator.log)
        assert.strictEqual(posts.filter((p) => p.status === 201).length, total)
        const others = posts.filter((p) => p.status !== 201)
        for (const p of others) {
          assert.isTrue(
            (p.status === 409 && p.time >= killedAt) || (p.status === 400 && p.time <= killedAt),
            JSON.stringify({ killedAt, post: p })
          )
        }
        assert.isAtMost(others.filter((p) => p.status === 409).length, concurrency)
        assert.isAtMost(others.filter((p) => p.status === 400).length, concurrency)

        // The survivors stop cleanly on SIGTERM.
        for (const r of runners.filter((r) => r !== victim)) {
          assert.deepStrictEqual(yield* r.kill("SIGTERM"), { code: 0, signal: null }, yield* r.stderr)
        }
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    90_000
  )

  it.live(
    "three runners sharing a budget below the emulator's limits: no 429; one 429 with Retry-After pauses every runner",
    () =>
      Effect.gen(function*() {
        // 5 SCIM and 5 token requests a second between the three runners; the emulator answers
        // 429 past 12 a second (a sliding window of 1 s: Asgardeo's per-minute limits, 60 times
        // faster). A request leaves when its slot comes but lands a little later, so a second of
        // arrivals can hold slots of two windows (10); three budgets of 5, not shared, send up to 15
        // a second, 30 in a second of arrivals.
        const budget = { scim: 5, token: 5, window: Duration.seconds(1) }
        const { emulator, runners, sql } = yield* cluster(3, { budget })
        yield* emulator.setRateLimits({
          enabled: true,
          window: "sliding",
          timeScale: 60,
          limits: { scim: 12, oauth: 12, bulk: 5 }
        })
        const finish = (batchId: string) =>
          within(
            "60 seconds",
            `the end of ${batchId}`,
            pollUntil(DurableBatch.progress(batchId).pipe(Effect.provide(sql)), (p) =>
              p.status !== "running", "100 millis")
          )
        const scim = (log: ReadonlyArray<AsgardeoEmulator.LogEntry>) =>
          log.filter((e) =>
            /\/scim2\//.test(e.path)
          )

        // A batch with every runner's fibers asking for more than the budget.
        const first = Array.from({ length: 9 }, (_, i) => employee(100 + i))
        yield* submitBatch(runners[0]!, "budget-1", first, 12)
        assert.strictEqual((yield* finish("budget-1")).status, "done")
        const log1 = yield* emulator.log
        assert.deepStrictEqual(log1.filter((e) => e.status === 429), [])
        // The budget, not the demand, set the pace: some second held at least about what it allows.
        const times = scim(log1).map((e) => e.time)
        const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length))
        assert.isAtLeast(busiest, budget.scim - 1, JSON.stringify(times))
        console.log(
          `budget: ${times.length} SCIM requests in ${
            times[times.length - 1]! - times[0]!
          } ms, at most ${busiest} in a second`
        )

        // Another batch; once it runs, one SCIM request is answered 429 with Retry-After: 2.
        yield* emulator.clearLog
        const second = Array.from({ length: 8 }, (_, i) => employee(200 + i))
        yield* submitBatch(runners[1]!, "budget-2", second, 12)
        yield* within(
          "60 seconds",
          "budget-2 under way",
          pollUntil(DurableBatch.progress("budget-2").pipe(Effect.provide(sql)), (p) => p.done >= 2, "50 millis")
        )
        yield* emulator.injectFault(AsgardeoEmulator.tooManyRequests({ path: /\/scim2\//, times: 1 }, 2))
        assert.strictEqual((yield* finish("budget-2")).status, "done")
        const log2 = yield* emulator.log
        const throttled = log2.filter((e) => e.status === 429)
        assert.strictEqual(throttled.length, 1, JSON.stringify(throttled))
        const at = throttled[0]!.time
        // Requests already on their way when the 429 was answered may land just after it (seen:
        // up to 12 ms); then nothing from any runner until the pause is over, 2 s after the 429.
        const during = log2.filter((e) => e.time > at + 500 && e.time < at + 2000)
        assert.deepStrictEqual(during, [], JSON.stringify(log2.map((e) => [e.time - at, e.method, e.status])))
        assert.isAbove(log2.filter((e) => e.time >= at + 2000).length, 0)
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    90_000
  )

  it.live(
    "the same event submitted through two runners at once is applied once; its status is Applied on both",
    () =>
      Effect.gen(function*() {
        const { emulator, runners } = yield* cluster(2)
        const [a, b] = runners as [Runners.RunnerProcess, Runners.RunnerProcess]
        const event = { _tag: "Hire", eventId: "hire-E3999", employee: { ...employee(999), role: "hr_manager" } }
        const submitted = yield* Effect.all([
          a.send({ _tag: "SubmitEvent", event }),
          b.send({ _tag: "SubmitEvent", event })
        ], { concurrency: 2 })
        assert.deepStrictEqual(submitted[0], submitted[1])
        const statuses = yield* Effect.forEach([a, b], (r) =>
          pollUntil(
            r.send({ _tag: "Status", eventId: event.eventId }),
            (s) => (s as { _tag: string })._tag === "Applied",
            "100 millis"
          ).pipe((poll) => within("30 seconds", `Applied on ${r.name}`, poll)), { concurrency: 2 })
        assert.deepStrictEqual(statuses[0], statuses[1])
        const applied = (statuses[0] as { applied: { outcome: string; attempts: number; userId: string } }).applied
        assert.strictEqual(applied.outcome, "created")
        const snapshot = yield* emulator.snapshot()
        assert.deepStrictEqual(snapshot.users.map((u) => u.userName), ["DEFAULT/dist999@example.com"])
        // Applied twice, the second application would have sent its POST /Users too (answered 409).
        const posts = scimPosts(yield* emulator.log)
        assert.deepStrictEqual(posts.map((p) => p.status), [201])
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    90_000
  )
})

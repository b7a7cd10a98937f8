// The durable HR backend (src/backend/durableMain.ts) as two replicas, two separate Node processes
// (tsx, from the sources), sharing a throwaway PostgreSQL (the workflow package's harness) and an
// emulator server in this process. Everything goes over HTTP; the replicas are ready when they
// print their line, and results are polled from the endpoints (no sleep stands for a wait).
// A server suite (vitest.workspace.ts).
import type { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import type { HrEvent } from "@asgardeo-scim/workflow"
import { Storage } from "@asgardeo-scim/workflow"
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, layer } from "@effect/vitest"
import { Console, Context, Data, Effect, Layer, Redacted } from "effect"
import type { Scope } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { pollUntil } from "../../workflow/test/utils/Fixtures.js"
import * as Postgres from "../../workflow/test/utils/Postgres.js"
import { DurableHrApi } from "../src/backend/DurableApi.js"

const repo = fileURLToPath(new URL("../../../", import.meta.url))
const main = fileURLToPath(new URL("../src/backend/durableMain.ts", import.meta.url))
/** A module hook that loads every `@asgardeo-scim/*` import from the package's sources, as vitest does. */
const sources = fileURLToPath(new URL("../../workflow/test/utils/sources.mjs", import.meta.url))

class ReplicaFailed extends Data.TaggedError("ReplicaFailed")<{ readonly message: string }> {}

interface Replica {
  readonly name: string
  readonly url: string
  /** What it printed so far (stdout and stderr). */
  readonly output: () => string
}

/**
 * One replica: started with the given environment only, ready when it prints its listening line;
 * stopped (SIGTERM, then SIGKILL after 10 s) when the scope closes.
 */
const replica = (
  name: string,
  env: Record<string, string>
): Effect.Effect<Replica, ReplicaFailed, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly replica: Replica; readonly stop: Effect.Effect<void> }, ReplicaFailed>((resume) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--import", sources, main], {
        cwd: repo,
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      let ready = false
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
      const stop = Effect.promise(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        child.kill("SIGTERM")
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
        await exited
        clearTimeout(timer)
      })
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8")
        const match = /HR backend listening on (http:\/\/\S+)/.exec(output)
        if (match !== null && !ready) {
          ready = true
          resume(Effect.succeed({ replica: { name, url: match[1]!, output: () => output }, stop }))
        }
      }
      child.stdout.on("data", onData)
      child.stderr.on("data", onData)
      child.once("exit", (code, signal) => {
        if (!ready) {
          resume(
            Effect.fail(
              new ReplicaFailed({ message: `${name} exited (${code ?? signal}) before it was ready:\n${output}` })
            )
          )
        }
      })
      return stop
    }).pipe(
      Effect.timeoutFail({
        duration: "45 seconds",
        onTimeout: () => new ReplicaFailed({ message: `${name} was not ready after 45 s` })
      })
    ),
    ({ stop }) => stop
  ).pipe(Effect.map(({ replica }) => replica))

interface Cluster {
  readonly a: Replica
  readonly b: Replica
  readonly emulator: AsgardeoEmulator.AsgardeoEmulator.Service
  readonly postgres: Postgres.Server
}

class Replicas extends Context.Tag("test/Replicas")<Replicas, Cluster>() {}

const ReplicasLive = Layer.scoped(
  Replicas,
  Effect.gen(function*() {
    const postgres = yield* Postgres.make()
    const emulator = yield* EmulatorServer.make()
    const env = (runnerPort: number): Record<string, string> => ({
      DATABASE_URL: Redacted.value(postgres.url),
      HTTP_HOST: "127.0.0.1",
      HTTP_PORT: "0",
      RUNNER_HOST: "127.0.0.1",
      RUNNER_PORT: String(runnerPort),
      LOG_LEVEL: "warn",
      ASGARDEO_ORG: emulator.organization,
      ASGARDEO_CLIENT_ID: emulator.credentials.clientId,
      ASGARDEO_CLIENT_SECRET: emulator.credentials.clientSecret,
      ASGARDEO_BASE_URL: emulator.baseUrl
    })
    const [a, b] = yield* Effect.all([
      Effect.flatMap(Postgres.freePort, (port) => replica("A", env(port))),
      Effect.flatMap(Postgres.freePort, (port) => replica("B", env(port)))
    ], { concurrency: 2 })
    return { a, b, emulator, postgres }
  })
).pipe(Layer.provideMerge(FetchHttpClient.layer))

const clientOf = (replica: Replica) => HttpApiClient.make(DurableHrApi, { baseUrl: replica.url })

/** A raw request (any body, no client-side encoding): the status, the text and its JSON. */
const raw = (replica: Replica, method: "GET" | "POST", path: string, body?: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const request = method === "GET"
      ? HttpClientRequest.get(`${replica.url}${path}`)
      : HttpClientRequest.post(`${replica.url}${path}`).pipe(
        HttpClientRequest.bodyText(body ?? "", "application/json")
      )
    const response = yield* client.execute(request)
    const text = yield* response.text
    const json = yield* Effect.try(() => JSON.parse(text) as Record<string, unknown>).pipe(
      Effect.orElseSucceed((): Record<string, unknown> => ({}))
    )
    return { status: response.status, text, json }
  }).pipe(Effect.orDie)

/** Polls (every 20 ms) until `done` holds, 30 s at most. */
const until = <A, E, R>(effect: Effect.Effect<A, E, R>, done: (a: A) => boolean) =>
  pollUntil(effect, done).pipe(
    Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("not done after 30 s") }),
    Effect.orDie
  )

const status = (replica: Replica, eventId: string) =>
  Effect.flatMap(clientOf(replica), (c) => c.events.status({ path: { eventId } }))

/** The event's status once it is no longer Pending or Waiting, with its result (Applied). */
const applied = (replica: Replica, eventId: string) =>
  until(status(replica, eventId), (s) => s._tag === "Applied" || s._tag === "Failed").pipe(
    Effect.flatMap((s) =>
      s._tag === "Applied" ? Effect.succeed(s.applied) : Effect.dieMessage(`${eventId}: ${JSON.stringify(s)}`)
    )
  )

/** POST /events with the typed client. */
const submit = (replica: Replica, payload: HrEvent.HrEvent) =>
  Effect.flatMap(clientOf(replica), (c) =>
    // The client's parameter is one type per union member of the payload: a union needs the cast.
    c.events.submit({ payload } as { readonly payload: HrEvent.Hire }))

const employee = (n: number, role = "employee") => ({
  employeeId: `E${n}`,
  email: `person${n}@example.com`,
  firstName: `Person${n}`,
  lastName: "Test",
  department: "Engineering",
  role
})

/** Rows of one statement on the shared database, from this process. */
const query = <A extends object>(
  postgres: Postgres.Server,
  statement: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<A>, unknown>
) =>
  SqlClient.SqlClient.pipe(
    Effect.flatMap(statement),
    Effect.provide(Storage.layerPg({ url: postgres.url, maxConnections: 1 })),
    Effect.orDie
  )

/** On failure, what the replicas printed (the end of it), to see why. */
const withOutputs = <A, E, R>(effect: Effect.Effect<A, E, R | Replicas>) =>
  Effect.tapErrorCause(
    effect,
    () =>
      Effect.flatMap(Replicas, ({ a, b }) =>
        Console.error(`replica A:\n${a.output().slice(-4000)}\nreplica B:\n${b.output().slice(-4000)}`))
  )

// One cluster for the file; its tests run one after the other, so the emulator's request log
// between two points belongs to one test.
describe.sequential("the durable HR backend, two replicas on one PostgreSQL", () => {
  layer(ReplicasLive, { excludeTestServices: true, timeout: "90 seconds" })((it) => {
    it.effect(
      "the same hire posted to A and to B at once is applied once; both answer Applied, the same result",
      () =>
        withOutputs(Effect.gen(function*() {
          const { a, b, emulator } = yield* Replicas
          const before = (yield* emulator.log).length
          const hire = { _tag: "Hire" as const, eventId: "hire-E1", employee: employee(1) }
          const [fromA, fromB] = yield* Effect.all([submit(a, hire), submit(b, hire)], { concurrency: 2 })
          assert.deepStrictEqual(fromA, fromB)
          assert.strictEqual(fromA.employeeId, "E1")
          const [onA, onB] = yield* Effect.all([applied(a, "hire-E1"), applied(b, "hire-E1")], { concurrency: 2 })
          assert.deepStrictEqual(onA, onB)
          assert.strictEqual(onA.outcome, "created")
          assert.strictEqual(onA.attempts, 1)
          const users = (yield* emulator.snapshot()).users.filter((u) => u.userName === "DEFAULT/person1@example.com")
          assert.deepStrictEqual(users.map((u) => u.id), [onA.userId])
          const creates = (yield* emulator.log).slice(before).filter((e) =>
            e.method === "POST" && e.path.endsWith("/Users")
          )
          assert.deepStrictEqual(creates.map((e) => e.status), [201])
        })),
      { timeout: 60_000 }
    )

    it.effect(
      "one employee's events posted to A and B in turn apply in the order they were posted",
      () =>
        withOutputs(Effect.gen(function*() {
          const { a, b, emulator } = yield* Replicas
          const events = [
            [a, { _tag: "Hire" as const, eventId: "E2-1", employee: employee(2) }],
            [b, {
              _tag: "RoleChange" as const,
              eventId: "E2-2",
              employeeId: "E2",
              email: "person2@example.com",
              role: "hr_manager"
            }],
            [a, {
              _tag: "RoleChange" as const,
              eventId: "E2-3",
              employeeId: "E2",
              email: "person2@example.com",
              role: "admin"
            }],
            [b, {
              _tag: "Leave" as const,
              eventId: "E2-4",
              employeeId: "E2",
              email: "person2@example.com",
              delete: false
            }]
          ] as const
          for (const [replica, event] of events) {
            const accepted = yield* submit(replica, event)
            assert.strictEqual(accepted.eventId, event.eventId)
          }
          // Read each from the replica it was not posted to.
          const results = yield* Effect.forEach(
            events,
            ([replica, event]) => applied(replica === a ? b : a, event.eventId)
          )
          assert.deepStrictEqual(
            results.map((r) => [r.kind, r.outcome, r.removedFrom]),
            [
              ["Hire", "created", []],
              ["RoleChange", "changed", ["Employees"]],
              ["RoleChange", "changed", ["HR-Managers"]],
              ["Leave", "offboarded", ["HR-Admins"]]
            ]
          )
          const snapshot = yield* emulator.snapshot()
          const user = snapshot.users.find((u) => u.id === results[0]!.userId)!
          assert.deepStrictEqual(user["urn:scim:wso2:schema"], { accountDisabled: true })
          assert.deepStrictEqual(snapshot.memberships.filter((m) => m.userId === user.id), [])
        })),
      { timeout: 60_000 }
    )

    it.effect(
      "an event that cannot be applied is Failed on both replicas, with the error",
      () =>
        withOutputs(Effect.gen(function*() {
          const { a, b } = yield* Replicas
          const change = {
            _tag: "RoleChange" as const,
            eventId: "E3-1",
            employeeId: "E3",
            email: "person3@example.com",
            role: "admin"
          }
          yield* submit(a, change)
          const failed = yield* until(status(b, "E3-1"), (s) => s._tag === "Failed")
          assert.deepStrictEqual(yield* status(a, "E3-1"), failed)
          if (failed._tag !== "Failed") return
          assert.deepStrictEqual(
            [failed.error._tag, failed.error.reason, failed.error.retry, failed.error.attempts],
            ["EventFailed", "UserNotFound", "permanent", 1]
          )
        })),
      { timeout: 60_000 }
    )

    it.effect(
      "a batch posted to A is read from B until done: exact final progress and items",
      () =>
        withOutputs(Effect.gen(function*() {
          const { a, b, emulator } = yield* Replicas
          const employees = [
            employee(10),
            employee(11),
            { ...employee(12), email: "not-an-email" },
            employee(13),
            { ...employee(14), employeeId: "E10" },
            employee(15, "hr_manager")
          ]
          const clientA = yield* clientOf(a)
          const clientB = yield* clientOf(b)
          const accepted = yield* clientA.batches.submit({ payload: { employees, batchId: "hires-1", concurrency: 2 } })
          assert.deepStrictEqual(accepted, { batchId: "hires-1", run: 1, total: 6, invalid: 2, start: "new" })
          const seen: Array<string> = []
          const final = yield* until(
            clientB.batches.progress({ path: { batchId: "hires-1" } }).pipe(Effect.tap((p) => seen.push(p.status))),
            (p) => p.status !== "running"
          )
          assert.deepStrictEqual(final, {
            batchId: "hires-1",
            run: 1,
            status: "done",
            total: 6,
            pending: 0,
            done: 4,
            failed: 0,
            invalid: 2
          })
          assert.deepStrictEqual(seen.filter((s) => s !== "running"), ["done"])
          const items = yield* clientB.batches.items({ path: { batchId: "hires-1" }, urlParams: {} })
          assert.deepStrictEqual(items.map((i) => [i.index, i.employeeId, i.status, i.outcome ?? i.error]), [
            [0, "E10", "done", "created"],
            [1, "E11", "done", "created"],
            [2, "E12", "invalid", "InvalidEmployee"],
            [3, "E13", "done", "created"],
            [4, "E10", "invalid", "InvalidEmployee"],
            [5, "E15", "done", "created"]
          ])
          const users = (yield* emulator.snapshot()).users
          for (const item of items.filter((i) => i.status === "done")) {
            assert.isTrue(users.some((u) => u.id === item.userId), item.employeeId)
          }
          // Paging and a status filter, from A this time.
          const page = yield* clientA.batches.items({
            path: { batchId: "hires-1" },
            urlParams: { after: "1", limit: "2" }
          })
          assert.deepStrictEqual(page.map((i) => i.index), [2, 3])
          const invalid = yield* clientA.batches.items({
            path: { batchId: "hires-1" },
            urlParams: { status: "invalid" }
          })
          assert.deepStrictEqual(invalid.map((i) => i.index), [2, 4])
          // The same batch again, to B: nothing to do; the same id for other employees: 409.
          const again = yield* clientB.batches.submit({ payload: { employees, batchId: "hires-1" } })
          assert.strictEqual(again.start, "done")
          const other = yield* Effect.flip(
            clientB.batches.submit({ payload: { employees: [employee(16)], batchId: "hires-1" } })
          )
          assert.strictEqual(other._tag, "BatchMismatch")
        })),
      { timeout: 60_000 }
    )

    it.effect(
      "bad bodies and parameters: 400 naming the field, nothing stored; an unknown batch 404",
      () =>
        withOutputs(Effect.gen(function*() {
          const { a, b, emulator, postgres } = yield* Replicas
          const hire = { _tag: "Hire", eventId: "bad-1", employee: employee(90) }
          const cases: ReadonlyArray<readonly [Replica, "GET" | "POST", string, string | undefined, string]> = [
            [a, "POST", "/events", "{not json", "body"],
            [b, "POST", "/events", "", "body"],
            [
              a,
              "POST",
              "/events",
              JSON.stringify({ ...hire, employee: { ...hire.employee, email: "bad" } }),
              "employee.email"
            ],
            [b, "POST", "/events", JSON.stringify({ ...hire, eventId: "" }), "eventId"],
            [a, "POST", "/events", JSON.stringify({ ...hire, extra: true }), "extra"],
            [
              b,
              "POST",
              "/events",
              JSON.stringify({
                _tag: "Leave",
                eventId: "bad-2",
                employeeId: "E90",
                email: "person90@example.com",
                delte: true
              }),
              "delte"
            ],
            [a, "POST", "/batches", JSON.stringify({ employees: "E90" }), "employees"],
            [b, "POST", "/batches", JSON.stringify([employee(90)]), "body"],
            [
              a,
              "POST",
              "/batches",
              JSON.stringify({ employees: [employee(90)], batchId: "bad-3", concurrency: 0 }),
              "concurrency"
            ],
            [b, "POST", "/batches", JSON.stringify({ employees: [employee(90)], batchId: "bad 4" }), "batchId"],
            [a, "POST", "/batches", JSON.stringify({ employees: [employee(90)], batchId: "bad-5", extra: 1 }), "extra"],
            [b, "GET", "/events/bad%07bell", undefined, "eventId"],
            [a, "GET", "/batches/hires-1/items?limit=many", undefined, "limit"],
            [b, "GET", "/batches/hires-1/items?limit=5000", undefined, "limit"],
            [a, "GET", "/batches/hires-1/items?status=lost", undefined, "status"]
          ]
          for (const [replica, method, path, body, field] of cases) {
            const response = yield* raw(replica, method, path, body)
            const what = `${method} ${path} ${body ?? ""}`
            assert.strictEqual(response.status, 400, `${what}: ${response.text}`)
            assert.strictEqual(response.json._tag, "InvalidEvent", what)
            assert.strictEqual(response.json.field, field, `${what}: ${response.text}`)
            assert.notInclude(response.text, "postgres", what)
          }
          const notFound = yield* raw(b, "GET", "/batches/bad-3")
          assert.strictEqual(notFound.status, 404)
          assert.deepStrictEqual(notFound.json, { _tag: "BatchNotFound", batchId: "bad-3" })
          assert.strictEqual((yield* raw(a, "GET", "/batches/bad-3/items")).status, 404)
          // Nothing stored: no message of a bad event (the query finds a good one), no bad batch, no user.
          const messages = (like: string) =>
            query(
              postgres,
              (sql) => sql<{ n: string }>`SELECT count(*) AS n FROM cluster_messages WHERE payload LIKE ${like}`
            )
              .pipe(Effect.map((rows) => Number(rows[0]!.n)))
          assert.strictEqual(yield* messages("%bad-%"), 0)
          assert.isAbove(yield* messages("%hire-E1%"), 0)
          const batches = yield* query(
            postgres,
            (sql) => sql<{ batch_id: string }>`SELECT batch_id FROM asgardeo_scim_batch`
          )
          assert.deepStrictEqual(batches.map((r) => r.batch_id), ["hires-1"])
          const users = (yield* emulator.snapshot()).users
          assert.isFalse(users.some((u) => String(u.userName).includes("person90")))
        })),
      { timeout: 60_000 }
    )
  })
})

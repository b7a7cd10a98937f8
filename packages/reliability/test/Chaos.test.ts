// Chaos: the HR flows on the emulator's real server over undici while it injects 5xx, 429 (half
// with Retry-After), dropped connections (before and after applying the change), latency and
// token expiry every few seconds. Afterwards the emulator's state must equal the expected state
// exactly, and every per-employee result must match it. The run is also the secrets audit: every
// log line at debug, every span and every error is searched for the client secret, the issued
// access tokens and the passwords.
import { Users } from "@asgardeo-scim/directory"
import { HrDirectory, Report } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Either, Fiber, Redacted, Schedule, Stream } from "effect"
import type { Sink } from "./support/capture.js"
import { audit, makeSink } from "./support/capture.js"
import { recorder } from "./support/results.js"
import {
  chaos,
  chaosFaults,
  credentials,
  employee,
  faultTally,
  overServer,
  roleGroup,
  roles,
  stateOf
} from "./support/stack.js"

const results = recorder("chaos")

const N = chaos.employees
const fastRetryForToken = { maxAttempts: 3, baseDelay: "2 millis", maxDelay: "20 millis" } as const
const timeout = Math.max(120_000, N * 400)

/** Fault names the emulator applied, summed over the phases of a test. */
const tally: Record<string, number> = {}
let expiries = 0
const faultIds = {
  "Status(500)": "fault.500",
  "Status(503)": "fault.503",
  "Status(429)": "fault.429",
  "Drop(before)": "fault.drop-before",
  "Drop(after)": "fault.drop-after",
  "Latency": "fault.latency"
} as const
afterAll((file) => {
  for (const [fault, id] of Object.entries(faultIds)) results.observe(id, tally[fault] ?? 0, "absorbed: state exact")
  results.observe("fault.token-expiry", expiries, `absorbed: ${unauthorized} 401s, one token request per expiry`)
  results.finish(file)
})
let unauthorized = 0
const addTally = (faults: Record<string, number>) => {
  for (const [k, v] of Object.entries(faults)) tally[k] = (tally[k] ?? 0) + v
}

const withChaos = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    yield* emu.clearLog
    const ids = yield* Effect.forEach(chaosFaults(), emu.injectFault)
    const expiring = yield* Effect.fork(
      Effect.repeat(
        Effect.zipRight(Effect.sleep(Duration.millis(chaos.tokenExpiryMillis)), emu.expireAllTokens).pipe(
          Effect.tap(() => void expiries++)
        ),
        Schedule.forever
      )
    )
    const started = yield* Clock.currentTimeMillis
    const a = yield* effect
    yield* Fiber.interrupt(expiring)
    yield* Effect.forEach(ids, emu.removeFault)
    const t = yield* faultTally
    addTally(t.faults)
    unauthorized += t.s401
    const millis = (yield* Clock.currentTimeMillis) - started
    return { value: a, requests: t.requests, tokenRequests: t.tokenRequests, millis }
  })

/** Runs `f` over the items still failing, up to `rounds` times under chaos; returns first-pass failures. */
const untilDone = <I, A, E, R, E2>(
  items: ReadonlyArray<I>,
  f: (item: I) => Effect.Effect<Either.Either<A, E>, E2, R>,
  /** Checks one outcome against the state after the round (one snapshot per round); true when done. */
  verify: (item: I, outcome: Either.Either<A, E>, state: State) => boolean,
  rounds = 5
) =>
  Effect.gen(function*() {
    let pending = items
    let firstPass = 0
    for (let round = 0; round < rounds && pending.length > 0; round++) {
      const outcomes = yield* Effect.forEach(pending, (item) => Effect.map(f(item), (r) => [item, r] as const), {
        concurrency: chaos.concurrency
      })
      const state = yield* stateOf
      pending = outcomes.filter(([item, r]) => !verify(item, r, state)).map(([item]) => item)
      if (round === 0) firstPass = pending.length
    }
    assert.strictEqual(pending.length, 0, `still failing after ${rounds} rounds: ${pending.length}`)
    return firstPass
  })

type State = Effect.Effect.Success<typeof stateOf>

const secretsOf = (sink: Sink, passwords: ReadonlyArray<string> = []) => {
  const basic = btoa(`${credentials.clientId}:${credentials.clientSecret}`)
  return { secrets: [credentials.clientSecret, basic, ...passwords], tokens: sink.tokens.size }
}

const auditSink = (sink: Sink, passwords: ReadonlyArray<string>, personal: ReadonlyArray<string>) => {
  const { secrets } = secretsOf(sink, passwords)
  for (const auth of sink.authorizations) {
    const value = auth.replace(/^(Bearer|Basic)\s+/i, "")
    if (/^Bearer/i.test(auth)) {
      assert.isTrue(sink.tokens.has(value), "every bearer token sent was issued and is audited")
    }
  }
  const leaks = audit(sink, secrets, personal)
  assert.deepStrictEqual(leaks, [], JSON.stringify(leaks.slice(0, 5)))
  return leaks.length
}

/**
 * One onboarding batch under chaos: every per-employee result must match the state; what failed
 * carries its typed error and is completed by re-runs (as an operator would, skipping done ids).
 */
const onboardUnderChaos = (
  sink: Sink,
  employees: ReadonlyArray<ReturnType<typeof employee>>,
  options: HrDirectory.BatchOptions
) =>
  withChaos(Effect.gen(function*() {
    const hr = yield* HrDirectory.HrDirectory
    const first = yield* Effect.either(Stream.runCollect(hr.onboardMany(employees, options)))
    if (Either.isLeft(first)) {
      sink.errors.push(first.left)
      assert.fail(`the batch itself failed: ${first.left._tag}: ${first.left.message}`)
    }
    const lines = Chunk.toReadonlyArray(first.right)
    assert.strictEqual(lines.length, employees.length)
    const state = yield* stateOf
    const failed: Array<ReturnType<typeof employee>> = []
    for (const r of lines) {
      const e = employees[r.index]!
      if (r.error !== undefined) sink.errors.push(r.error)
      if (Report.isDone(r.line)) {
        const user = state.users.get(e.email)
        assert.isDefined(user, e.email)
        assert.strictEqual(user!.id, r.line.userId, e.email)
        assert.strictEqual(user!.employeeNumber, e.employeeId)
        assert.deepStrictEqual(user!.groups, [roleGroup[e.role]!], e.email)
      } else {
        assert.isDefined(r.error, "a failed line carries its typed error")
        assert.include(["partial", "failed"], r.line.outcome, JSON.stringify(r.line))
        if (r.line.outcome === "partial") assert.isDefined(state.users.get(e.email), "partial: the user exists")
        failed.push(e)
      }
    }
    const rerun = yield* untilDone(failed, (e) => Effect.either(hr.onboardEmployee(e)), (_, r) => {
      if (Either.isLeft(r)) sink.errors.push(r.left)
      return Either.isRight(r)
    })
    return { firstPassFailures: failed.length, rerunFailures: rerun }
  }))

describe("chaos on the real server", () => {
  it.live(`onboard ${N} employees, change their roles, offboard them: exact state after each batch`, () => {
    const sink = makeSink()
    return Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const employees = Array.from({ length: N }, (_, i) => employee(i))

      // -- onboarding -------------------------------------------------------------------------
      const onboard = yield* onboardUnderChaos(sink, employees, { bulk: false, concurrency: chaos.concurrency })
      const afterOnboard = yield* stateOf
      assert.deepStrictEqual(afterOnboard.duplicates, [])
      assert.strictEqual(afterOnboard.users.size, N)
      assert.deepStrictEqual(afterOnboard.groups, ["Employees", "HR-Admins", "HR-Managers"])
      for (const e of employees) {
        const user = afterOnboard.users.get(e.email)!
        assert.strictEqual(user.employeeNumber, e.employeeId)
        assert.deepStrictEqual(user.groups, [roleGroup[e.role]!], e.email)
      }
      results.observe(
        "chaos.onboard",
        N,
        `state exact; ${onboard.value.firstPassFailures} typed failures on the first pass, all completed by a re-run`
      )

      // -- role changes -----------------------------------------------------------------------
      const next = (role: string) => roles[(roles.indexOf(role as typeof roles[number]) + 1) % 3]!
      const changes = employees.map((e) => ({ e, id: afterOnboard.users.get(e.email)!.id, role: next(e.role) }))
      const change = yield* withChaos(
        untilDone(changes, (c) => Effect.either(hr.changeRole(c.id, c.role)), (c, r, state) => {
          const user = state.users.get(c.e.email)!
          if (Either.isRight(r)) {
            assert.deepStrictEqual(user.groups, [roleGroup[c.role]!], c.e.email)
            return true
          }
          sink.errors.push(r.left)
          // Never without a role: an Incomplete change holds the new role, any other failure the old.
          assert.isAbove(user.groups.length, 0, `${c.e.email} has no role after ${r.left._tag}`)
          if (r.left._tag === "Incomplete") assert.include(user.groups, roleGroup[c.role]!)
          return false
        })
      )
      const afterChange = yield* stateOf
      for (const c of changes) assert.deepStrictEqual(afterChange.users.get(c.e.email)!.groups, [roleGroup[c.role]!])
      results.observe("chaos.role-change", N, `state exact; ${change.value} typed failures first, none without a role`)

      // -- offboarding ------------------------------------------------------------------------
      const leaving = changes.map((c, i) => ({ ...c, delete: i % 2 === 0 }))
      const off = yield* withChaos(
        untilDone(leaving, (c) => Effect.either(hr.offboard(c.id, { delete: c.delete })), (c, r, state) => {
          const user = state.users.get(c.e.email)
          if (Either.isRight(r)) {
            if (c.delete) assert.isUndefined(user, `${c.e.email} deleted`)
            else {
              assert.deepStrictEqual(user!.groups, [])
              assert.strictEqual(user!.disabled, true)
            }
            return true
          }
          sink.errors.push(r.left)
          return false
        })
      )
      const afterOff = yield* stateOf
      assert.strictEqual(afterOff.users.size, leaving.filter((c) => !c.delete).length)
      for (const c of leaving) {
        const user = afterOff.users.get(c.e.email)
        if (c.delete) assert.isUndefined(user)
        else assert.deepStrictEqual([user!.groups, user!.disabled], [[], true])
      }
      results.observe("chaos.offboard", N, `state exact; ${off.value} typed failures first`)

      const requests = onboard.requests + change.requests + off.requests
      const tokens = onboard.tokenRequests + change.tokenRequests + off.tokenRequests
      results.observe("chaos.requests", requests, `${tokens} token requests, ${sink.tokens.size} tokens issued`)
      // Seeded percentages: with the CI size (300) and up, every kind of fault occurs.
      if (N >= 200) {
        for (const fault of Object.keys(faultIds)) assert.isAbove(tally[fault] ?? 0, 0, `no ${fault} was injected`)
      }
      assert.isAbove(sink.tokens.size, 1)

      // -- secrets ----------------------------------------------------------------------------
      assert.isAbove(sink.lines.length, 0, "debug lines were captured")
      assert.isAbove(sink.spans.length, 0, "spans were captured")
      auditSink(sink, [], employees.map((e) => e.email))
      results.observe("secrets.client-secret", sink.lines.length + sink.spans.length + sink.errors.length, "never seen")
      results.observe("secrets.tokens", sink.tokens.size, "never seen in logs, spans or errors")
      results.observe("secrets.filter-values", N, "no email (filter value) in span attributes or log lines")
    }).pipe(Effect.provide(overServer(sink)))
  }, timeout)

  it.live(`onboard ${N} employees with Bulk (the default on Asgardeo) under chaos: exact state`, () => {
    const sink = makeSink()
    return Effect.gen(function*() {
      // Employees of their own (ids from 100,000 on).
      const employees = Array.from({ length: N }, (_, i) => employee(100_000 + i))
      const onboard = yield* onboardUnderChaos(sink, employees, {
        bulk: true,
        bulkSize: 25,
        concurrency: chaos.concurrency
      })
      const state = yield* stateOf
      assert.deepStrictEqual(state.duplicates, [])
      for (const e of employees) {
        const user = state.users.get(e.email)
        assert.isDefined(user, e.email)
        assert.strictEqual(user!.employeeNumber, e.employeeId)
        assert.deepStrictEqual(user!.groups, [roleGroup[e.role]!], e.email)
      }
      const bulkRequests = (yield* (yield* AsgardeoEmulator.AsgardeoEmulator).counters).byEndpoint
      results.observe(
        "chaos.onboard-bulk",
        N,
        `state exact; ${onboard.value.firstPassFailures} typed failures on the first pass, all completed by a re-run`
      )
      assert.isAbove(Object.entries(bulkRequests).filter(([k]) => k.includes("/Bulk")).length, 0)
      auditSink(sink, [], employees.map((e) => e.email))
    }).pipe(Effect.provide(overServer(sink)))
  }, timeout)

  it.live(`Users.ensure with passwords for ${Math.ceil(N / 3)} users under chaos: each exists once`, () => {
    const sink = makeSink()
    const M = Math.ceil(N / 3)
    const inputs = Array.from({ length: M }, (_, i) => ({
      userName: `pw${i}@example.com`,
      email: `pw${i}@example.com`,
      givenName: `Pw${i}`,
      familyName: "Tester",
      secret: `Pw-${i}-${Math.random().toString(36).slice(2)}-Zz9!`
    }))
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const run = yield* withChaos(untilDone(inputs, (u) =>
        Effect.either(users.ensure({
          userName: u.userName,
          email: u.email,
          givenName: u.givenName,
          familyName: u.familyName,
          password: Redacted.make(u.secret)
        })), (_, r) => {
        if (Either.isLeft(r)) sink.errors.push(r.left)
        return Either.isRight(r)
      }))
      const state = yield* stateOf
      assert.deepStrictEqual(state.duplicates, [])
      assert.strictEqual(state.users.size, M)
      auditSink(sink, inputs.map((u) => u.secret), inputs.map((u) => u.email))
      results.observe("chaos.ensure-passwords", M, `each user exists once; ${run.value} typed failures first`)
      results.observe("secrets.passwords", M, "never seen in logs, spans or errors")
    }).pipe(Effect.provide(overServer(sink)))
  }, timeout)
})

describe("lost answers", () => {
  const dropCreate = AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Users", times: 1 })

  it.live("a create applied but its answer lost: Users.ensure finds the user (created: false), no duplicate", () => {
    const sink = makeSink()
    const password = "Lost-Answer-Pw-9!"
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const users = yield* Users.Users
      const input = {
        userName: "lost@example.com",
        email: "lost@example.com",
        givenName: "Lost",
        password: Redacted.make(password)
      }
      // A bare create sees the lost answer as a typed TransportError...
      yield* emu.injectFault(dropCreate)
      const raw = yield* Effect.flip(users.create(input))
      sink.errors.push(raw)
      assert.strictEqual(raw._tag, "TransportError")
      // ...which ensure turns into the answer the caller needs: the user exists.
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Users", times: 1 }))
      yield* emu.clearLog
      const ensured = yield* users.ensure({ ...input, userName: "lost2@example.com", email: "lost2@example.com" })
      assert.isFalse(ensured.created)
      const state = yield* stateOf
      assert.deepStrictEqual(state.duplicates, [])
      assert.strictEqual(state.users.size, 2)
      assert.strictEqual(state.users.get("lost2@example.com")!.id, ensured.user.id)
      const log = (yield* emu.log).filter((e) => !e.path.endsWith("/oauth2/token"))
      assert.deepStrictEqual(log.map((e) => [e.method, e.status]), [["POST", undefined], ["GET", 200]])
      // And a later ensure meets the 409 and answers the same way, never a raw Conflict.
      const again = yield* users.ensure(input)
      assert.isFalse(again.created)
      assert.strictEqual(again.user.id, state.users.get("lost@example.com")!.id)
      assert.strictEqual((yield* stateOf).users.size, 2)
      auditSink(sink, [password], [])
      results.observe("lost.ensure", 2, "created: false with the existing user; no duplicate, no raw 409")
    }).pipe(Effect.provide(overServer(sink)))
  }, 30_000)

  it.live("onboardEmployee whose create answer is lost: the user is found, put in its role group, once", () => {
    const sink = makeSink()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const hr = yield* HrDirectory.HrDirectory
      yield* hr.ensureRoleGroups
      yield* emu.injectFault(dropCreate)
      const e = employee(42, "hr_manager")
      const result = yield* hr.onboardEmployee(e)
      assert.strictEqual(result.outcome, "updated")
      const state = yield* stateOf
      assert.strictEqual(state.users.size, 1)
      assert.strictEqual(state.users.get(e.email)!.id, result.userId)
      assert.deepStrictEqual(state.users.get(e.email)!.groups, ["HR-Managers"])
      const again = yield* hr.onboardEmployee(e)
      assert.strictEqual(again.outcome, "existing")
      results.observe("lost.onboard", 1, "outcome updated (found, placed); a re-run reports existing; one user")
    }).pipe(Effect.provide(overServer(sink)))
  }, 30_000)

  it.live("a Bulk request applied but its answer lost: every employee settled once, in its role group", () => {
    const sink = makeSink()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const hr = yield* HrDirectory.HrDirectory
      const employees = Array.from({ length: 12 }, (_, i) => employee(100 + i))
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Bulk", times: 1 }))
      const lines = Chunk.toReadonlyArray(yield* Stream.runCollect(hr.onboardMany(employees, { bulk: true })))
      assert.isTrue(
        lines.every((l) => Report.isDone(l.line)),
        JSON.stringify(lines.find((l) => !Report.isDone(l.line)))
      )
      const state = yield* stateOf
      assert.strictEqual(state.users.size, 12)
      for (const e of employees) assert.deepStrictEqual(state.users.get(e.email)!.groups, [roleGroup[e.role]!])
      const bulkLog = (yield* emu.log).filter((l) => l.path.endsWith("/Bulk"))
      assert.deepStrictEqual(bulkLog.map((l) => l.status), [undefined])
      results.observe("lost.bulk", 1, "each employee reconciled singly; state exact")
    }).pipe(Effect.provide(overServer(sink)))
  }, 30_000)
})

describe("token endpoint down, slow or garbage", () => {
  const config = { timeout: "400 millis", retry: { ...fastRetryForToken } } as const

  // The time each takes is measured here, over a real server, and reported; the bound on it (the
  // per-attempt timeouts and capped backoffs) is asserted in test time by core's AccessToken tests
  // ("a broken token endpoint fails within the timeout and retry bounds").
  const check = (
    id: string,
    fault: AsgardeoEmulator.Fault,
    expected: { readonly tag: string; readonly text: string }
  ) => {
    const sink = makeSink()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const users = yield* Users.Users
      const [seeded] = yield* emu.seedUsers([{ userName: "probe@example.com" }])
      const faultId = yield* emu.injectFault(fault)
      const started = yield* Clock.currentTimeMillis
      // A hang ends as a TimeoutException, which fails the tag check below.
      const outcome = yield* Effect.either(Effect.timeout(users.get(seeded!.id), "10 seconds"))
      const elapsed = (yield* Clock.currentTimeMillis) - started
      assert.isTrue(Either.isLeft(outcome), "fails while the endpoint is broken")
      if (Either.isLeft(outcome)) {
        const error = outcome.left
        sink.errors.push(error)
        assert.strictEqual(error._tag, expected.tag, error.message)
        assert.include(error.message, expected.text)
      }
      yield* emu.removeFault(faultId)
      const user = yield* users.get(seeded!.id)
      assert.strictEqual(user.id, seeded!.id)
      auditSink(sink, [], [])
      results.observe(id, 1, `${expected.tag} in ${elapsed} ms (measured); recovered once it came back`)
    }).pipe(Effect.provide(overServer(sink, { config })))
  }

  it.live("down (503): TokenError after the retries, then recovery", () =>
    check("token.down", AsgardeoEmulator.tokenEndpointDown(), { tag: "TokenError", text: "503" }))

  it.live("slow (5 s against a 400 ms timeout): TransportError Timeout, then recovery", () =>
    check("token.slow", AsgardeoEmulator.tokenEndpointSlow(5000), { tag: "TransportError", text: "Timeout" }))

  it.live("garbage (an HTML page with 200): InvalidResponse at once, then recovery", () =>
    check("token.garbage", AsgardeoEmulator.tokenEndpointGarbage(), { tag: "InvalidResponse", text: "not JSON" }))
})

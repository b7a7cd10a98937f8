/**
 * `HrDirectory.onboardMany`: the lanes, the scope pre-check and the error policy of a batch.
 *
 * - Before its first write (creating a missing role group is one), the batch compares every
 *   scope it can need with the token's: a missing one fails it with `MissingScopes`, naming all.
 * - An error every other employee would meet too (`fatalCause`) stops the batch: no lane takes a
 *   new employee, those in flight finish and get their result, then the stream fails with
 *   `BatchAborted`.
 *
 * @internal
 */
import type * as AccessToken from "@asgardeo-scim/core/AccessToken"
import type * as AsgardeoConfig from "@asgardeo-scim/core/AsgardeoConfig"
import type * as Discovery from "@asgardeo-scim/core/Discovery"
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Employee from "../Employee.js"
import type {
  BatchError,
  BatchOptions,
  BatchResult,
  DirectoryError,
  OnboardError,
  OnboardOptions,
  OnboardResult,
  RoleGroup
} from "../HrDirectory.js"
import { BatchAborted, MissingScopes } from "../HrError.js"
import * as Report from "../Report.js"
import type * as Roles from "../Roles.js"

/** @internal */
export const fatalTags: ReadonlySet<string> = new Set([
  "InvalidClient",
  "TokenError",
  "MissingScope",
  "Forbidden",
  "Unauthorized"
])

/** @internal */
export interface FatalCause {
  readonly tag: string
  readonly message: string
}

/**
 * Why an employee's error ends the batch, if it does: a fatal error itself, or the fatal cause of
 * an `Incomplete` (a 403 on the group add after the user was created).
 *
 * @internal
 */
export const fatalCause = (error: OnboardError): FatalCause | undefined =>
  fatalTags.has(error._tag)
    ? { tag: error._tag, message: error.message }
    : error._tag === "Incomplete" && fatalTags.has(error.causeTag)
    ? { tag: error.causeTag, message: error.reason }
    : undefined

/** @internal */
export const singleOperations: ReadonlyArray<Scopes.Operation> = [
  "Users.list",
  "Users.get",
  "Users.create",
  "Users.patch",
  "Groups.list",
  "Groups.get",
  "Groups.create",
  "Groups.patch"
]

/** @internal */
export const bulkOperations: ReadonlyArray<Scopes.Operation> = ["Bulk.createUser", "Bulk.updateGroup"]

/** @internal */
export interface Deps {
  readonly target: AsgardeoConfig.Service["target"]
  /** Where bare userNames are created (Asgardeo). */
  readonly defaultUserStore: string | undefined
  readonly tokens: AccessToken.Service
  readonly bulk: Bulk.Service
  readonly discovery: Discovery.Service
  readonly limiter: RateLimiter.Service
  readonly roles: Roles.Service
  readonly ensureRoleGroups: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  readonly onboardEmployee: (employee: Employee.Employee, options?: OnboardOptions) => Effect.Effect<
    OnboardResult,
    OnboardError
  >
  readonly completeOnboarding: (
    employee: Employee.Employee,
    user: User.User,
    created: boolean,
    wanted: RoleGroup,
    all: ReadonlyArray<RoleGroup>,
    options: OnboardOptions | undefined
  ) => Effect.Effect<OnboardResult, OnboardError>
  readonly toNewUser: (employee: Employee.Employee) => User.NewUser
}

type Item = Omit<BatchResult, "progress">

const describe = (error: { readonly _tag: string; readonly message: string }) => ({
  tag: error._tag,
  message: error.message
})

const lineFor = (index: number, raw: unknown, result: Either.Either<OnboardResult, OnboardError>): Item => {
  const rawRecord = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {}
  const employeeId = typeof rawRecord.employeeId === "string" ? rawRecord.employeeId : `#${index + 1}`
  const email = typeof rawRecord.email === "string" ? rawRecord.email : ""
  const role = typeof rawRecord.role === "string" ? rawRecord.role : undefined
  if (Either.isRight(result)) {
    const r = result.right
    return {
      index,
      line: { employeeId: r.employeeId, userName: r.userName, userId: r.userId, outcome: r.outcome, role: r.role }
    }
  }
  const error = result.left
  const outcome: Report.Outcome = error._tag === "InvalidEmployee" || error._tag === "UnknownRole"
    ? "invalid"
    : error._tag === "EmployeeConflict"
    ? "conflict"
    : error._tag === "Incomplete"
    ? "partial"
    : "failed"
  const userId = error._tag === "Incomplete" || error._tag === "EmployeeConflict" ? error.userId : undefined
  const userName = error._tag === "Incomplete" || error._tag === "EmployeeConflict" ? error.userName ?? email : email
  return {
    index,
    line: { employeeId, userName, userId, outcome, role, error: describe(error) },
    error
  }
}

const badOption = (field: string, reason: string) =>
  Either.left(new ScimError.InvalidInput({ operation: "HrDirectory.onboardMany", field, reason }))

const isPositiveInteger = (u: unknown, max: number): boolean =>
  typeof u === "number" && Number.isSafeInteger(u) && u >= 1 && u <= max

/**
 * The batch's input and options as a plain-JavaScript caller may pass them: a wrong type is a
 * typed `InvalidInput` before anything is sent, never zero lanes, a defect or a silent default.
 *
 * @internal
 */
export const decodeOptions = (
  employees: unknown,
  options: unknown
): Either.Either<
  { readonly stream: boolean; readonly concurrency: number; readonly skip: ReadonlySet<string> },
  ScimError.InvalidInput
> => {
  const isStream = typeof employees === "object" && employees !== null && Stream.StreamTypeId in employees
  const isIterable = typeof employees === "object" && employees !== null && Symbol.iterator in employees
  if (!isStream && !isIterable) return badOption("employees", "expected an array, an iterable or a Stream")
  if (options === undefined) return Either.right({ stream: isStream, concurrency: 8, skip: new Set() })
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return badOption("", "the options must be an object")
  }
  const o = options as Record<string, unknown>
  if (o.concurrency !== undefined && !isPositiveInteger(o.concurrency, 1000)) {
    return badOption("concurrency", "must be an integer from 1 to 1,000")
  }
  if (o.bulkSize !== undefined && !isPositiveInteger(o.bulkSize, 1000)) {
    return badOption("bulkSize", "must be an integer from 1 to 1,000")
  }
  if (o.total !== undefined && !(typeof o.total === "number" && Number.isSafeInteger(o.total) && o.total >= 0)) {
    return badOption("total", "must be a non-negative integer")
  }
  if (o.bulk !== undefined && o.bulk !== "auto" && o.bulk !== true && o.bulk !== false) {
    return badOption("bulk", "must be \"auto\", true or false")
  }
  if (o.departmentGroup !== undefined && typeof o.departmentGroup !== "boolean") {
    return badOption("departmentGroup", "must be a boolean")
  }
  let skip: ReadonlySet<string> = new Set()
  if (o.skip !== undefined) {
    const given = o.skip
    const values = given instanceof Set || Array.isArray(given) ? [...given] : undefined
    if (values === undefined || values.some((v) => typeof v !== "string")) {
      return badOption("skip", "must be a Set (or an array) of employee ids")
    }
    skip = new Set(values as Array<string>)
  }
  return Either.right({ stream: isStream, concurrency: (o.concurrency as number | undefined) ?? 8, skip })
}

/** @internal */
export const make = (deps: Deps) => {
  const { bulk, discovery, limiter, roles, target, tokens } = deps
  const singleScopes = Scopes.forOperations(singleOperations)
  const bulkScopes = Scopes.forOperations(bulkOperations)

  /**
   * Every scope the batch can need against the token's, before any write. Returns whether the
   * Bulk lane may run. Nothing to check on a generic target or with a static token.
   */
  const checkScopes = (bulkWanted: boolean, bulkRequired: boolean) =>
    Effect.gen(function*() {
      if (target !== "asgardeo") return bulkWanted
      const granted = (yield* tokens.get()).scopes
      if (granted === undefined) return bulkWanted
      const missing = singleScopes.filter((s) => !granted.has(s))
      const missingBulk = bulkWanted ? bulkScopes.filter((s) => !granted.has(s)) : []
      const fatal = bulkRequired ? [...missing, ...missingBulk] : missing
      if (fatal.length > 0) {
        return yield* Effect.fail(
          new MissingScopes({ operation: "HrDirectory.onboardMany", scopes: fatal, granted: [...granted] })
        )
      }
      // `bulk: "auto"`: without the Bulk scopes, single requests do the whole batch.
      return bulkWanted && missingBulk.length === 0
    })

  return <E, R>(
    employees: Iterable<unknown> | Stream.Stream<unknown, E, R>,
    options: BatchOptions = {}
  ): Stream.Stream<BatchResult, BatchError | E, R> => {
    const decoded = decodeOptions(employees, options)
    if (Either.isLeft(decoded)) return Stream.fail(decoded.left)
    const { concurrency, skip } = decoded.right
    const input: Stream.Stream<unknown, E, R> = decoded.right.stream
      ? (employees as Stream.Stream<unknown, E, R>)
      : Stream.fromIterable(employees as Iterable<unknown>)
    const total = options.total ?? (Array.isArray(employees) ? employees.length : undefined)

    const results = Stream.unwrapScoped(Effect.gen(function*() {
      let useBulk = yield* checkScopes(
        options.bulk === true || (options.bulk !== false && target === "asgardeo"),
        options.bulk === true
      )
      const all = yield* deps.ensureRoleGroups
      let bulkSize = options.bulkSize ?? 0
      if (useBulk) {
        const spc = yield* Effect.either(discovery.serviceProviderConfig)
        if (Either.isLeft(spc) || (!spc.right.bulk.supported && options.bulk !== true)) {
          useBulk = false
        } else if (bulkSize === 0) {
          const max = Math.min(spc.right.bulk.maxOperations ?? Bulk.asgardeoMaxOperations, Bulk.asgardeoMaxOperations)
          bulkSize = Math.max(1, max - all.length)
        }
      }

      // -- the stop: set by the first fatal error; lanes then take no new employee --------------
      let stop: FatalCause | undefined
      const stopped = yield* Deferred.make<void>()
      const settle = (index: number, raw: unknown, result: Either.Either<OnboardResult, OnboardError>) => {
        const item = lineFor(index, raw, result)
        const cause = Either.isLeft(result) ? fatalCause(result.left) : undefined
        if (cause === undefined || stop !== undefined) return Effect.succeed(item)
        stop = cause
        return Effect.as(Deferred.succeed(stopped, undefined), item)
      }
      const one = (index: number, raw: unknown): Effect.Effect<Item> =>
        Effect.flatMap(
          Effect.either(deps.onboardEmployee(raw as Employee.Employee, options)),
          (result) => settle(index, raw, result)
        )
      /** `one`, unless the batch is stopping: then the employee is not started (a re-run does it). */
      const start = (index: number, raw: unknown): Effect.Effect<ReadonlyArray<Item>> =>
        Effect.suspend(() => (stop !== undefined ? Effect.succeed([]) : Effect.map(one(index, raw), (item) => [item])))
      const startAll = (items: ReadonlyArray<{ readonly index: number; readonly raw: unknown }>) =>
        Effect.map(Effect.forEach(items, (c) => start(c.index, c.raw), { concurrency }), (lists) => lists.flat())

      /** One Bulk request for a chunk of valid employees; whatever Bulk cannot settle falls back to `one`. */
      const bulkChunk = (
        chunk: ReadonlyArray<{ readonly index: number; readonly raw: unknown; readonly employee: Employee.Employee }>
      ) =>
        Effect.gen(function*() {
          const prepared = chunk.map((c) => {
            const p = Users.prepareCreate(
              target,
              deps.toNewUser(c.employee),
              "HrDirectory.onboardMany",
              deps.defaultUserStore
            )
            return { ...c, prepared: p, bulkId: `u${c.index}`, group: all.find((g) => g.role === c.employee.role) }
          })
          const ready = prepared.filter((p) => Either.isRight(p.prepared) && p.group !== undefined)
          const ops: Array<Bulk.Operation> = ready.map((p) =>
            Bulk.create("Users", p.bulkId, Either.getOrThrow(p.prepared).body)
          )
          const groupOps = new Map<string, string>()
          for (const group of all) {
            const members = ready.filter((p) => p.group!.id === group.id)
            if (members.length === 0) continue
            const bulkId = `g${chunk[0]!.index}-${group.role}`
            groupOps.set(group.id, bulkId)
            ops.push(
              Bulk.patch("Groups", group.id, [
                Patch.addMembers(
                  members.map((m) => ({ value: Bulk.ref(m.bulkId), display: Either.getOrThrow(m.prepared).userName }))
                )
              ], bulkId)
            )
          }
          const outcome = yield* Effect.either(bulk.execute(ops))
          if (Either.isLeft(outcome)) {
            // Refused Bulk (the API resource not authorized, or not offered): single requests
            // carry on; they meet the same refusal only if it is not Bulk-specific.
            const tag = outcome.left._tag
            if (tag === "MissingScope" || tag === "Forbidden" || tag === "NotImplemented") useBulk = false
            // The whole request failed or its answer was lost: settle each employee on its own
            // (none is started once a fatal error stopped the batch).
            return yield* startAll(chunk)
          }
          const byBulkId = outcome.right.byBulkId
          const settled = yield* Effect.forEach(prepared, (p): Effect.Effect<ReadonlyArray<Item>> => {
            const userOp = byBulkId.get(p.bulkId)
            const groupOk = p.group !== undefined && byBulkId.get(groupOps.get(p.group.id) ?? "")?.ok === true
            if (userOp?.ok === true && userOp.id !== undefined && p.group !== undefined && Either.isRight(p.prepared)) {
              const userName = Either.getOrThrow(p.prepared).userName
              const created: OnboardResult = {
                employeeId: p.employee.employeeId,
                userName,
                userId: userOp.id,
                outcome: "created",
                role: p.employee.role
              }
              if (groupOk && options.departmentGroup !== true) {
                return Effect.succeed<ReadonlyArray<Item>>([{ index: p.index, line: { ...created } }])
              }
              // Created, but the group step did not happen in the bulk request: finish it singly
              // (this employee is in flight: its user exists).
              const user: User.User = { id: userOp.id, userName, groups: [] }
              return Effect.flatMap(
                Effect.either(deps.completeOnboarding(p.employee, user, true, p.group, all, options)),
                (r) => Effect.map(settle(p.index, p.raw, r), (item) => [item])
              )
            }
            return start(p.index, p.raw)
          }, { concurrency })
          return settled.flat()
        })

      // -- one queue, several lanes ------------------------------------------------------------
      const indexed = input.pipe(
        Stream.zipWithIndex,
        Stream.filter(([raw]) => {
          const id = typeof raw === "object" && raw !== null ? (raw as { employeeId?: unknown }).employeeId : undefined
          return !(typeof id === "string" && skip.has(id))
        })
      )
      const pull = yield* Stream.toPull(indexed)
      const buffer: Array<readonly [unknown, number]> = []
      let ended = false
      const mutex = yield* Effect.makeSemaphore(1)
      /** Up to `n` employees from the queue; none once the batch is stopping. */
      const take = (n: number) =>
        mutex.withPermits(1)(Effect.gen(function*() {
          while (buffer.length < n && !ended && stop === undefined) {
            // A stop while waiting for input (a slow input stream) ends the wait.
            const next = yield* Effect.raceFirst(
              Effect.map(Effect.either(pull), Option.some),
              Effect.as(Deferred.await(stopped), Option.none())
            )
            if (Option.isNone(next)) break
            if (Either.isLeft(next.value)) {
              if (Option.isNone(next.value.left)) ended = true
              else return yield* Effect.fail(next.value.left.value)
            } else {
              for (const item of next.value.right) buffer.push(item)
            }
          }
          return stop === undefined ? buffer.splice(0, n) : []
        }))

      // Two kinds of lanes fed from one queue, so both of Asgardeo's budgets work at once: a Bulk
      // lane that takes up to `bulkSize` employees whenever a Bulk request may go out (5 a minute),
      // and `concurrency` single-request lanes (200 SCIM requests a minute, 2 per employee).
      const bulkStep: Effect.Effect<ReadonlyArray<Item>, Option.Option<E>, R> = Effect.gen(function*() {
        if (!useBulk || stop !== undefined) return yield* Effect.fail(Option.none())
        const at = yield* limiter.nextSlot("bulk")
        const now = yield* Clock.currentTimeMillis
        // Waiting for the Bulk budget is not a request in flight: a stop ends it.
        if (at > now) yield* Effect.raceFirst(Effect.sleep(Duration.millis(at - now)), Deferred.await(stopped))
        const items = yield* Effect.mapError(take(bulkSize), Option.some)
        if (items.length === 0) return yield* Effect.fail(Option.none())
        const valid: Array<{ index: number; raw: unknown; employee: Employee.Employee }> = []
        const rest: Array<readonly [unknown, number]> = []
        for (const [raw, index] of items) {
          const decoded = Employee.decodeEmployee(raw)
          if (Either.isRight(decoded) && Either.isRight(roles.groupOf(decoded.right.role))) {
            valid.push({ index, raw, employee: decoded.right })
          } else {
            rest.push([raw, index])
          }
        }
        return yield* Effect.zipWith(
          valid.length > 0 ? bulkChunk(valid) : Effect.succeed([]),
          startAll(rest.map(([raw, index]) => ({ index, raw }))),
          (a, b) => [...a, ...b]
        )
      })
      const singleStep: Effect.Effect<ReadonlyArray<Item>, Option.Option<E>, R> = Effect.gen(function*() {
        const items = yield* Effect.mapError(take(1), Option.some)
        const item = items[0]
        if (item === undefined) return yield* Effect.fail(Option.none())
        return yield* start(item[1], item[0])
      })
      const lanes = Array.from(
        { length: concurrency },
        () => Stream.repeatEffectOption(singleStep).pipe(Stream.flattenIterables)
      )
      if (useBulk) lanes.unshift(Stream.repeatEffectOption(bulkStep).pipe(Stream.flattenIterables))

      let processed = 0
      let done = 0
      const merged = Stream.mergeAll(lanes, { concurrency: "unbounded" }).pipe(
        Stream.tap((item) =>
          Effect.sync(() => {
            processed++
            if (Report.isDone(item.line)) done++
          })
        )
      )
      // Every lane has ended: the in-flight employees' results are out. Then the stop, if any.
      return Stream.concat(
        merged,
        Stream.suspend(() =>
          stop === undefined
            ? Stream.empty
            : Stream.fail(new BatchAborted({ causeTag: stop.tag, reason: stop.message, processed, done }))
        )
      )
    }))

    return results.pipe(
      Stream.mapAccum({ done: 0, failed: 0 }, (acc, r: Item) => {
        const failed = acc.failed + (Report.isDone(r.line) ? 0 : 1)
        const next = { done: acc.done + 1, failed }
        return [next, { ...r, progress: { ...next, total } }]
      }),
      Stream.withSpan("HrDirectory.onboardMany")
    )
  }
}

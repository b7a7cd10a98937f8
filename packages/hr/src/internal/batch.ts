/**
 * `HrDirectory.onboardMany`: a queue of employees, two kinds of lanes taking from it, one bound.
 *
 * - The input stream feeds a bounded `Queue` of indexed employees (skipped ones left out).
 * - Single-request lanes take one employee at a time; a Bulk lane, paced by the Bulk budget
 *   (`limiter.nextSlot("bulk")`), takes a chunk when a Bulk request may go out. Both work at once:
 *   that is how a batch uses Asgardeo's SCIM and Bulk budgets together.
 * - Every employee goes through the one per-employee step (`employeeStep`); a Bulk request only
 *   tells the step what it already did.
 * - One bound (`places`) holds the employees in flight across both lanes to `concurrency`.
 * - Before its first write (creating a missing role group is one), the batch compares every
 *   scope it can need with the token's (`operationsFor`: its mode's, role groups or the Asgardeo
 *   roles of the Roles API in use): a missing one fails it with `MissingScopes`, naming all.
 * - Asgardeo roles mode: the Bulk lane creates users only; each employee's role is assigned by
 *   the step (a Bulk role PATCH would need the bulk role scopes, and goes to `/v2/Roles` whatever
 *   the Roles API the application uses).
 * - An error every other employee would meet too (`fatalCause`) stops the batch: no lane takes a
 *   new employee, those in flight finish and get their result, then the stream fails with
 *   `BatchAborted`.
 *
 * @internal
 */
import type * as AccessToken from "@asgardeo-scim/core/AccessToken"
import type * as Discovery from "@asgardeo-scim/core/Discovery"
import type * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as ServiceProviderConfig from "@asgardeo-scim/core/ServiceProviderConfig"
import * as Target from "@asgardeo-scim/core/Target"
import type * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as DirectoryRoles from "@asgardeo-scim/directory/Roles"
import type * as User from "@asgardeo-scim/directory/User"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Employee from "../Employee.js"
import type { OnboardError } from "../HrError.js"
import { BatchAborted, MissingScopes } from "../HrError.js"
import type { BatchError, BatchOptions, BatchResult, OnboardResult } from "../Onboarding.js"
import { fatalTags } from "../Onboarding.js"
import * as Report from "../Report.js"
import * as BulkRequest from "./bulkRequest.js"
import type { Dialect } from "./dialect.js"
import type { Step } from "./employeeStep.js"
import type { Placement } from "./placement.js"
import * as Places from "./places.js"

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

const userOperations: ReadonlyArray<Scopes.Operation> = ["Users.list", "Users.get", "Users.create", "Users.patch"]
const groupOperations: ReadonlyArray<Scopes.Operation> = ["Groups.list", "Groups.get", "Groups.create", "Groups.patch"]

/** Role groups mode. @internal */
export const singleOperations: ReadonlyArray<Scopes.Operation> = [...userOperations, ...groupOperations]

/** Role groups mode. @internal */
export const bulkOperations: ReadonlyArray<Scopes.Operation> = ["Bulk.createUser", "Bulk.updateGroup"]

/**
 * What assigning and unassigning users needs on each Roles API: the PATCH (v2 on the role, v3 on
 * its `/Users`) and the read that settles a 400 or 409 (`Roles.assignUsers`).
 *
 * @internal
 */
export const roleOperations: { readonly [V in DirectoryRoles.Version]: ReadonlyArray<Scopes.Operation> } = {
  v2: ["Roles.get", "Roles.patch"],
  v3: ["RolesV3.get", "RolesV3.updateUsers"]
}

/**
 * The operations a batch's single requests and its Bulk lane can send, by mode: role groups
 * (`rolesApi` undefined), or Asgardeo roles on a Roles API, where groups are written only for the
 * department group and Bulk creates users only.
 *
 * @internal
 */
export const operationsFor = (mode: {
  readonly rolesApi?: DirectoryRoles.Version | undefined
  readonly departmentGroup?: boolean | undefined
}): { readonly single: ReadonlyArray<Scopes.Operation>; readonly bulk: ReadonlyArray<Scopes.Operation> } =>
  mode.rolesApi === undefined
    ? { single: singleOperations, bulk: bulkOperations }
    : {
      single: [
        ...userOperations,
        ...(mode.departmentGroup === true ? groupOperations : []),
        ...roleOperations[mode.rolesApi]
      ],
      bulk: ["Bulk.createUser"]
    }

/** @internal */
export interface Deps {
  readonly dialect: Dialect
  readonly tokens: AccessToken.Service
  readonly bulk: Bulk.Service
  readonly discovery: Discovery.Service
  readonly limiter: RateLimiter.Service
  /** Role groups or Asgardeo roles. */
  readonly placement: Placement
  /** The one per-employee step. */
  readonly step: Step
  readonly toNewUser: (employee: Employee.Employee) => User.NewUser
}

type Item = Omit<BatchResult, "progress">

/** An employee as the input gave it, and its 0-based position. */
type Indexed = readonly [unknown, number]

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
  const { bulk, dialect, discovery, limiter, placement, step, tokens } = deps
  /** Role groups are filled by the Bulk request too (role groups mode). */
  const bulkFillsGroups = placement.rolesApi === undefined

  /**
   * Every scope the batch can need against the token's, before any write. Returns whether the
   * Bulk lane may run. Nothing to check where scopes do not name operations, or with a static token.
   */
  const checkScopes = (bulkWanted: boolean, bulkRequired: boolean, options: BatchOptions) =>
    Effect.gen(function*() {
      if (!dialect.scopesNameOperations) return bulkWanted
      const granted = (yield* tokens.get()).scopes
      if (granted === undefined) return bulkWanted
      const needed = operationsFor({ rolesApi: placement.rolesApi, departmentGroup: options.departmentGroup })
      const missing = Scopes.forOperations(needed.single).filter((s) => !granted.has(s))
      const missingBulk = bulkWanted ? Scopes.forOperations(needed.bulk).filter((s) => !granted.has(s)) : []
      const fatal = bulkRequired ? [...missing, ...missingBulk] : missing
      if (fatal.length > 0) {
        return yield* Effect.fail(
          new MissingScopes({ operation: "HrDirectory.onboardMany", scopes: fatal, granted: [...granted] })
        )
      }
      // `bulk: "auto"`: without the Bulk scopes, single requests do the whole batch.
      return bulkWanted && missingBulk.length === 0
    })

  /**
   * The server's advertised Bulk configuration when the Bulk lane may run, `undefined` when it
   * may not. `bulk: true` on a server whose configuration says it has no Bulk fails the batch
   * with `Unsupported` before any write (one without a configuration is tried, as `Bulk` does);
   * `"auto"` runs single requests only there, and wherever the configuration cannot be read.
   */
  const bulkConfig = (required: boolean) =>
    required
      ? ServiceProviderConfig.ensureSupported(discovery.serviceProviderConfig, {
        operation: "HrDirectory.onboardMany",
        feature: "bulk",
        instead: "run the batch with bulk: \"auto\" or false (single requests)",
        absent: "tried"
      })
      : Effect.map(
        Effect.either(discovery.serviceProviderConfig),
        (spc) => Either.isRight(spc) && spc.right.bulk.supported ? spc.right : undefined
      )

  /** Employees per Bulk request, within the server's limit less room for the group operations. */
  const bulkSizeFor = (options: BatchOptions, spc: ServiceProviderConfig.ServiceProviderConfig, groupOps: number) =>
    options.bulkSize ?? Math.max(1, Target.bulkLimit(dialect.target, spc.bulk.maxOperations) - groupOps)

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
      const bulkWanted = options.bulk === true || (options.bulk !== false && dialect.bulkByDefault)
      const bulkAllowed = yield* checkScopes(bulkWanted, options.bulk === true, options)
      const spc = bulkAllowed ? yield* bulkConfig(options.bulk === true) : undefined
      const all = yield* placement.all
      const bulkSize = spc !== undefined ? bulkSizeFor(options, spc, bulkFillsGroups ? all.length : 0) : 0
      const bulkOn = yield* Ref.make(bulkSize > 0)
      const places = yield* Places.make(concurrency)

      // -- the stop: the first fatal cause; lanes then take no new employee ---------------------
      const stop = yield* Deferred.make<FatalCause>()
      const stopped = Deferred.isDone(stop)
      const settle = (index: number, raw: unknown, result: Either.Either<OnboardResult, OnboardError>) => {
        const item = lineFor(index, raw, result)
        const cause = Either.isLeft(result) ? fatalCause(result.left) : undefined
        return cause === undefined ? Effect.succeed(item) : Effect.as(Deferred.succeed(stop, cause), item)
      }
      /**
       * An employee of a Bulk chunk: the step, in a place before new employees. One the Bulk
       * request created is in flight and completed whatever happens; one it did not (a refused or
       * failed request) is not started once a fatal error stopped the batch: a re-run does it.
       */
      const runStep = (
        index: number,
        raw: unknown,
        known?: BulkRequest.ToSettle["known"]
      ): Effect.Effect<ReadonlyArray<Item>> =>
        Effect.flatMap(stopped, (isStopped) =>
          isStopped && known === undefined
            ? Effect.succeed([])
            : Effect.flatMap(
              places.withPlaceFirst(Effect.either(step(raw, options, known))),
              (r) => Effect.map(settle(index, raw, r), (item) => [item])
            ))

      // -- the queue: the input's employees, then its end (or failure), left for every lane ----
      const queue = yield* Queue.bounded<Exit.Exit<Indexed, Option.Option<E>>>(
        Math.max(16, 2 * (bulkSize + concurrency))
      )
      const indexed = input.pipe(
        Stream.zipWithIndex,
        Stream.filter(([raw]) => {
          const id = typeof raw === "object" && raw !== null ? (raw as { employeeId?: unknown }).employeeId : undefined
          return !(typeof id === "string" && skip.has(id))
        })
      )
      yield* Effect.forkScoped(Stream.runIntoQueueElementsScoped(indexed, queue))

      /** The input's end (`None`) or failure: put back for the other lanes, then this lane's end. */
      const ended = (exit: Exit.Failure<Indexed, Option.Option<E>>): Effect.Effect<never, Option.Option<E>> =>
        Effect.zipRight(Queue.offer(queue, exit), Effect.failCause(exit.cause))
      /** A queue element: an employee, or the input's end or failure. */
      const element = (exit: Exit.Exit<Indexed, Option.Option<E>>): Effect.Effect<Indexed, Option.Option<E>> =>
        Exit.isSuccess(exit) ? Effect.succeed(exit.value) : ended(exit)
      /** Takes from the queue, waiting when it is empty unless the batch stops first (`None`: stopping). */
      const untilStopped = <A>(
        poll: Effect.Effect<Option.Option<A>>,
        take: Effect.Effect<A>
      ): Effect.Effect<Option.Option<A>> =>
        Effect.flatMap(
          stopped,
          (isStopped) =>
            isStopped ? Effect.succeedNone : Effect.flatMap(poll, (polled) =>
              Option.isSome(polled)
                ? Effect.succeed(polled)
                : Effect.raceFirst(Effect.asSome(take), Effect.as(Deferred.await(stop), Option.none<A>())))
        )
      /** The next employee; fails with `None` at the end of the input or once the batch is stopping. */
      const takeOne: Effect.Effect<Indexed, Option.Option<E>> = Effect.flatMap(
        untilStopped(Queue.poll(queue), Queue.take(queue)),
        Option.match({ onNone: () => Effect.fail(Option.none()), onSome: element })
      )
      /** Up to `n` employees (at least one, waiting for it); none once the batch is stopping. */
      const takeChunk = (n: number): Effect.Effect<ReadonlyArray<Indexed>, Option.Option<E>> =>
        Effect.flatMap(
          untilStopped(
            Effect.map(Queue.takeUpTo(queue, n), (c) => (Chunk.isEmpty(c) ? Option.none() : Option.some(c))),
            Queue.takeBetween(queue, 1, n)
          ),
          (taken) =>
            Effect.gen(function*() {
              const items: Array<Indexed> = []
              for (const exit of Option.isSome(taken) ? Chunk.toReadonlyArray(taken.value) : []) {
                if (Exit.isSuccess(exit)) items.push(exit.value)
                else if (items.length === 0) return yield* ended(exit)
                else yield* Queue.offer(queue, exit)
              }
              return items
            })
        )

      // -- single-request lanes: one employee at a time, in a place ---------------------------
      const singleStep: Effect.Effect<Item, Option.Option<E>> = Effect.flatMap(
        takeOne,
        ([raw, index]) =>
          Effect.flatMap(
            // Taken, but not started if the batch stopped while this lane waited for a place.
            places.withPlace(
              Effect.flatMap(
                stopped,
                (isStopped) => (isStopped ? Effect.succeedNone : Effect.asSome(Effect.either(step(raw, options))))
              )
            ),
            Option.match({ onNone: () => Effect.fail(Option.none()), onSome: (r) => settle(index, raw, r) })
          )
      )

      // -- the Bulk lane: a chunk per Bulk request, when the Bulk budget allows one ------------
      // It holds a place from its wait for the budget until the answer, served before single
      // requests waiting for one (with one place only, it waits like them).
      const bulkPlace = concurrency >= 2 ? places.withPlaceFirst : places.withPlace
      const bulkRound: Effect.Effect<ReadonlyArray<BulkRequest.ToSettle>, Option.Option<E>> = Effect.gen(function*() {
        if (!(yield* Ref.get(bulkOn)) || (yield* stopped)) return yield* Effect.fail(Option.none())
        return yield* bulkPlace(Effect.gen(function*() {
          const at = yield* limiter.nextSlot("bulk")
          const now = yield* Clock.currentTimeMillis
          // Waiting for the Bulk budget is not a request in flight: a stop ends it.
          if (at > now) yield* Effect.raceFirst(Effect.sleep(Duration.millis(at - now)), Deferred.await(stop))
          const taken = yield* takeChunk(bulkSize)
          if (taken.length === 0) return yield* Effect.fail(Option.none())
          const planned: Array<BulkRequest.Planned> = []
          const others: Array<BulkRequest.ToSettle> = []
          for (const [raw, index] of taken) {
            const decoded = Employee.decodeEmployee(raw)
            if (Either.isRight(decoded) && Either.isRight(placement.check(decoded.right.role))) {
              planned.push({ index, raw, employee: decoded.right })
            } else {
              others.push({ index, raw, known: undefined })
            }
          }
          const groups = yield* Effect.either(placement.all)
          if (planned.length === 0 || Either.isLeft(groups)) {
            return [...planned.map((p) => ({ index: p.index, raw: p.raw, known: undefined })), ...others]
          }
          const fill = bulkFillsGroups ? groups.right : undefined
          const sent = yield* BulkRequest.send(bulk, dialect, deps.toNewUser, fill, planned)
          if (sent.refused) yield* Ref.set(bulkOn, false)
          return [...sent.settle, ...others]
        }))
      })
      // The step completes each employee of a chunk, and the chunk's results go out together;
      // meanwhile the lane goes on to its next request. (One inner stream per chunk: a stream per
      // employee would cost Stream's merge machinery per employee, a third more CPU per batch.)
      const bulkLane: Stream.Stream<Item, E> = Stream.repeatEffectOption(bulkRound).pipe(
        Stream.flatMap(
          (chunk) =>
            Stream.fromIterableEffect(
              Effect.map(
                Effect.forEach(chunk, (s) => runStep(s.index, s.raw, s.known), { concurrency: "unbounded" }),
                (items) => items.flat()
              )
            ),
          { concurrency: "unbounded" }
        )
      )

      const lanes: Array<Stream.Stream<Item, E>> = Array.from(
        { length: concurrency },
        () => Stream.repeatEffectOption(singleStep)
      )
      if (bulkSize > 0) lanes.unshift(bulkLane)

      const counts = yield* Ref.make({ processed: 0, done: 0 })
      const merged = Stream.mergeAll(lanes, { concurrency: "unbounded" }).pipe(
        Stream.tap((item) =>
          Ref.update(counts, (c) => ({ processed: c.processed + 1, done: c.done + (Report.isDone(item.line) ? 1 : 0) }))
        )
      )
      // Every lane has ended: the in-flight employees' results are out. Then the stop, if any.
      const aborted = Stream.unwrap(Effect.gen(function*() {
        const cause = yield* Deferred.poll(stop)
        if (Option.isNone(cause)) return Stream.empty
        const { message, tag } = yield* cause.value
        const { done, processed } = yield* Ref.get(counts)
        return Stream.fail(new BatchAborted({ causeTag: tag, reason: message, processed, done }))
      }))
      return Stream.concat(merged, aborted)
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

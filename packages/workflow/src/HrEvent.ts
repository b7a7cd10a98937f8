/**
 * The events an HR system sends, as the durable workflows take them: a hire, a role change, a
 * leave. Each carries the id the HR system gave it (`eventId`): the workflow's idempotency key, so
 * the same event delivered twice is applied once, while a second role change or a rehire (new
 * events, new ids) are applied again. Events of one employee are applied in the order they were
 * submitted (`EmployeeQueue`).
 *
 * Every event is decoded at run time (`decode`): plain JavaScript callers and HTTP bodies get
 * `InvalidEvent` before anything is stored.
 *
 * @since 0.5.0
 */
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Employee from "@asgardeo-scim/hr/Employee"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { InvalidEvent, invalidEventFrom } from "./WorkflowError.js"

const Id = (what: string, max: number) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => `${what} must not be empty` }),
    Schema.maxLength(max, { message: () => `${what} must be at most ${max} characters` }),
    Schema.filter((s) => !Validation.hasControlCharacter(s), {
      message: () => `${what} must not contain control characters`
    })
  )

/**
 * The HR system's id of an event: 1 to 200 characters, no control characters, taken as given
 * (not trimmed: `" e1"` and `"e1"` are two events).
 *
 * @since 0.5.0
 * @category schemas
 */
export const EventId = Id("eventId", 200)

/**
 * A new employee: onboarded as `HrDirectory.onboardEmployee` does (created, or found and
 * reconciled; a user holding another employee's number is left untouched).
 *
 * @since 0.5.0
 * @category schemas
 */
export const Hire = Schema.TaggedStruct("Hire", {
  eventId: EventId,
  employee: Employee.Employee
})

/**
 * @since 0.5.0
 * @category models
 */
export interface Hire extends Schema.Schema.Type<typeof Hire> {}

/**
 * An employee's new role. The user is the one whose userName is `email` (exactly one, in the
 * default user store) and whose enterprise `employeeNumber` is `employeeId`; anything else fails
 * the event, nothing is changed.
 *
 * @since 0.5.0
 * @category schemas
 */
export const RoleChange = Schema.TaggedStruct("RoleChange", {
  eventId: EventId,
  employeeId: Employee.Employee.fields.employeeId,
  email: Employee.Email,
  role: Employee.Employee.fields.role
})

/**
 * @since 0.5.0
 * @category models
 */
export interface RoleChange extends Schema.Schema.Type<typeof RoleChange> {}

/**
 * An employee leaves: deactivated and removed from every mapped role (`HrDirectory.offboard`),
 * deleted when `delete` is true. The user is found as for `RoleChange`; when no user has the email
 * the event fails (`UserNotFound`): the account may live under another userName, still active, so
 * it is never a silent success. The same leave delivered twice is answered from its first result.
 *
 * @since 0.5.0
 * @category schemas
 */
export const Leave = Schema.TaggedStruct("Leave", {
  eventId: EventId,
  employeeId: Employee.Employee.fields.employeeId,
  email: Employee.Email,
  delete: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

/**
 * @since 0.5.0
 * @category models
 */
export interface Leave extends Schema.Schema.Type<typeof Leave> {}

/**
 * @since 0.5.0
 * @category schemas
 */
export const HrEvent = Schema.Union(Hire, RoleChange, Leave)

/**
 * @since 0.5.0
 * @category models
 */
export type HrEvent = Hire | RoleChange | Leave

/**
 * The employee an event is about.
 *
 * @since 0.5.0
 * @category getters
 */
export const employeeIdOf = (event: HrEvent): string =>
  event._tag === "Hire" ? event.employee.employeeId : event.employeeId

/**
 * What applying an event did.
 *
 * @since 0.5.0
 * @category schemas
 */
export const Applied = Schema.Struct({
  eventId: Schema.String,
  kind: Schema.Literal("Hire", "RoleChange", "Leave"),
  employeeId: Schema.String,
  userName: Schema.String,
  userId: Schema.String,
  /**
   * Hire: `created`, `existing`, `updated`; role change: `changed` or `unchanged`; leave:
   * `offboarded` or `deleted`.
   */
  outcome: Schema.Literal(
    "created",
    "existing",
    "updated",
    "changed",
    "unchanged",
    "offboarded",
    "deleted"
  ),
  /** Role change and leave: the role groups (roles mode: Asgardeo roles) the user left. */
  removedFrom: Schema.Array(Schema.String),
  /** Attempts it took. */
  attempts: Schema.Number
})

/**
 * @since 0.5.0
 * @category models
 */
export interface Applied extends Schema.Schema.Type<typeof Applied> {}

const decodeIdEither = Schema.decodeUnknownEither(EventId)

/**
 * Decodes an event id of unknown type: `InvalidEvent` for anything but a valid `EventId`.
 *
 * @since 0.5.0
 * @category decoding
 */
export const decodeEventId = (input: unknown): Effect.Effect<string, InvalidEvent> =>
  Effect.suspend(() => {
    const result = decodeIdEither(input)
    if (result._tag === "Right") return Effect.succeed(result.right)
    return Effect.fail(invalidEventFrom(result.left, { field: "eventId", reason: "invalid event id" }))
  })

const decodeEither = Schema.decodeUnknownEither(HrEvent, { errors: "first", onExcessProperty: "error" })

/**
 * Decodes an event of unknown shape (a parsed HTTP body, a queue message): `InvalidEvent` naming
 * the first faulty field. Unknown fields are refused too (a typo such as `delte: true` would
 * otherwise be ignored silently).
 *
 * @since 0.5.0
 * @category decoding
 */
export const decode = (input: unknown): Effect.Effect<HrEvent, InvalidEvent> =>
  Effect.suspend(() => {
    const result = decodeEither(input)
    if (result._tag === "Right") return Effect.succeed(result.right)
    return Effect.fail(invalidEventFrom(result.left, { field: "event", reason: "invalid event" }))
  }).pipe(
    // A getter that throws, a proxy: a defect of the caller's object is a typed error too.
    Effect.catchAllDefect(() => Effect.fail(new InvalidEvent({ field: "event", reason: "unreadable value" }))),
    Effect.withSpan("HrEvent.decode")
  )

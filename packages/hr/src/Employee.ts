/**
 * The employee record the HR helpers take, validated by Schema before any request is sent.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InvalidEmployee } from "./HrError.js"

const controlChars = /[\u0000-\u001f\u007f]/

const Text = (what: string, max: number) =>
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => `${what} must not be empty` }),
    Schema.maxLength(max, { message: () => `${what} must be at most ${max} characters` }),
    Schema.filter((s) => !controlChars.test(s), { message: () => `${what} must not contain control characters` })
  )

/**
 * An email address: one `@`, a dotted domain, no spaces, quotes or brackets, at most 254
 * characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Email = Schema.Trim.pipe(
  Schema.maxLength(254, { message: () => "email must be at most 254 characters" }),
  Schema.pattern(/^[^\s@"<>()[\\\],;:]+@[^\s@"<>()[\\\],;:]+\.[^\s@"<>()[\\\],;:.][^\s@"<>()[\\\],;:]*$/, {
    message: () => "email is not a valid address"
  })
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const Employee = Schema.Struct({
  /** The HR system's id: written as the enterprise `employeeNumber`. */
  employeeId: Text("employeeId", 64),
  email: Email,
  firstName: Text("firstName", 256),
  lastName: Text("lastName", 256),
  department: Text("department", 256),
  /** A role of the `Roles` mapping (`admin`, `hr_manager`, `employee` by default). */
  role: Text("role", 64)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Employee extends Schema.Schema.Type<typeof Employee> {}

const decode = Schema.decodeUnknownEither(Employee, { errors: "first", onExcessProperty: "ignore" })

/**
 * Validates an employee from any input (plain JavaScript callers included).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEmployee = (input: unknown): Either.Either<Employee, InvalidEmployee> =>
  Either.mapLeft(decode(input), (error) => {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    const employeeId = typeof input === "object" && input !== null &&
        typeof (input as { employeeId?: unknown }).employeeId === "string"
      ? (input as { employeeId: string }).employeeId
      : undefined
    return new InvalidEmployee({
      ...(employeeId !== undefined ? { employeeId } : {}),
      field: issue?.path.join(".") || "employee",
      reason: issue?.message ?? "invalid employee"
    })
  })

/**
 * The employee record the HR helpers take, validated by Schema before any request is sent, with
 * core's `Validation` rules: no control characters (C0, DEL, C1), email addresses by
 * `Validation.isEmailAddress`; surrounding white space is trimmed; lengths as documented on each
 * field (at most 64 or 256 characters, 254 for the email).
 *
 * @since 0.1.0
 */
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InvalidEmployee } from "./HrError.js"

const Text = (what: string, max: number) =>
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => `${what} must not be empty` }),
    Schema.maxLength(max, { message: () => `${what} must be at most ${max} characters` }),
    Schema.filter((s) => !Validation.hasControlCharacter(s), {
      message: () => `${what} must not contain control characters`
    })
  )

/**
 * An email address by core's `Validation.isEmailAddress` rule (one `@`, a dotted domain, no
 * spaces, quotes, brackets or control characters, at most 254 characters), after trimming
 * surrounding white space. The messages name the field, not the value (CSV reports).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Email = Schema.Trim.pipe(
  Schema.maxLength(Validation.maxEmailLength, {
    message: () => `email must be at most ${Validation.maxEmailLength} characters`
  }),
  Schema.filter((s) => Validation.isEmailAddress(s), { message: () => "email is not a valid address" })
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
 * An employee record. `Role` is the role names a caller may give: any string by default; the
 * configured roles' union in a service typed by its roles (`HrDirectory.typed`), so a role outside
 * the mapping is a compile error there. At run time every record is decoded again, whatever its
 * type said.
 *
 * @since 0.1.0
 * @category models
 */
export interface Employee<Role extends string = string> extends Schema.Schema.Type<typeof Employee> {
  readonly role: Role
}

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

/**
 * Reads an employee CSV (`employeeId,email,firstName,lastName,department,role`, any column
 * order, extra columns ignored): valid rows, and invalid rows with their line number and why.
 * An invalid row is reported and skipped; it never stops the others.
 *
 * A file separated by `;` (as spreadsheets write CSV where the decimal separator is a comma) is
 * read as such: the header line decides (more `;` than `,` in it). Roles are matched without
 * regard to case (`Admin` is the role `admin`) and the row carries the configured name.
 *
 * @since 0.1.0
 */
import * as Employee from "@asgardeo-scim/hr/Employee"
import type * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as Either from "effect/Either"
import * as Csv from "./Csv.js"

/**
 * The required header columns.
 *
 * @since 0.1.0
 * @category constants
 */
export const columns = ["employeeId", "email", "firstName", "lastName", "department", "role"] as const

/**
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly line: number
  readonly employee: Employee.Employee
}

/**
 * @since 0.1.0
 * @category models
 */
export interface InvalidRow {
  readonly line: number
  readonly employeeId: string | undefined
  readonly email: string | undefined
  readonly reason: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Parsed {
  readonly rows: ReadonlyArray<Row>
  readonly invalid: ReadonlyArray<InvalidRow>
}

/**
 * The field delimiter of a CSV text: `;` when its first line holds more `;` than `,`, else `,`.
 *
 * @since 0.2.0
 * @category parsing
 */
export const delimiterOf = (text: string): "," | ";" => {
  const end = text.search(/\r|\n/)
  const header = end === -1 ? text : text.slice(0, end)
  const count = (c: string) => header.split(c).length - 1
  return count(";") > count(",") ? ";" : ","
}

/**
 * The configured name of a role given in any case (`Admin`, `ADMIN`: `admin`). A name that
 * matches no role, or two roles that differ only in case, is returned as it is (the mapping then
 * reports it as unknown, listing the roles).
 *
 * @since 0.2.0
 * @category parsing
 */
export const canonicalRole = (roles: Pick<RoleMapping.Service, "mapping">, role: string): string => {
  if (roles.mapping.some((m) => m.role === role)) return role
  const wanted = role.trim().toLowerCase()
  const matches = roles.mapping.filter((m) => m.role.toLowerCase() === wanted)
  return matches.length === 1 ? matches[0]!.role : role
}

/**
 * Parses and validates the file. Fails only when the file is not CSV or its header lacks a
 * column; bad rows are returned in `invalid`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  text: string,
  file: string,
  roles: Pick<RoleMapping.Service, "mapping" | "groupOf">
): Either.Either<Parsed, Csv.CsvError> => {
  const delimiter = delimiterOf(text)
  return Either.flatMap(Csv.parse(text, file, delimiter), (records) => {
    const header = records[0]
    if (header === undefined) return Either.left(new Csv.CsvError({ file, line: 1, reason: "the file is empty" }))
    const names = header.fields.map((f) => f.trim())
    const index: Record<string, number> = {}
    for (const column of columns) {
      const i = names.indexOf(column)
      if (i === -1) {
        return Either.left(
          new Csv.CsvError({
            file,
            line: header.line,
            reason: `the header lacks the column ${column} (expected ${columns.join(",")})`
          })
        )
      }
      index[column] = i
    }
    const rows: Array<Row> = []
    const invalid: Array<InvalidRow> = []
    const seen = new Map<string, number>()
    for (const record of records.slice(1)) {
      const get = (column: (typeof columns)[number]) => record.fields[index[column]!]
      const employeeId = get("employeeId")?.trim() || undefined
      const email = get("email")?.trim() || undefined
      const bad = (reason: string) => invalid.push({ line: record.line, employeeId, email, reason })
      if (record.fields.length !== names.length) {
        bad(
          `expected ${names.length} fields, found ${record.fields.length} ` +
            `(quote fields that hold ${delimiter === ";" ? "semicolons" : "commas"})`
        )
        continue
      }
      const raw = {
        ...Object.fromEntries(columns.map((c) => [c, get(c) ?? ""])),
        role: canonicalRole(roles, get("role") ?? "")
      }
      const decoded = Employee.decodeEmployee(raw)
      if (Either.isLeft(decoded)) {
        bad(`${decoded.left.field}: ${decoded.left.reason}`)
        continue
      }
      const role = roles.groupOf(decoded.right.role)
      if (Either.isLeft(role)) {
        bad(role.left.message)
        continue
      }
      const previous = seen.get(decoded.right.employeeId)
      if (previous !== undefined) {
        bad(`employeeId ${decoded.right.employeeId} already appears on line ${previous}`)
        continue
      }
      seen.set(decoded.right.employeeId, record.line)
      rows.push({ line: record.line, employee: decoded.right })
    }
    return Either.right({ rows, invalid })
  })
}

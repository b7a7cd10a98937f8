import * as AsgardeoRoles from "@asgardeo-scim/hr/AsgardeoRoles"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import { UnknownRole } from "@asgardeo-scim/hr/HrError"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Batch from "../Batch.js"
import * as Connection from "../Connection.js"
import * as EmployeeCsv from "../EmployeeCsv.js"
import { CliError, Failed, Ok, Skipped, Usage } from "../ExitCode.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"
import * as Input from "./input.js"
import * as Output from "./output.js"

type Args<A> = Connection.Flags & { readonly json: boolean } & A

/** The HR roles as the CSV reader and `hr change-role` take them. */
type HrRoles = Pick<RoleMapping.Service, "mapping" | "groupOf">

/**
 * The HR mode of `--role-mapping`: none, role groups (`RoleMapping`'s default); a file, Asgardeo
 * roles (`HrDirectory.layerRoles`) with the mapping the file holds.
 */
interface Mode {
  readonly mapping: AsgardeoRoles.Mapping | undefined
  readonly roles: HrRoles
}

/**
 * The HR roles of a role mapping, each with its Asgardeo role's name where role groups have a
 * group's (what the dry run prints).
 */
const rolesOf = (mapping: AsgardeoRoles.Mapping): HrRoles => {
  const entries = Object.entries(mapping).map(([role, r]) => ({
    role,
    group: typeof r === "string" ? r : r.displayName
  }))
  return {
    mapping: entries,
    groupOf: (role) => {
      const entry = entries.find((e) => e.role === role)
      return entry === undefined
        ? Either.left(new UnknownRole({ role, known: entries.map((e) => e.role) }))
        : Either.right(entry.group)
    }
  }
}

/**
 * `--role-mapping FILE`: the JSON mapping of HR roles to Asgardeo roles, checked with the HR
 * package's `AsgardeoRoles.decodeMapping` before anything is sent (a usage error otherwise).
 */
const modeOf = (roleMapping: Option.Option<string>): Effect.Effect<Mode, CliError, FileSystem.FileSystem | Io> =>
  Option.match(roleMapping, {
    onNone: () => Effect.succeed({ mapping: undefined, roles: RoleMapping.defaults }),
    onSome: (file) =>
      Effect.flatMap(Input.readJson(file, "--role-mapping"), (json) =>
        Either.match(AsgardeoRoles.decodeMapping(json), {
          onLeft: (error) =>
            Effect.fail(new CliError({ code: Usage, message: `--role-mapping ${file}: ${error.message}` })),
          onRight: (mapping) => Effect.succeed({ mapping, roles: rolesOf(mapping) })
        }))
  })

/**
 * The connection of a mode: role groups, or Asgardeo roles (the mapped roles looked up first;
 * with `ensure`, created when missing).
 */
const connection = (args: Connection.Flags, mode: Mode, ensure = false) =>
  mode.mapping === undefined
    ? Connection.layer(args)
    : Connection.layerRoles(args, mode.mapping, {}, ensure ? { ensure } : undefined)

/** Checks the text of an employee CSV: a file that cannot be parsed is exit code 2. */
const parseCsv = (text: string, file: string, roles: HrRoles) => {
  const parsed = EmployeeCsv.parse(text, file, roles)
  return Either.isLeft(parsed)
    ? Effect.fail(
      new CliError({
        code: Usage,
        message: `${parsed.left.message}. Expected a header ${EmployeeCsv.columns.join(",")} (RFC 4180 quoting)`
      })
    )
    : Effect.succeed(parsed.right)
}

/** Reads and checks an employee CSV: a file that cannot be read or parsed is exit code 2.
 */
export const readCsv = (file: string, roles: HrRoles = RoleMapping.defaults) =>
  Effect.flatMap(Input.readText(file), (text) => parseCsv(text, file, roles))

export const setup = (args: Args<{ readonly roleMapping: Option.Option<string> }>) =>
  Effect.flatMap(modeOf(args.roleMapping), (mode) =>
    Effect.gen(function*() {
      const io = yield* Io
      // Roles mode: the mapped roles, looked up (and created when missing) as the layer was built.
      const groups = yield* (yield* HrDirectory.HrDirectory).ensureRoleGroups
      yield* io.out(
        args.json
          ? Render.json(groups)
          : Render.table(
            ["ROLE", mode.mapping === undefined ? "GROUP" : "ASGARDEO ROLE", "ID"],
            groups.map((g) => [g.role, g.name, g.id]),
            io.color
          )
      )
      if (!args.json) {
        yield* io.err(Render.styled(
          mode.mapping === undefined
            ? "Assign each group to a role in the Asgardeo console (User Management > Roles) to grant permissions"
            : "A role created here has no permissions: give them with `asgardeo-scim roles permissions` " +
              "or in the Asgardeo console",
          "dim",
          io.colorErr
        ))
      }
    }).pipe(Effect.provide(connection(args, mode, true))))

export const onboard = (
  args: Args<{
    readonly file: string
    readonly concurrency: number
    readonly dryRun: boolean
    readonly report: Option.Option<string>
    readonly bulk: "auto" | "on" | "off"
    readonly roleMapping: Option.Option<string>
    readonly durable: boolean
    readonly state: Option.Option<string>
    readonly batchId: Option.Option<string>
  }>
) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (args.concurrency < 1) {
      return yield* Effect.fail(new CliError({ code: Usage, message: "--concurrency must be at least 1" }))
    }
    const refused = durableConflict(args)
    if (refused !== undefined) return yield* Effect.fail(new CliError({ code: Usage, message: refused }))
    const mode = yield* modeOf(args.roleMapping)
    const text = yield* Input.readText(args.file)
    const parsed = yield* parseCsv(text, args.file, mode.roles)
    if (args.dryRun) {
      const { done } = yield* Batch.readDone(args.report)
      // Role groups: the group; roles mode: the Asgardeo role's name (not looked up: nothing is sent).
      const placement = mode.mapping === undefined ? "group" : "asgardeoRole"
      const plan = parsed.rows.map((r) => ({
        line: r.line,
        employeeId: r.employee.employeeId,
        email: r.employee.email,
        role: r.employee.role,
        [placement]: Either.getOrElse(mode.roles.groupOf(r.employee.role), () => ""),
        action: done.has(r.employee.employeeId) ? "skip (done in report)" : "onboard"
      }))
      const toDo = plan.filter((p) => p.action === "onboard").length
      if (args.json) {
        yield* io.out(Render.json({ dryRun: true, plan, invalid: parsed.invalid }))
      } else {
        yield* io.out(Render.table(
          ["LINE", "EMPLOYEE", "EMAIL", "ROLE", mode.mapping === undefined ? "GROUP" : "ASGARDEO ROLE", "ACTION"],
          plan.map((p) => [String(p.line), p.employeeId, p.email, p.role, String(p[placement]), p.action]),
          io.color
        ))
        for (const row of parsed.invalid) {
          yield* io.err(Render.styled(Batch.invalidLine(args.file, row), "warn", io.colorErr))
        }
        yield* io.err(
          `dry run: ${toDo} to onboard, ${plan.length - toDo} already done, ${parsed.invalid.length} invalid; ` +
            "nothing was sent"
        )
      }
      if (parsed.invalid.length > 0) return yield* Effect.fail(new CliError({ code: Skipped, message: "" }))
      return
    }
    if (args.durable) {
      const durable = yield* Effect.promise(() => import("./durable.js"))
      return yield* durable.onboard({
        file: args.file,
        text,
        parsed,
        roleMapping: mode.mapping,
        state: args.state,
        batchId: args.batchId,
        concurrency: args.concurrency,
        json: args.json
      }, connection(args, mode))
    }
    const summary = yield* Batch.run({
      file: args.file,
      parsed,
      report: args.report,
      concurrency: args.concurrency,
      bulk: args.bulk === "auto" ? "auto" : args.bulk === "on",
      verbose: !args.json
    }).pipe(Effect.provide(connection(args, mode)))
    yield* io.out(args.json ? Render.json({ summary, invalid: parsed.invalid }) : Batch.render(summary, io.color))
    const code = Batch.unfinished(summary) > 0 ? Failed : summary.invalid > 0 ? Skipped : Ok
    if (code !== Ok) return yield* Effect.fail(new CliError({ code, message: "" }))
  })

/**
 * The flags `hr onboard --durable` refuses (the plain batch's resume file, Bulk requests), and
 * the durable flags without `--durable`: the usage error's message, or `undefined`.
 */
const durableConflict = (args: {
  readonly durable: boolean
  readonly report: Option.Option<string>
  readonly bulk: "auto" | "on" | "off"
  readonly state: Option.Option<string>
  readonly batchId: Option.Option<string>
}): string | undefined =>
  !args.durable
    ? Option.isSome(args.state) || Option.isSome(args.batchId)
      ? `${Option.isSome(args.state) ? "--state" : "--batch-id"} goes with --durable: add --durable, or leave it out`
      : undefined
    : Option.isSome(args.report)
    ? "--report is the plain batch's resume file: a --durable batch keeps its progress in its --state file. " +
      "Leave --report out (or --durable)"
    : args.bulk === "on"
    ? "--bulk on: a --durable batch onboards each employee in a workflow of its own, without Bulk requests. " +
      "Leave --bulk out (or --durable)"
    : undefined

export const changeRole = (
  args: Args<{ readonly user: string; readonly role: string; readonly roleMapping: Option.Option<string> }>
) =>
  Effect.flatMap(modeOf(args.roleMapping), (mode) => {
    // Any case (`Admin`): the configured name (`admin`) is what is sent and printed. A role
    // outside the mapping is refused before the connection (roles mode looks roles up) and any
    // request: UnknownRole, exit code 2.
    const role = EmployeeCsv.canonicalRole(mode.roles, args.role)
    const known = mode.roles.groupOf(role)
    return Either.isLeft(known) ? Effect.fail(known.left) : Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const user = yield* Lookup.user(args.user)
      const change = yield* hr.changeRole(user.id, role)
      yield* Output.done(
        args.json,
        change,
        "role changed",
        `${change.userName}: now ${change.role}` +
          (change.removedFrom.length > 0 ? ` (left ${change.removedFrom.join(", ")})` : "")
      )
    }).pipe(Effect.provide(connection(args, mode)))
  })

export const offboard = (
  args: Args<{ readonly user: string; readonly delete: boolean; readonly roleMapping: Option.Option<string> }>
) =>
  Effect.flatMap(modeOf(args.roleMapping), (mode) =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const user = yield* Lookup.user(args.user)
      const result = yield* hr.offboard(user.id, { delete: args.delete })
      yield* Output.done(
        args.json,
        result,
        result.deleted ? "offboarded and deleted" : "offboarded",
        `${result.userName}: deactivated` +
          (result.removedFrom.length > 0 ? `, removed from ${result.removedFrom.join(", ")}` : "")
      )
    }).pipe(Effect.provide(connection(args, mode))))

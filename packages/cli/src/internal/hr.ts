import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
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

/** Reads and checks an employee CSV: a file that cannot be read or parsed is exit code 2.
 */
export const readCsv = (file: string) =>
  Effect.gen(function*() {
    const text = yield* Input.readText(file)
    const parsed = EmployeeCsv.parse(text, file, RoleMapping.defaults)
    if (Either.isLeft(parsed)) {
      return yield* Effect.fail(
        new CliError({
          code: Usage,
          message: `${parsed.left.message}. Expected a header ${EmployeeCsv.columns.join(",")} (RFC 4180 quoting)`
        })
      )
    }
    return parsed.right
  })

export const setup = (args: Args<{}>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const groups = yield* (yield* HrDirectory.HrDirectory).ensureRoleGroups
    yield* io.out(
      args.json
        ? Render.json(groups)
        : Render.table(["ROLE", "GROUP", "ID"], groups.map((g) => [g.role, g.name, g.id]), io.color)
    )
    if (!args.json) {
      yield* io.err(Render.styled(
        "Assign each group to a role in the Asgardeo console (User Management > Roles) to grant permissions",
        "dim",
        io.colorErr
      ))
    }
  }).pipe(Effect.provide(Connection.layer(args)))

export const onboard = (
  args: Args<{
    readonly file: string
    readonly concurrency: number
    readonly dryRun: boolean
    readonly report: Option.Option<string>
    readonly bulk: "auto" | "on" | "off"
  }>
) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (args.concurrency < 1) {
      return yield* Effect.fail(new CliError({ code: Usage, message: "--concurrency must be at least 1" }))
    }
    const parsed = yield* readCsv(args.file)
    if (args.dryRun) {
      const { done } = yield* Batch.readDone(args.report)
      const roles = RoleMapping.defaults
      const plan = parsed.rows.map((r) => ({
        line: r.line,
        employeeId: r.employee.employeeId,
        email: r.employee.email,
        role: r.employee.role,
        group: Either.getOrElse(roles.groupOf(r.employee.role), () => ""),
        action: done.has(r.employee.employeeId) ? "skip (done in report)" : "onboard"
      }))
      const toDo = plan.filter((p) => p.action === "onboard").length
      if (args.json) {
        yield* io.out(Render.json({ dryRun: true, plan, invalid: parsed.invalid }))
      } else {
        yield* io.out(Render.table(
          ["LINE", "EMPLOYEE", "EMAIL", "ROLE", "GROUP", "ACTION"],
          plan.map((p) => [String(p.line), p.employeeId, p.email, p.role, p.group, p.action]),
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
    const summary = yield* Batch.run({
      file: args.file,
      parsed,
      report: args.report,
      concurrency: args.concurrency,
      bulk: args.bulk === "auto" ? "auto" : args.bulk === "on",
      verbose: !args.json
    }).pipe(Effect.provide(Connection.layer(args)))
    yield* io.out(args.json ? Render.json({ summary, invalid: parsed.invalid }) : Batch.render(summary, io.color))
    const code = Batch.unfinished(summary) > 0 ? Failed : summary.invalid > 0 ? Skipped : Ok
    if (code !== Ok) return yield* Effect.fail(new CliError({ code, message: "" }))
  })

export const changeRole = (args: Args<{ readonly user: string; readonly role: string }>) =>
  Effect.gen(function*() {
    const hr = yield* HrDirectory.HrDirectory
    const user = yield* Lookup.user(args.user)
    // Any case (`Admin`): the configured name (`admin`) is what is sent and printed.
    const change = yield* hr.changeRole(user.id, EmployeeCsv.canonicalRole(RoleMapping.defaults, args.role))
    yield* Output.done(
      args.json,
      change,
      "role changed",
      `${change.userName}: now ${change.role}` +
        (change.removedFrom.length > 0 ? ` (left ${change.removedFrom.join(", ")})` : "")
    )
  }).pipe(Effect.provide(Connection.layer(args)))

export const offboard = (args: Args<{ readonly user: string; readonly delete: boolean }>) =>
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
  }).pipe(Effect.provide(Connection.layer(args)))

/**
 * The onboarding batch behind `hr onboard` and the demo: runs `HrDirectory.onboardMany` over the
 * valid rows of a CSV with a progress bar, reports bad rows with their line numbers, appends one
 * report line per finished employee (so Ctrl-C leaves a report a re-run resumes from), and sums
 * up the outcomes. A batch stopped by a fatal error (`BatchAborted`: credentials, scope,
 * permission) fails with exit code 5, naming the cause and the report, which holds every
 * employee processed.
 *
 * @since 0.1.0
 */
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import type * as HrError from "@asgardeo-scim/hr/HrError"
import * as Report from "@asgardeo-scim/hr/Report"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import type * as EmployeeCsv from "./EmployeeCsv.js"
import { Aborted, CliError } from "./ExitCode.js"
import { Io } from "./Io.js"
import * as Progress from "./Progress.js"
import * as Render from "./Render.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly rows: number
  readonly processed: number
  readonly skipped: number
  readonly invalid: number
  readonly created: number
  readonly existing: number
  readonly updated: number
  readonly partial: number
  readonly conflict: number
  readonly failed: number
  readonly elapsedMillis: number
}

/**
 * Rows that did not end done (failed, partial, conflict).
 *
 * @since 0.1.0
 * @category getters
 */
export const unfinished = (s: Pick<Summary, "failed" | "partial" | "conflict">): number =>
  s.failed + s.partial + s.conflict

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly file: string
  readonly parsed: EmployeeCsv.Parsed
  readonly report: Option.Option<string>
  readonly concurrency: number
  readonly bulk: "auto" | boolean
  /** Print per-row problems as they happen (off for `--json`). */
  readonly verbose: boolean
}

/**
 * Reads the employee ids a previous report marks done (none when there is no report yet).
 *
 * @since 0.1.0
 * @category reports
 */
export const readDone = (report: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isNone(report)) return { done: new Set<string>() as ReadonlySet<string>, skippedLines: 0 }
    const fs = yield* FileSystem.FileSystem
    if (!(yield* fs.exists(report.value))) {
      return { done: new Set<string>() as ReadonlySet<string>, skippedLines: 0 }
    }
    const parsed = Report.parse(yield* fs.readFileString(report.value))
    return { done: Report.doneIds(parsed), skippedLines: parsed.skipped }
  })

/**
 * One line about an invalid row: `employees.csv line 12 (E0012): email: email is not a valid address; skipped`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const invalidLine = (file: string, row: EmployeeCsv.InvalidRow): string =>
  `${file} line ${row.line}${row.employeeId !== undefined ? ` (${row.employeeId})` : ""}: ${row.reason}; skipped`

/**
 * The line for a batch stopped by a fatal error: the cause, what was processed, where the report
 * is and how to resume.
 *
 * @since 0.2.0
 * @category rendering
 */
export const abortedLine = (error: HrError.BatchAborted, report: Option.Option<string>): string =>
  `the batch stopped on ${error.causeTag}: ${error.reason.replace(/\s*\n\s*/g, " ")}. ` +
  `${error.processed} employee(s) processed (${error.done} done), none started after. ` +
  (Option.isSome(report)
    ? `Every employee processed is in the report ${report.value}: fix the cause, then run the same command ` +
      "again to resume (done employees are skipped, partial ones completed)"
    : "No report was kept (pass --report <file> to make a batch resumable): fix the cause, then run the same " +
      "command again (existing users are found, not duplicated)")

/**
 * Runs the batch. Fails only with errors that stop every row: before anything was done, the
 * error as it is (credentials, scopes: `MissingScopes`); once started, a `CliError` with exit code
 * 5 (`Aborted`) after every employee in flight got its report line; or a report that cannot be
 * written.
 *
 * @since 0.1.0
 * @category programs
 */
export const run = (options: Options) =>
  Effect.gen(function*() {
    const io = yield* Io
    const fs = yield* FileSystem.FileSystem
    const hr = yield* HrDirectory.HrDirectory
    const { done } = yield* readDone(options.report)
    const rows = options.parsed.rows
    const append = (line: Report.Line) =>
      Option.isSome(options.report)
        ? fs.writeFileString(options.report.value, Report.encodeLine(line), { flag: "a" })
        : Effect.void

    for (const row of options.parsed.invalid) {
      if (options.verbose) yield* io.err(Render.styled(invalidLine(options.file, row), "warn", io.colorErr))
      if (row.employeeId !== undefined) {
        yield* append({
          employeeId: row.employeeId,
          userName: row.email ?? "",
          outcome: "invalid",
          error: { tag: "InvalidRow", message: `line ${row.line}: ${row.reason}` }
        })
      }
    }
    const skipped = rows.filter((r) => done.has(r.employee.employeeId)).length
    if (skipped > 0 && options.verbose) {
      yield* io.err(
        Render.styled(`resuming: ${skipped} employee(s) already done in the report, skipped`, "dim", io.colorErr)
      )
    }
    const total = rows.length - skipped
    const progress = yield* Progress.make(io, "onboarding", total)
    const counts = yield* Ref.make(noCounts)
    const started = yield* Clock.currentTimeMillis

    yield* hr.onboardMany(rows.map((r) => r.employee), {
      concurrency: options.concurrency,
      skip: done,
      bulk: options.bulk,
      total
    }).pipe(
      Stream.runForEach((result) =>
        Effect.gen(function*() {
          const line = result.line
          // The report line and the count go together: an interruption (Ctrl-C) lands before or
          // after both, so the count the interruption message gives is the lines in the report.
          yield* Effect.uninterruptible(Effect.zipRight(append(line), Ref.update(counts, (c) => count(c, line))))
          if (!Report.isDone(line) && options.verbose) {
            const row = rows[result.index]
            yield* io.err(Render.styled(
              `${options.file} line ${row?.line ?? "?"} (${line.employeeId}, ${line.userName}): ${line.outcome}: ` +
                `${line.error?.message ?? ""}`,
              "warn",
              io.colorErr
            ))
          }
          yield* progress.update(result.progress.done, result.progress.failed)
        })
      ),
      Effect.ensuring(progress.finish),
      Effect.catchTag(
        "BatchAborted",
        (error) => Effect.fail(new CliError({ code: Aborted, message: abortedLine(error, options.report) }))
      ),
      Effect.onInterrupt(() =>
        Effect.flatMap(Ref.get(counts), (c) => io.err(interruptedLine(c, total, options.report)))
      )
    )
    const summary: Summary = {
      rows: rows.length + options.parsed.invalid.length,
      skipped,
      invalid: options.parsed.invalid.length,
      elapsedMillis: (yield* Clock.currentTimeMillis) - started,
      ...(yield* Ref.get(counts))
    }
    return summary
  })

/**
 * The outcomes of the employees processed so far.
 *
 * @since 0.2.0
 * @category models
 */
export type Counts = Pick<
  Summary,
  "processed" | "created" | "existing" | "updated" | "partial" | "conflict" | "failed"
>

const noCounts: Counts = { created: 0, existing: 0, updated: 0, partial: 0, conflict: 0, failed: 0, processed: 0 }

const count = (c: Counts, line: Report.Line): Counts => {
  const outcome = line.outcome === "invalid" ? "failed" : line.outcome
  return { ...c, processed: c.processed + 1, [outcome]: c[outcome] + 1 }
}

/**
 * The line for a batch interrupted (Ctrl-C): how many employees were processed (each has its line
 * in the report) and how many of them are done, and how to resume.
 *
 * @since 0.2.0
 * @category rendering
 */
export const interruptedLine = (c: Counts, total: number, report: Option.Option<string>): string =>
  `interrupted after ${c.processed} of ${total} employees (${c.processed - unfinished(c)} done). ` +
  (Option.isSome(report)
    ? `The report ${report.value} has a line for each of the ${c.processed}: run the same command again to resume`
    : "Pass --report <file> to make a batch resumable")

/**
 * The summary for people.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (s: Summary, color: boolean): string => {
  const seconds = s.elapsedMillis / 1000
  const rate = seconds > 0 ? s.processed / seconds : 0
  return Render.fields([
    ["employees", `${s.rows} rows: ${s.processed} processed in ${seconds.toFixed(2)} s (${rate.toFixed(1)}/s)`],
    ["created", String(s.created)],
    ["existing", String(s.existing)],
    ["updated", String(s.updated)],
    ["skipped", `${s.skipped} (done in an earlier run)`],
    ["invalid rows", String(s.invalid)],
    ["failed", String(unfinished(s))]
  ], color)
}

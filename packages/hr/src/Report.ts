/**
 * The batch report: one JSON line per employee (employeeId, userName, userId when known, outcome,
 * error). A batch appends a line as each employee finishes, so an interrupted batch leaves a
 * consistent report, and a re-run given that report skips what is done.
 *
 * @since 0.1.0
 */

/**
 * What happened to one employee.
 * - `created`: the user was created and put in its role group.
 * - `existing`: the user already existed as wanted (nothing changed but, maybe, its group).
 * - `updated`: the user existed and was reconciled (attributes or role group).
 * - `partial`: the user exists but a later step failed (a re-run completes it).
 * - `conflict`: the userName belongs to another employee; left untouched.
 * - `failed`: nothing was done, or it is unknown what was (see `error`).
 * - `invalid`: the input row was invalid; nothing was sent.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = "created" | "existing" | "updated" | "partial" | "conflict" | "failed" | "invalid"

/**
 * @since 0.1.0
 * @category models
 */
export interface Line {
  readonly employeeId: string
  readonly userName: string
  readonly userId?: string | undefined
  readonly outcome: Outcome
  readonly role?: string | undefined
  readonly error?: { readonly tag: string; readonly message: string } | undefined
}

const outcomes: ReadonlySet<string> = new Set<Outcome>([
  "created",
  "existing",
  "updated",
  "partial",
  "conflict",
  "failed",
  "invalid"
])

/**
 * Outcomes a re-run skips.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDone = (line: Line): boolean =>
  line.outcome === "created" || line.outcome === "existing" || line.outcome === "updated"

/**
 * One report line, newline included.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeLine = (line: Line): string =>
  JSON.stringify({
    employeeId: line.employeeId,
    userName: line.userName,
    ...(line.userId !== undefined ? { userId: line.userId } : {}),
    outcome: line.outcome,
    ...(line.role !== undefined ? { role: line.role } : {}),
    ...(line.error !== undefined ? { error: line.error } : {})
  }) + "\n"

/**
 * Reads a report. The last line of an employee wins; lines that do not parse (a line cut short
 * by a crash) are counted and skipped.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parse = (text: string): { readonly lines: ReadonlyMap<string, Line>; readonly skipped: number } => {
  const lines = new Map<string, Line>()
  let skipped = 0
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue
    try {
      const o = JSON.parse(raw) as Record<string, unknown>
      if (
        typeof o.employeeId === "string" && typeof o.userName === "string" && typeof o.outcome === "string" &&
        outcomes.has(o.outcome)
      ) {
        lines.set(o.employeeId, {
          employeeId: o.employeeId,
          userName: o.userName,
          outcome: o.outcome as Outcome,
          ...(typeof o.userId === "string" ? { userId: o.userId } : {}),
          ...(typeof o.role === "string" ? { role: o.role } : {}),
          ...(typeof o.error === "object" && o.error !== null ?
            {
              error: {
                tag: String((o.error as Record<string, unknown>).tag),
                message: String((o.error as Record<string, unknown>).message)
              }
            } :
            {})
        })
      } else {
        skipped++
      }
    } catch {
      skipped++
    }
  }
  return { lines, skipped }
}

/**
 * The employee ids a re-run can skip.
 *
 * @since 0.1.0
 * @category decoding
 */
export const doneIds = (report: { readonly lines: ReadonlyMap<string, Line> }): ReadonlySet<string> =>
  new Set([...report.lines.values()].filter(isDone).map((l) => l.employeeId))

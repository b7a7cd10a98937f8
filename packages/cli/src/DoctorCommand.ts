/**
 * `asgardeo-scim doctor`: a read-only check of an organization or a SCIM server (see `Doctor`).
 * The handler loads on first use.
 *
 * @since 0.3.0
 */
import * as Command from "@effect/cli/Command"
import * as Flags from "./Flags.js"

/**
 * @since 0.3.0
 * @category commands
 */
export const command = Command.make(
  "doctor",
  { ...Flags.connection, json: Flags.json },
  (args) => Flags.lazy(() => import("./internal/doctor.js"), (m) => m.doctor(args))
).pipe(
  Command.withDescription(
    "Check an organization or server, read-only: token and scopes per command, discovery, quirks, budgets, " +
      "rate-limit headers; a verdict (exit code 0 ok, 1 degraded, 3 or 4 failing)"
  )
)

/**
 * `asgardeo-scim hr setup|onboard|change-role|offboard`. The handlers load on first use.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"

const impl = () => import("./internal/hr.js")

const columns = "employeeId,email,firstName,lastName,department,role"

const userRef = Args.text({ name: "user" }).pipe(Args.withDescription("A user id (UUID) or userName"))

const setup = Command.make(
  "setup",
  { ...Flags.connection, json: Flags.json },
  (args) => Flags.lazy(impl, (m) => m.setup(args))
).pipe(Command.withDescription("Create the role groups (HR-Admins, HR-Managers, Employees) when missing"))

const onboard = Command.make(
  "onboard",
  {
    ...Flags.connection,
    json: Flags.json,
    file: Args.file({ name: "employees.csv" }).pipe(Args.withDescription(`A CSV with the header ${columns}`)),
    concurrency: Options.integer("concurrency").pipe(
      Options.withDescription("Employees processed at once"),
      Options.withDefault(8)
    ),
    dryRun: Options.boolean("dry-run").pipe(
      Options.withDescription("Check the file and show what would be done; send nothing")
    ),
    report: Options.text("report").pipe(
      Options.withDescription("Append one JSON line per finished employee; a re-run skips what it marks done"),
      Options.optional
    ),
    bulk: Options.choice("bulk", ["auto", "on", "off"]).pipe(
      Options.withDescription("Use SCIM Bulk requests (auto: when the server supports them)"),
      Options.withDefault("auto" as const)
    )
  },
  (args) => Flags.lazy(impl, (m) => m.onboard(args))
).pipe(Command.withDescription("Onboard employees from a CSV: invitation, enterprise attributes, role group"))

const changeRole = Command.make(
  "change-role",
  {
    ...Flags.connection,
    json: Flags.json,
    user: userRef,
    role: Args.text({ name: "role" }).pipe(Args.withDescription("admin, hr_manager or employee"))
  },
  (args) => Flags.lazy(impl, (m) => m.changeRole(args))
).pipe(Command.withDescription("Move a user to another role (joins the new group before leaving the old)"))

const offboard = Command.make(
  "offboard",
  {
    ...Flags.connection,
    json: Flags.json,
    user: userRef,
    delete: Options.boolean("delete").pipe(Options.withDescription("Also delete the user"))
  },
  (args) => Flags.lazy(impl, (m) => m.offboard(args))
).pipe(Command.withDescription("Deactivate a user and remove them from every role group"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("hr").pipe(
  Command.withDescription("HR flows: role groups, onboarding from CSV, role changes, offboarding"),
  Command.withSubcommands([setup, onboard, changeRole, offboard])
)

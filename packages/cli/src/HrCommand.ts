/**
 * `asgardeo-scim hr setup|onboard|change-role|offboard|batch status`. The handlers load on first
 * use (the durable ones, `hr onboard --durable` and `hr batch status`, with
 * `@asgardeo-scim/workflow`, only on their path).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/hr.js"))
const makeDurable = Subcommand.lazy(() => import("./internal/durable.js"))

const columns = "employeeId,email,firstName,lastName,department,role"

const roleMapping = Options.text("role-mapping").pipe(
  Options.withDescription(
    "Roles mode: a JSON file mapping each HR role to one of Asgardeo's roles, assigned to the user " +
      "instead of a role group, e.g. {\"employee\": \"Employee\", \"admin\": {\"displayName\": \"HR Admin\", " +
      "\"audience\": {\"type\": \"organization\"}}}"
  ),
  Options.optional
)

/**
 * The durable state file of `hr onboard --durable` and `hr batch status`: its default.
 *
 * @since 0.5.0
 * @category constants
 */
export const defaultState = "asgardeo-scim.db"

const state = (description: string) =>
  Options.text("state").pipe(Options.withDescription(`${description} (default: ./${defaultState})`), Options.optional)

const userRef = Args.text({ name: "user" }).pipe(Args.withDescription("A user id (UUID) or userName"))

const setup = make(
  "setup",
  "Create the role groups (HR-Admins, HR-Managers, Employees) when missing (with --role-mapping: the mapped roles)",
  Subcommand.connected({ roleMapping }),
  (m, args) => m.setup(args)
)

const onboard = make(
  "onboard",
  "Onboard employees from a CSV: invitation, enterprise attributes, role group (or Asgardeo role, with --role-mapping)",
  Subcommand.connected({
    file: Args.file({ name: "employees.csv" }).pipe(Args.withDescription(`A CSV with the header ${columns}`)),
    concurrency: Options.integer("concurrency").pipe(
      Options.withDescription("Employees processed at once"),
      Flags.withDefault(8)
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
      Flags.withDefault("auto")
    ),
    roleMapping,
    durable: Options.boolean("durable").pipe(
      Options.withDescription(
        "Durable batch: kept in a SQLite file (--state), so a run that is killed resumes where it stopped " +
          "when run again; `hr batch status` shows it. Not with --report or --bulk on"
      )
    ),
    state: state("With --durable: the SQLite file that keeps the batch, created when missing"),
    batchId: Options.text("batch-id").pipe(
      Options.withDescription(
        "With --durable: the batch's id (1 to 100 printable ASCII characters; default: b- and a hash of the " +
          "file, the target and the options)"
      ),
      Options.optional
    )
  }),
  (m, args) => m.onboard(args)
)

const role = Args.text({ name: "role" }).pipe(
  Args.withDescription("admin, hr_manager or employee (with --role-mapping: a role of the mapping)")
)

const changeRole = make(
  "change-role",
  "Move a user to another role (joins the new group before leaving the old)",
  Subcommand.connected({ user: userRef, role, roleMapping }),
  (m, args) => m.changeRole(args)
)

const alsoDelete = Options.boolean("delete").pipe(Options.withDescription("Also delete the user"))

const offboard = make(
  "offboard",
  "Deactivate a user and remove them from every role group (with --role-mapping: every mapped role)",
  Subcommand.connected({ user: userRef, delete: alsoDelete, roleMapping }),
  (m, args) => m.offboard(args)
)

const status = makeDurable(
  "status",
  "Show a durable batch (hr onboard --durable) from its state file: status, counts, failed and invalid employees " +
    "(no connection needed)",
  {
    batchId: Args.text({ name: "batch-id" }).pipe(Args.withDescription("The batch's id (b-...)")),
    state: state("The state file of hr onboard --durable"),
    json: Flags.json
  },
  (m, args) => m.status(args)
)

/**
 * `hr batch`: the durable batches of `hr onboard --durable`.
 *
 * @since 0.5.0
 * @category commands
 */
export const batch = Command.make("batch").pipe(
  Command.withDescription("Durable batches (hr onboard --durable): their status"),
  Command.withSubcommands([status])
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("hr").pipe(
  Command.withDescription("HR flows: role groups, onboarding from CSV, role changes, offboarding"),
  Command.withSubcommands([setup, onboard, changeRole, offboard, batch])
)

/**
 * `asgardeo-scim orgs list`: the B2B sub-organizations below the organization (core's
 * `Organizations`, the organizations API; `internal_organization_view`). The handler loads on
 * first use.
 *
 * @since 0.4.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/orgs.js"))

const list = make(
  "list",
  "List the sub-organizations (all pages): the direct children, or the whole tree with --recursive",
  Subcommand.connected({
    recursive: Options.boolean("recursive").pipe(
      Options.withDescription("The whole tree, not only the direct children")
    ),
    filter: Subcommand.filter(
      "The organizations API's filter, e.g. 'name sw ABC' or 'status eq ACTIVE' (id, name, parentId, status, " +
        "created, lastModified; eq co sw ew ge le gt lt; and)"
    )
  }),
  (m, args) => m.list(args)
)

/**
 * @since 0.4.0
 * @category commands
 */
export const command = Command.make("orgs").pipe(
  Command.withDescription("B2B sub-organizations: list them (act inside one with --sub-org)"),
  Command.withSubcommands([list])
)

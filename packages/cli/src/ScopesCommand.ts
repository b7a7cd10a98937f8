/**
 * `asgardeo-scim scopes`: what to authorize in the Asgardeo console for each command
 * (application > API Authorization: SCIM2 Users API, SCIM2 Groups API, SCIM2 Bulk API, SCIM2
 * Roles V2 API or SCIM2 Roles V3 API, Organization Management API).
 *
 * The `roles` commands have one row per Roles API (`rolesApi`: an application is authorized for
 * v2 or v3, never both); a v2 row lists the fine-grained scopes newer servers may also check
 * (`unconfirmed`, core's `Scopes.unconfirmedRolesV2`). Inside a sub-organization (`--sub-org`)
 * each scope is its `internal_org_*` form (`inSubOrganization`, core's `Scopes.inOrganization`).
 *
 * @since 0.1.0
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Flags from "./Flags.js"
import { Io } from "./Io.js"
import * as Render from "./Render.js"

/**
 * What a row of {@link operations} says besides the command and its operations: the Roles API it
 * is for, and the unconfirmed fine-grained scopes its writes may also need (v2).
 *
 * @since 0.4.0
 * @category models
 */
export interface RowOptions {
  readonly rolesApi?: "v2" | "v3" | undefined
  readonly unconfirmed?: ReadonlyArray<string> | undefined
}

const [usersUpdate, groupsUpdate, permissionsUpdate] = Scopes.unconfirmedRolesV2

/** Looking a role up (by name: a list; by id: a get), in v2 or v3. */
const findRole = { v2: ["Roles.list", "Roles.get"], v3: ["RolesV3.list", "RolesV3.get"] } as const

/** Looking the users and groups of `roles assign` / `unassign` up, by name or id. */
const findMembers = ["Users.list", "Users.get", "Groups.list", "Groups.get"] as const

/**
 * The SCIM operations each command sends (a `roles` command once per Roles API).
 *
 * @since 0.1.0
 * @category constants
 */
export const operations: ReadonlyArray<
  readonly [string, ReadonlyArray<Scopes.Operation>] | readonly [string, ReadonlyArray<Scopes.Operation>, RowOptions]
> = [
  ["users list", ["Users.list"]],
  ["users get", ["Users.get", "Users.list"]],
  ["users create", ["Users.create"]],
  ["users deactivate", ["Users.list", "Users.patch"]],
  ["users reactivate", ["Users.get", "Users.list", "Users.patch"]],
  ["users patch", ["Users.get", "Users.list", "Users.patch"]],
  ["users delete", ["Users.list", "Users.delete"]],
  ["groups list", ["Groups.list"]],
  ["groups get", ["Groups.get"]],
  ["groups create", ["Groups.create"]],
  ["groups add-member", ["Groups.get", "Users.get", "Users.list", "Groups.patch"]],
  ["groups remove-member", ["Groups.get", "Users.list", "Groups.patch"]],
  ["groups rename", ["Groups.get", "Groups.list", "Groups.patch"]],
  ["groups delete", ["Groups.get", "Groups.list", "Groups.delete"]],
  ["roles list", ["Roles.list"], { rolesApi: "v2" }],
  ["roles list", ["RolesV3.list"], { rolesApi: "v3" }],
  ["roles create", ["Roles.create"], { rolesApi: "v2", unconfirmed: [permissionsUpdate] }],
  ["roles create", ["RolesV3.create"], { rolesApi: "v3" }],
  ["roles assign", [...findRole.v2, ...findMembers, "Roles.patch"], {
    rolesApi: "v2",
    unconfirmed: [usersUpdate, groupsUpdate]
  }],
  ["roles assign", [...findRole.v3, ...findMembers, "RolesV3.updateUsers", "RolesV3.updateGroups"], {
    rolesApi: "v3"
  }],
  ["roles unassign", [...findRole.v2, ...findMembers, "Roles.patch"], {
    rolesApi: "v2",
    unconfirmed: [usersUpdate, groupsUpdate]
  }],
  ["roles unassign", [...findRole.v3, ...findMembers, "RolesV3.updateUsers", "RolesV3.updateGroups"], {
    rolesApi: "v3"
  }],
  ["roles permissions", [...findRole.v2, "Roles.patch"], { rolesApi: "v2", unconfirmed: [permissionsUpdate] }],
  ["roles permissions", [...findRole.v3, "RolesV3.patch"], { rolesApi: "v3" }],
  ["orgs list", ["Organizations.list"]],
  ["hr setup", ["Groups.list", "Groups.create"]],
  ["hr onboard", [
    "Users.create",
    "Users.list",
    "Users.get",
    "Users.patch",
    "Groups.list",
    "Groups.create",
    "Groups.patch",
    "Bulk.createUser",
    "Bulk.updateGroup"
  ]],
  ["hr change-role", ["Users.get", "Users.list", "Groups.list", "Groups.create", "Groups.patch"]],
  ["hr offboard", ["Users.get", "Users.list", "Users.patch", "Groups.list", "Groups.patch", "Users.delete"]],
  ["get /Users", ["Users.get"]],
  ["get /Groups", ["Groups.get"]],
  ["search /Users", ["Users.search"]],
  ["search /Groups", ["Groups.search"]],
  ["create /Users", ["Users.create"]],
  ["create /Groups", ["Groups.create"]],
  ["replace /Users", ["Users.replace"]],
  ["replace /Groups", ["Groups.replace"]],
  ["patch /Users", ["Users.patch"]],
  ["patch /Groups", ["Groups.patch"]],
  ["delete /Users", ["Users.delete"]],
  ["delete /Groups", ["Groups.delete"]]
]

/**
 * A row of {@link table}.
 *
 * @since 0.4.0
 * @category models
 */
export interface Row {
  readonly command: string
  readonly scopes: ReadonlyArray<string>
  readonly apiResources: ReadonlyArray<string>
  /** The same scopes inside a sub-organization (`--sub-org`): their `internal_org_*` form. */
  readonly inSubOrganization: ReadonlyArray<string>
  /** The Roles API of a `roles` row: the application is authorized for one of the two. */
  readonly rolesApi?: "v2" | "v3" | undefined
  /** Fine-grained v2 scopes newer servers may also check (unconfirmed: not counted as needed). */
  readonly unconfirmed?: ReadonlyArray<string> | undefined
}

/**
 * The scopes per command, deduplicated, with their API resources.
 *
 * @since 0.1.0
 * @category getters
 */
export const table: ReadonlyArray<Row> = operations.map(([command, ops, options]) => {
  const scopes = Scopes.forOperations(ops)
  return {
    command,
    scopes,
    apiResources: Array.from(new Set(scopes.map(Scopes.apiResource))),
    inSubOrganization: scopes.map(Scopes.inOrganization),
    ...(options?.rolesApi !== undefined ? { rolesApi: options.rolesApi } : {}),
    ...(options?.unconfirmed !== undefined ? { unconfirmed: options.unconfirmed } : {})
  }
})

/**
 * The rows a program authorized for one Roles API needs: the other API's `roles` rows left out.
 *
 * @since 0.4.0
 * @category getters
 */
export const forRolesApi = (rolesApi: "v2" | "v3"): ReadonlyArray<Row> =>
  table.filter((row) => row.rolesApi === undefined || row.rolesApi === rolesApi)

/**
 * What the notes under the tables say (also in `--json`).
 *
 * @since 0.4.0
 * @category constants
 */
export const notes = {
  rolesApi: "An application is authorized for the SCIM2 Roles V2 API or the SCIM2 Roles V3 API, never both: " +
    "authorize the roles rows of one (ASGARDEO_ROLES_API=v3 picks v3; default: told from the granted scopes).",
  unconfirmed: "Unconfirmed: newer servers may also check these fine-grained scopes on Roles v2 writes that touch " +
    "users, groups or permissions; the client does not check them (a server that wants one answers 403).",
  subOrganization: "Inside a sub-organization (--sub-org) each scope is its internal_org_* form " +
    "(internal_user_mgt_list: internal_org_user_mgt_list), authorized on the organization API of the same name; " +
    "the application must be shared with the sub-organization and have the Organization Switch grant."
} as const

const label = (row: Row) => row.rolesApi === undefined ? row.command : `${row.command} (Roles ${row.rolesApi})`

const unconfirmedNote = "(unconfirmed)"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("scopes", { json: Flags.json }, (args) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (args.json) {
      return yield* io.out(
        Render.json({ commands: table, all: Scopes.all, unconfirmed: Scopes.unconfirmedRolesV2, notes })
      )
    }
    const unconfirmed: ReadonlyArray<string> = Scopes.unconfirmedRolesV2
    // One line per scope; the command is named on its first line.
    yield* io.out(Render.table(
      ["COMMAND", "SCOPE", "API RESOURCE"],
      table.flatMap((t) =>
        [...t.scopes, ...(t.unconfirmed ?? []).map((s) => `${s} ${unconfirmedNote}`)].map((scope, i) => [
          i === 0 ? label(t) : "",
          scope,
          Scopes.apiResource(scope.split(" ")[0]!)
        ])
      ),
      io.color
    ))
    yield* io.out("")
    yield* io.out(Render.styled("Everything (what the client requests by default):", "bold", io.color))
    yield* io.out(Render.table(
      ["SCOPE", "API RESOURCE"],
      Scopes.all.map((s) => [unconfirmed.includes(s) ? `${s} ${unconfirmedNote}` : s, Scopes.apiResource(s)]),
      io.color
    ))
    yield* io.out("")
    yield* io.out(
      "Asgardeo console: your application > API Authorization > authorize each API resource with these scopes."
    )
    yield* io.out(notes.rolesApi)
    yield* io.out(`${unconfirmedNote} ${notes.unconfirmed}`)
    yield* io.out(notes.subOrganization)
  })).pipe(Command.withDescription("The scopes to enable in the Asgardeo console, per command"))

/**
 * The requests of the `Roles` service per Roles API version: the generic resource service over
 * `/v2/Roles` or `/v3/Roles` with the scopes of that version, the checks of list options, the
 * assignment and permission writes (v3 assigns users and groups on `/v3/Roles/{id}/Users` and
 * `/Groups`), and the lookup by name within an audience.
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as FilterProfile from "@asgardeo-scim/core/FilterProfile"
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Resources from "../Resources.js"
import * as Role from "../Role.js"
import * as internal from "./common.js"
import type * as Shared from "./resources.js"
import type { Version } from "./roleInput.js"
import * as Input from "./roleInput.js"

/** The generic service over one version's endpoint. @internal */
export type Built = Shared.Built<Role.Role, Role.Projection>

const scopesOf: { readonly [V in Version]: NonNullable<Resources.Definition<never, never, never, never>["scopes"]> } = {
  v2: {
    create: "Roles.create",
    get: "Roles.get",
    list: "Roles.list",
    search: "Roles.search",
    replace: "Roles.replace",
    patch: "Roles.patch",
    delete: "Roles.delete"
  },
  v3: {
    create: "RolesV3.create",
    get: "RolesV3.get",
    list: "RolesV3.list",
    search: "RolesV3.search",
    replace: "RolesV3.replace",
    patch: "RolesV3.patch",
    delete: "RolesV3.delete"
  }
}

/** The endpoint of a version (relative to the SCIM base URL). @internal */
export const pathOf = (version: Version): string => `/${version}/Roles`

/** The generic service over `/vN/Roles`, its operations named `Roles.*`. @internal */
export const build = (client: ScimClient.Service, version: Version): Effect.Effect<Built> =>
  Resources.build(client, {
    name: "Roles",
    path: pathOf(version),
    schema: Role.Role,
    projection: Role.Projection,
    schemaUrn: Role.RoleUrn,
    filters: () => FilterProfile.profiles.asgardeoRoles,
    scopes: scopesOf[version]
  })

const noDomain = (operation: string, options: unknown) =>
  internal.isRecord(options) && options.domain !== undefined
    ? internal.invalid(operation, "domain", "roles are in no user store: leave domain out")
    : undefined

/**
 * The checks of `list` and `search` options, before any request (the version is not known yet):
 * no `domain`, and everything `Resources` checks (the filter against the roles profile, sorting
 * refused with `Unsupported`, ...).
 *
 * @internal
 */
export const checkList = (client: ScimClient.Service, operation: string, options: unknown) =>
  Effect.suspend(() => {
    const refused = noDomain(operation, options)
    return refused !== undefined ? Effect.fail(refused) : Effect.asVoid(
      internal.prepareList(
        operation,
        client,
        FilterProfile.profiles.asgardeoRoles,
        options as internal.ListOptions | undefined
      )
    )
  })

const streamKeys = ["filter", "sortBy", "sortOrder", "paging"]

/** The checks of `stream` options, before any request. @internal */
export const checkStream = (client: ScimClient.Service, options: unknown) =>
  Effect.suspend(() => {
    const operation = "Roles.stream"
    if (options === undefined) return Effect.void
    if (!internal.isRecord(options)) return internal.fail(operation, "", "the options must be an object")
    const refused = noDomain(operation, options)
    if (refused !== undefined) return Effect.fail(refused)
    const unknown = Object.keys(options).find((k) => !streamKeys.includes(k))
    if (unknown !== undefined) {
      return internal.fail(operation, unknown, "unknown option (a stream takes filter and paging)")
    }
    const { paging, ...rest } = options
    if (paging !== undefined && paging !== "auto" && paging !== "index" && paging !== "cursor") {
      return internal.fail(operation, "paging", "expected \"auto\", \"index\" or \"cursor\"")
    }
    return Effect.asVoid(internal.prepareList(operation, client, FilterProfile.profiles.asgardeoRoles, rest))
  })

/** The role a write answered, or read again when the answer has no body. @internal */
export const afterWrite = (
  client: ScimClient.Service,
  built: Built,
  version: Version,
  method: string,
  id: string,
  res: ScimClient.Response
) =>
  res.body === undefined
    ? built.getFull(id)
    : internal.decodeResource(method, internal.pathById(client, pathOf(version), id), res, Role.Role)

/**
 * Adds or removes users, groups or permissions of a role: on v2, and for permissions on v3, a
 * PATCH of the role; on v3 users and groups a PATCH of `/v3/Roles/{id}/Users` or `/Groups` with
 * their own scopes. Idempotent (retried after a 5xx or a lost answer). On a 400 or 409 (and a 404
 * for a removal) the role is read: the call succeeds when every value is as wanted, and fails
 * with the server's answer otherwise.
 *
 * @internal
 */
export const sendChange = (options: {
  readonly client: ScimClient.Service
  readonly built: Built
  readonly version: Version
  readonly operation: string
  readonly id: string
  readonly encoded: string
  readonly attribute: "users" | "groups" | "permissions"
  readonly op: "add" | "remove"
  readonly values: ReadonlyArray<string>
}): Effect.Effect<void, Resources.WriteError> => {
  const { attribute, built, client, encoded, id, op, operation, values, version } = options
  const operations = Input.memberOperations(attribute, op, values)
  const send: Effect.Effect<unknown, Resources.WriteError> = version === "v3" && attribute !== "permissions"
    ? Either.match(Patch.request(operations, { operation }), {
      onLeft: Effect.fail,
      onRight: (body) =>
        client.execute({
          operation,
          scope: Scopes.byOperation[attribute === "users" ? "RolesV3.updateUsers" : "RolesV3.updateGroups"],
          method: "PATCH",
          path: `${pathOf("v3")}/${encoded}/${attribute === "users" ? "Users" : "Groups"}`,
          body,
          idempotent: true
        })
    })
    : built.patchRaw(operation, id, operations, { idempotent: true })
  const settled = (role: Role.Role) => values.every((v) => Role.has(role, attribute, v) === (op === "add"))
  const confirm = <E>(error: E) =>
    Effect.flatMap(
      Effect.either(built.getFull(id)),
      (read) => Either.isRight(read) && settled(read.right) ? Effect.void : Effect.fail(error)
    )
  return send.pipe(
    Effect.asVoid,
    Effect.catchIf(
      (e): e is ScimError.BadRequest | ScimError.Conflict | ScimError.NotFound =>
        e._tag === "BadRequest" || e._tag === "Conflict" || (op === "remove" && e._tag === "NotFound"),
      confirm
    )
  )
}

/** An audience to look in: its type, its value, or both. @internal */
export interface Audience {
  readonly type: Role.AudienceType | undefined
  readonly value: string | undefined
}

const audienceFilters = (audience: Audience | undefined): ReadonlyArray<Filter.Filter> => [
  ...(audience?.value === undefined ? [] : [Filter.eq("audience.value", audience.value)]),
  ...(audience?.type === undefined ? [] : [Filter.eq("audience.type", audience.type)])
]

const inAudience = (role: Role.Role, audience: Audience | undefined): boolean =>
  (audience?.type === undefined || role.audience?.type === audience.type) &&
  (audience?.value === undefined || role.audience?.value.toLowerCase() === audience.value.toLowerCase())

/**
 * The one role a name names in an audience (`Resolve.find`'s rule: names ignoring case, paging
 * while pages are full, two matches are `AmbiguousRole`). The audience is sent in the filter and
 * checked on every role answered.
 *
 * @internal
 */
export const find = (built: Built, operation: string, name: string, audience: Audience | undefined) => {
  const refine = audienceFilters(audience)
  return built.findOne({
    wanted: { asked: name, name, primary: undefined, store: undefined, domain: undefined },
    attribute: "displayName",
    nameOf: (role) => inAudience(role, audience) ? role.displayName : undefined,
    ambiguous: (candidates) =>
      new ScimError.AmbiguousRole({
        operation,
        displayName: name,
        candidates: candidates.map((c) => ({
          id: c.id,
          displayName: c.displayName,
          ...(c.audience === undefined ? {} : { audienceType: c.audience.type, audienceValue: c.audience.value })
        }))
      }),
    refine
  })
}

/**
 * The `Roles` service: Asgardeo's roles (the SCIM Roles API, v2 and v3), with create, get, list,
 * search, stream, replace, patch, delete, user and group assignment, permissions, findByName,
 * ensure and the roles of a user.
 *
 * An application is authorized for one Roles API, v2 (`/v2/Roles`) or v3 (`/v3/Roles`, where
 * users and groups are assigned on `/v3/Roles/{id}/Users` and `/Groups`). The version is the
 * configuration's `rolesApi` (`ASGARDEO_ROLES_API`); when it is not set it is told once per layer
 * from the token's granted scopes (v3's `internal_role_mgt_meta_create` / `_meta_update` without
 * v2's `internal_role_mgt_create` / `_update` mean v3, anything else v2): `version` says which.
 *
 * Every operation checks its input before any request, the token request that tells the version
 * included (`InvalidInput`, also for a body over 1 MiB and for input that throws when read;
 * `InvalidId` for an id that is not a string or not an id; `InvalidFilter`, `UnsupportedFilter`),
 * then the scope of the version's operation
 * (`Scopes.byOperation`: `Roles.*` for v2, `RolesV3.*` for v3) where the target checks scopes.
 * Filters may name only `displayName`, `audience.value` and `audience.type`, with `eq ne co sw ew`
 * and `and` (`FilterProfile.profiles.asgardeoRoles`); sorting fails with `Unsupported`. On a
 * target without Asgardeo's Roles API (`Target.roles`), every operation fails with `Unsupported`
 * before sending. Strict mode (`Directory.layerStrict`) does not check role writes.
 *
 * What a role answer holds depends on the request (see the `Role` module): use `get` for the
 * whole role.
 *
 * @since 0.4.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Patch from "@asgardeo-scim/core/Patch"
import * as Retry from "@asgardeo-scim/core/Retry"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Input from "./internal/roleInput.js"
import * as Wire from "./internal/roleWire.js"
import type * as Resources from "./Resources.js"
import * as Role from "./Role.js"

/**
 * A Roles API version: `"v2"` or `"v3"`.
 *
 * @since 0.4.0
 * @category models
 */
export type Version = ScimConfig.RolesApi

/**
 * A new role: its name (no `/`), its audience (default: the organization of the token), and
 * its permissions (API scope names such as `internal_login`).
 *
 * @since 0.4.0
 * @category models
 */
export interface NewRole {
  readonly displayName: string
  readonly audience?: { readonly type: Role.AudienceType; readonly value: string } | undefined
  readonly permissions?: ReadonlyArray<string> | undefined
}

/**
 * What `replace` writes: the role's name and its whole permission set.
 *
 * @since 0.4.0
 * @category models
 */
export interface Replacement {
  readonly displayName: string
  readonly permissions: ReadonlyArray<string>
}

/**
 * Options of `findByName`: the audience the role must be in (its type, its value, or both).
 *
 * @since 0.4.0
 * @category models
 */
export interface FindOptions {
  readonly audience?: { readonly type?: Role.AudienceType | undefined; readonly value?: string | undefined } | undefined
}

/**
 * Errors of writes: `Resources.WriteError` (`Unsupported` on a target without roles, or for a
 * PATCH the server refuses).
 *
 * @since 0.4.0
 * @category errors
 */
export type WriteError = Resources.WriteError

/**
 * Errors of reads by id: the client's, and `Unsupported` on a target without roles.
 *
 * @since 0.4.0
 * @category errors
 */
export type ReadError = ScimClient.Error | ScimError.Unsupported

/**
 * Errors of list, search and stream: `Resources.ListError`.
 *
 * @since 0.4.0
 * @category errors
 */
export type ListError = Resources.ListError

/**
 * Errors of a lookup by name: those of a list, a name that matches more than one role
 * (`AmbiguousRole`), or a server that keeps answering full pages (`PagingAborted`).
 *
 * @since 0.4.0
 * @category errors
 */
export type FindError = ListError | ScimError.AmbiguousRole | ScimError.PagingAborted

/**
 * Errors of `ensure`: a lookup's, and a create's.
 *
 * @since 0.4.0
 * @category errors
 */
export type EnsureError = FindError | WriteError

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /**
   * The Roles API in use: the configured `rolesApi`, or the one the token's granted scopes tell
   * (read once per layer; a failure to get a token is not kept).
   */
  readonly version: Effect.Effect<Version, ScimError.TokenFailure | ScimError.Unsupported>
  /**
   * POST /vN/Roles. Never retried; a name taken in that audience fails with `Conflict`. The
   * answer holds `id`, `displayName`, `audience` and `meta` only.
   */
  readonly create: (input: NewRole) => Effect.Effect<Role.Role, WriteError>
  /** GET /vN/Roles/{id}: the whole role. */
  readonly get: (id: string) => Effect.Effect<Role.Role, ReadError>
  /** GET /vN/Roles (POST /vN/Roles/.search where the filter's values hold `+` or `%`). */
  readonly list: Resources.Service<Role.Role, Role.Projection>["list"]
  /** POST /vN/Roles/.search. */
  readonly search: Resources.Service<Role.Role, Role.Projection>["search"]
  /** Every role, all pages, once each. */
  readonly stream: (
    options?: Pick<Resources.StreamOptions, "filter" | "paging">
  ) => Stream.Stream<Role.Role, ListError | ScimError.PagingAborted>
  /**
   * Sets the role's name and its whole permission set, never its users or groups. v3: PUT
   * /v3/Roles/{id}, which writes only those. v2: a PUT would replace the users and groups too
   * (a list left out is emptied), so v2 sends PATCH /v2/Roles/{id} with a `replace` of
   * `displayName` and of `permissions` instead: assignments made meanwhile are kept (no read
   * first, nothing to race). Returns the role as answered.
   */
  readonly replace: (id: string, input: Replacement) => Effect.Effect<Role.Role, WriteError>
  /**
   * PATCH /vN/Roles/{id} with raw operations on `displayName`, `users`, `groups` (v2 only: v3
   * assigns on its own endpoints) and `permissions`; removals by `<attribute>[value eq X]`. A
   * users replace with a permission add or remove in one PATCH fails with `Unsupported` (Asgardeo
   * answers 501). Returns the role as answered (v2 leaves `users` out).
   */
  readonly patch: (
    id: string,
    operations: ReadonlyArray<Patch.PatchOperation | Resources.RawOperation>
  ) => Effect.Effect<Role.Role, WriteError>
  /** DELETE /vN/Roles/{id}. */
  readonly delete: (id: string) => Effect.Effect<void, WriteError>
  /**
   * Assigns users by id. v2: PATCH /v2/Roles/{id} `add` `users`; v3: PATCH
   * /v3/Roles/{id}/Users (`internal_role_mgt_users_update`). Users already assigned are no
   * error: on a 400 or 409 the role is read and the call succeeds when all are there.
   */
  readonly assignUsers: (id: string, userIds: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Unassigns users by id (`remove` `users[value eq X]`); absent users are no error (as above). */
  readonly unassignUsers: (id: string, userIds: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Assigns groups by id (v3: PATCH /v3/Roles/{id}/Groups, `internal_role_mgt_groups_update`). */
  readonly assignGroups: (id: string, groupIds: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Unassigns groups by id. */
  readonly unassignGroups: (id: string, groupIds: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Adds permissions (PATCH `add` `permissions`): the others are kept. */
  readonly addPermissions: (id: string, permissions: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Removes permissions (PATCH `remove` `permissions[value eq X]`, never with a users replace). */
  readonly removePermissions: (id: string, permissions: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /** Sets the whole permission set (PATCH `replace` `permissions`; `[]` removes them all). */
  readonly setPermissions: (id: string, permissions: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /**
   * Finds the one role a name names (ignoring case), in the audience given; more than one match
   * (the same name in two audiences, with no audience given) fails with `AmbiguousRole`.
   */
  readonly findByName: (name: string, options?: FindOptions) => Effect.Effect<Option.Option<Role.Role>, FindError>
  /**
   * Finds the role by name in its audience (the organization's roles when no audience is given)
   * or creates it: `created` tells which. An existing role is returned as found (its permissions
   * are not changed). A create answered 409, 5xx or not at all looks again: the call succeeds with
   * the role found (`created: false`), and fails with that error when there is none.
   */
  readonly ensure: (
    input: NewRole
  ) => Effect.Effect<{ readonly role: Role.Role; readonly created: boolean }, EnsureError>
  /**
   * The roles a user has, from the user resource's `roles` (GET /Users/{id}?attributes=roles,
   * `internal_user_mgt_view`). A reference without a role id is left out.
   */
  readonly ofUser: (userId: string) => Effect.Effect<ReadonlyArray<Role.Assigned>, ReadError>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class Roles extends Context.Tag("@asgardeo-scim/directory/Roles")<Roles, Service>() {}

const UserRoles = Schema.Struct(
  { roles: Schema.optional(Schema.Array(Schema.Unknown)) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
const decodeReference = Schema.decodeUnknownOption(Role.UserRoleReference)

/**
 * Builds the service.
 *
 * @since 0.4.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  ScimClient.ScimClient | ScimConfig.ScimConfig | AccessToken.AccessToken
> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  const config = yield* ScimConfig.ScimConfig
  const tokens = yield* AccessToken.AccessToken
  const { target } = client
  const available = target.roles === "asgardeo"
  const built = { v2: yield* Wire.build(client, "v2"), v3: yield* Wire.build(client, "v3") }
  const known = yield* Ref.make(Option.fromNullable(config.rolesApi))

  const inferred = Effect.flatMap(tokens.get(), (token) => {
    const v = Input.inferVersion(token.scopes)
    return Effect.as(Ref.set(known, Option.some(v)), v)
  })
  const version: Service["version"] = Effect.suspend((): Service["version"] =>
    available
      ? Effect.flatMap(Ref.get(known), Option.match({ onSome: Effect.succeed, onNone: () => inferred }))
      : Effect.fail(Input.unsupported(target, "Roles.version"))
  ).pipe(Effect.withSpan("Roles.version"))

  /** What an operation does once its input is checked: with the version, when it needs one. */
  type On = <A, E>(f: (v: Version, b: Wire.Built) => Effect.Effect<A, E>) => Effect.Effect<
    A,
    E | ScimError.TokenFailure | ScimError.Unsupported
  >
  const on: On = (f) =>
    Effect.flatMap(version, (v) => Effect.zipRight(Effect.annotateCurrentSpan("scim.roles.version", v), f(v, built[v])))

  /**
   * Refused on a target without roles, then the input checked, then `f`; one span. The check runs
   * inside the effect: input that throws when read (a getter, a proxy) is `InvalidInput`, neither
   * a throw at the call nor a defect.
   */
  const run = <C, E1, A, E2>(
    name: string,
    check: () => Effect.Effect<C, E1>,
    f: (checked: C, on: On) => Effect.Effect<A, E2>
  ): Effect.Effect<A, E1 | E2 | ScimError.Unsupported | ScimError.InvalidInput> =>
    Effect.suspend((): Effect.Effect<A, E1 | E2 | ScimError.Unsupported | ScimError.InvalidInput> =>
      available
        ? Effect.flatMap(Input.guarded(`Roles.${name}`, check), (checked) => f(checked, on))
        : Effect.fail(Input.unsupported(target, `Roles.${name}`))
    ).pipe(Effect.withSpan(`Roles.${name}`))

  // A non-string is refused as it is (never through `String(id)`: `[id]` would pass the check and
  // then fail only after the token request of the version).
  const checkedId = (id: unknown) => ScimClient.encodeId(target, id)

  const create = (input: NewRole) =>
    run("create", () => Input.checkNewRole(client, "Roles.create", input), (r, on) => on((_, b) => b.create(r.body)))

  const get = (id: string) => run("get", () => checkedId(id), (_, on) => on((_v, b) => b.getFull(id)))

  const listing = (name: "list" | "search") => (options?: unknown) =>
    run(
      name,
      () => Wire.checkList(client, `Roles.${name}`, options),
      (_, on) => on((_v, b) => b.runList(`Roles.${name}`, options))
    )

  const stream: Service["stream"] = (options) =>
    Stream.unwrap(
      run(
        "stream",
        () => Wire.checkStream(client, options),
        (_, on) => on((_v, b) => Effect.succeed(b.stream(options)))
      )
    )

  const replace = (id: string, input: Replacement) =>
    run(
      "replace",
      () => Either.flatMap(checkedId(id), () => Input.checkReplacement("Roles.replace", input)),
      (r, on) =>
        on((v, b) =>
          v === "v3"
            ? b.replace(id, { displayName: r.displayName, permissions: r.permissions.map((value) => ({ value })) })
            : Effect.flatMap(
              b.patchRaw("Roles.replace", id, Input.replaceOperations(r.displayName, r.permissions)),
              (res) => Wire.afterWrite(client, b, v, "PATCH", id, res)
            )
        )
    )

  const patch = (id: string, operations: ReadonlyArray<Patch.PatchOperation | Resources.RawOperation>) =>
    run(
      "patch",
      () =>
        Either.flatMap(checkedId(id), () =>
          Either.flatMap(
            Patch.decodeOperations(operations, { operation: "Roles.patch" }),
            (ops) =>
              Either.flatMap(
                Patch.request(ops, { operation: "Roles.patch" }),
                (req) => Input.patchWithinCap("Roles.patch", req.Operations)
              )
          )),
      (ops, on) =>
        on((v, b) => {
          const refused = Input.checkPatch("Roles.patch", ops, v)
          return refused === undefined ? b.patch(id, ops) : Effect.fail(refused)
        })
    )

  const del = (id: string) => run("delete", () => checkedId(id), (_, on) => on((_v, b) => b.delete(id)))

  /** Adds or removes users, groups or permissions; nothing to do sends nothing. */
  const change = (
    name: string,
    attribute: "users" | "groups" | "permissions",
    op: "add" | "remove"
  ) =>
  (id: string, values: ReadonlyArray<string>) => {
    const operation = `Roles.${name}`
    const field = attribute === "users" ? "userIds" : attribute === "groups" ? "groupIds" : "permissions"
    return run(
      name,
      () =>
        Either.flatMap(checkedId(id), (encoded) =>
          Either.flatMap(
            attribute === "permissions"
              ? Input.checkPermissions(operation, field, values)
              : Input.checkIds(client, operation, field, values),
            (checked) =>
              Either.map(
                Input.patchWithinCap(operation, Input.memberOperations(attribute, op, checked)),
                () => ({ encoded, checked })
              )
          )),
      ({ checked, encoded }, on) =>
        checked.length === 0 ?
          Effect.void :
          on((v, b) =>
            Wire.sendChange({ client, built: b, version: v, operation, id, encoded, attribute, op, values: checked })
          )
    )
  }

  const setPermissionsOperations = (permissions: ReadonlyArray<string>) => [
    Patch.replace("permissions", permissions.map((value) => ({ value })))
  ]

  const setPermissions = (id: string, permissions: ReadonlyArray<string>) =>
    run(
      "setPermissions",
      () =>
        Either.flatMap(checkedId(id), () =>
          Either.flatMap(
            Input.checkPermissions("Roles.setPermissions", "permissions", permissions),
            (checked) =>
              Either.map(Input.patchWithinCap("Roles.setPermissions", setPermissionsOperations(checked)), () => checked)
          )),
      (checked, on) =>
        on((_v, b) =>
          Effect.asVoid(
            b.patchRaw("Roles.setPermissions", id, setPermissionsOperations(checked))
          )
        )
    )

  const findByName = (name: string, options?: FindOptions) =>
    run(
      "findByName",
      () =>
        Either.flatMap(
          Input.checkLookupName("Roles.findByName", "name", name),
          (checked) =>
            Either.map(
              Input.checkFindOptions(client, "Roles.findByName", options),
              (audience) => ({ checked, audience })
            )
        ),
      ({ audience, checked }, on) => on((_v, b) => Wire.find(b, "Roles.findByName", checked, audience))
    )

  const ensure = (input: NewRole) =>
    run("ensure", () => Input.checkNewRole(client, "Roles.ensure", input), (r, on) =>
      on((_v, b) => {
        // No audience: the organization's own roles (an application's role of that name is another).
        const find = Wire.find(
          b,
          "Roles.ensure",
          r.displayName,
          r.audience ?? { type: "organization", value: undefined }
        )
        const again = <E>(error: E) =>
          Effect.flatMap(
            find,
            (found) => Option.isSome(found) ? Effect.succeed({ role: found.value, created: false }) : Effect.fail(error)
          )
        return Effect.flatMap(find, (found) =>
          Option.isSome(found)
            ? Effect.succeed({ role: found.value, created: false })
            : b.create(r.body).pipe(
              Effect.map((role) => ({ role, created: true })),
              // 409: created meanwhile; a 5xx or a lost answer: ours may have been applied.
              Effect.catchTag("Conflict", again),
              Effect.catchIf(Retry.isUnknownOutcome, again)
            ))
      }))

  const ofUser = (userId: string) =>
    run("ofUser", () => checkedId(userId), () =>
      Effect.map(
        client.executeDecode({
          operation: "Roles.ofUser",
          scope: Scopes.byOperation["Users.get"],
          method: "GET",
          path: "/Users",
          id: userId,
          urlParams: { attributes: "roles" }
        }, UserRoles),
        (user) => (user.roles ?? []).flatMap((r) => Option.toArray(Option.map(decodeReference(r), Role.assignedOf)))
      ))

  return Roles.of({
    version,
    create,
    get,
    list: listing("list") as Service["list"],
    search: listing("search") as Service["search"],
    stream,
    replace,
    patch,
    delete: del,
    assignUsers: change("assignUsers", "users", "add"),
    unassignUsers: change("unassignUsers", "users", "remove"),
    assignGroups: change("assignGroups", "groups", "add"),
    unassignGroups: change("unassignGroups", "groups", "remove"),
    addPermissions: change("addPermissions", "permissions", "add"),
    removePermissions: change("removePermissions", "permissions", "remove"),
    setPermissions,
    findByName,
    ensure,
    ofUser
  })
})

/**
 * The `Roles` service, from a `ScimClient`, its `ScimConfig` and `AccessToken` (`Directory.layer`
 * provides them).
 *
 * @example
 * ```ts
 * import { Directory, Roles, Users } from "@asgardeo-scim/directory"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * // A role of the organization with one permission, and a user assigned to it.
 * export const program = Effect.gen(function*() {
 *   const roles = yield* Roles.Roles
 *   const users = yield* Users.Users
 *   const { role } = yield* roles.ensure({ displayName: "auditor", permissions: ["internal_user_mgt_view"] })
 *   const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
 *   yield* roles.assignUsers(role.id, [kim.id])
 *   return yield* roles.ofUser(kim.id)
 * })
 *
 * // With `Directory.layerConfig()` (ASGARDEO_ROLES_API=v3 for an application authorized for Roles v3).
 * export const main = () =>
 *   program.pipe(Effect.provide(Directory.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))), Effect.runPromise)
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layer: Layer.Layer<
  Roles,
  never,
  ScimClient.ScimClient | ScimConfig.ScimConfig | AccessToken.AccessToken
> = Layer.effect(Roles, make)

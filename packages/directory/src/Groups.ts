/**
 * The `Groups` service: create (with members), list, search, stream, get, findByName, replace,
 * patch, rename, addMembers, removeMembers, ensureMember and delete.
 *
 * Every member write sends `display` equal to the member's userName (WSO2 resolves the member by
 * it and checks the id): a member given as a bare id is looked up (GET /Users/{id}) first. Where
 * the target allows nested groups (`Target.members.nestedGroups`: RFC 7644 servers, not Asgardeo),
 * a member may be a group: typed (`{ value, type: "Group" }`), or a bare id no user has (then
 * GET /Groups/{id}); `display` is the group's displayName and members are written with `type`. Adding
 * a member who is already there, or removing one who is not, succeeds whatever the server answers:
 * on an error the group is read again and the call succeeds when the membership is as wanted.
 *
 * @since 0.1.0
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Group from "./Group.js"
import * as internal from "./internal/common.js"
import * as GroupNames from "./internal/groupNames.js"
import * as Members from "./internal/members.js"
import * as Resolve from "./internal/resolve.js"
import * as Resources from "./Resources.js"
import * as StrictSchemas from "./StrictSchemas.js"
import type { FindOptions, ListError, RawOperation, StreamOptions, WriteError } from "./Users.js"

/**
 * The input of `create`. `displayName` is the name without a user-store prefix: on Asgardeo a
 * `/` is refused (Asgardeo would read what precedes it as a user store); a group in a secondary
 * store is created with `domain` (`{ displayName: "Partners", domain: "PARTNERS" }` creates
 * `PARTNERS/Partners`). `domain` is Asgardeo-only; elsewhere `/` is an ordinary character.
 *
 * @since 0.1.0
 * @category models
 */
export interface NewGroup {
  readonly displayName: string
  readonly members?: ReadonlyArray<Group.MemberInput> | undefined
  readonly externalId?: string | undefined
  /**
   * The user store (Asgardeo only): letters, digits, `.`, `_`, `-`.
   *
   * @since 0.2.0
   */
  readonly domain?: string | undefined
}

/**
 * Errors of a lookup by name: those of a list, a name that matches more than one group
 * (`AmbiguousGroup`), or a server that keeps answering full pages (`PagingAborted`).
 *
 * @since 0.2.0
 * @category errors
 */
export type FindError = ListError | ScimError.AmbiguousGroup | ScimError.PagingAborted

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * POST /Groups, with initial members (their `display` looked up when not given), in the user
   * store `domain` when given (Asgardeo).
   */
  readonly create: (input: NewGroup) => Effect.Effect<Group.Group, WriteError>
  /**
   * Finds the one group a name names, ignoring case, by `Users.findByUserName`'s rule: on
   * Asgardeo `PARTNERS/Engineering` only in that store, a bare name only in the default store,
   * `{ allStores: true }` in every store; more than one match fails with `AmbiguousGroup`.
   */
  readonly findByName: (name: string, options?: FindOptions) => Effect.Effect<Option.Option<Group.Group>, FindError>
  /** GET /Groups (or POST /Groups/.search on Asgardeo when a filter value holds `+` or `%`). */
  readonly list: Resources.Service<Group.Group, Group.Projection>["list"]
  /** POST /Groups/.search. */
  readonly search: Resources.Service<Group.Group, Group.Projection>["search"]
  /** Every group, all pages. */
  readonly stream: (options?: StreamOptions) => Stream.Stream<Group.Group, ListError | ScimError.PagingAborted>
  /** GET /Groups/{id}. */
  readonly get: (id: string) => Effect.Effect<Group.Group, ScimClient.Error>
  /** PUT /Groups/{id}; members without `display` get it (and their `type`) looked up. */
  readonly replace: Resources.Service<Group.Group, Group.Projection>["replace"]
  /** PATCH /Groups/{id}; 200 and 204 both succeed (the group is read again after a 204). */
  readonly patch: Resources.Service<Group.Group, Group.Projection>["patch"]
  /**
   * Renames the group (PATCH replace displayName). The group stays in its user store: on
   * Asgardeo its name is read first (GET, `internal_group_mgt_view`) and a `/` is refused.
   */
  readonly rename: (id: string, displayName: string) => Effect.Effect<void, WriteError>
  /**
   * Adds members (users, or groups where the target allows nested groups); already-present
   * members are not an error.
   */
  readonly addMembers: (id: string, members: ReadonlyArray<Group.MemberInput>) => Effect.Effect<void, WriteError>
  /** Removes members by id, users or groups alike; absent members are not an error. */
  readonly removeMembers: (id: string, userIds: ReadonlyArray<string>) => Effect.Effect<void, WriteError>
  /**
   * Finds the group by name (`findByName`'s rule) or creates it, then makes the user (or, where
   * the target allows nested groups, the group) a member (the seed's `assign_user_role`). When the create or the member add fails with a lost answer
   * or a 5xx, the group is looked up again: the call succeeds when the group exists with the
   * member (`created: false`, as nobody can tell who created it), and fails with that error
   * otherwise.
   */
  readonly ensureMember: (
    groupName: string,
    member: Group.MemberInput
  ) => Effect.Effect<{ readonly group: Group.Group; readonly created: boolean }, FindError | ScimError.InvalidAttribute>
  /**
   * Read, apply `f`, replace with `If-Match`; again on 412 (see `Resources.Service.update`).
   *
   * @since 0.3.0
   */
  readonly update: Resources.Service<Group.Group, Group.Projection>["update"]
  /** DELETE /Groups/{id}; with `ifMatch`, only if still at that version. */
  readonly delete: Resources.Service<Group.Group, Group.Projection>["delete"]
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Groups extends Context.Tag("@asgardeo-scim/directory/Groups")<Groups, Service>() {}

/**
 * Builds the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ScimClient.ScimClient> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  const { target } = client
  // Whether names carry a user store (`PARTNERS/Admins`): read from the target, once.
  const hasStores = target.userStores !== undefined

  const checkName = (
    operation: string,
    field: string,
    name: unknown
  ): Either.Either<string, ScimError.InvalidInput> => {
    if (typeof name !== "string" || name.trim() === "") {
      return Either.left(internal.invalid(operation, field, "must be a non-empty string"))
    }
    if (!hasStores && Validation.splitDomain(name).domain?.toUpperCase() === ScimConfig.primaryUserStore) {
      return Either.left(
        internal.invalid(operation, field, "the DEFAULT/ user-store prefix is Asgardeo-only: leave it out")
      )
    }
    const problem = Validation.stringProblem("displayName", name)
    if (problem !== undefined) return Either.left(internal.invalid(operation, field, problem))
    return Either.right(name.trim())
  }

  /** A name to create or rename to: on Asgardeo no `/` (it would be read as a user store). */
  const checkNewName = (operation: string, field: string, name: unknown, hint: string) =>
    Either.flatMap(
      checkName(operation, field, name),
      (checked) => GroupNames.refuseSlash(hasStores, operation, field, checked, hint)
    )

  /** A name as the server writes it (replace, patch): on Asgardeo what precedes `/` is a store. */
  const checkStoredName = (operation: string, field: string, name: unknown) =>
    Either.flatMap(
      checkName(operation, field, name),
      (checked) => GroupNames.checkStore(hasStores, operation, field, checked)
    )

  // Members to write, checked and resolved to `{ value, display, type }` (see internal/members.ts).
  const resolveMembers = Members.make(client).resolve

  /** The POST body of a new group: its name, store and members (their `display` looked up). */
  const createBody = (operation: string, input: unknown) =>
    Effect.suspend((): Effect.Effect<Record<string, unknown>, WriteError> => {
      if (!internal.isRecord(input)) return internal.fail(operation, "", "expected a NewGroup object")
      for (const key of Object.keys(input)) {
        if (!["displayName", "members", "externalId", "domain"].includes(key)) {
          return internal.fail(operation, key, "unknown field")
        }
      }
      const name = checkNewName(
        operation,
        "displayName",
        input.displayName,
        "give the name without it, and the store as domain (domain: \"PARTNERS\")"
      )
      if (Either.isLeft(name)) return Effect.fail(name.left)
      const domain = GroupNames.checkDomain(hasStores, operation, input.domain)
      if (Either.isLeft(domain)) return Effect.fail(domain.left)
      if (input.externalId !== undefined && typeof input.externalId !== "string") {
        return internal.fail(operation, "externalId", "expected a string")
      }
      const externalIdProblem = input.externalId === undefined
        ? undefined
        : Validation.stringProblem("externalId", input.externalId)
      if (externalIdProblem !== undefined) return internal.fail(operation, "externalId", externalIdProblem)
      const displayName = domain.right === undefined
        ? Resolve.createName(client, name.right)
        : Validation.qualify(domain.right, name.right)
      return Effect.map(
        input.members === undefined
          ? Effect.succeed<ReadonlyArray<Patch.Member>>([])
          : resolveMembers(operation, "members", input.members),
        (members) => ({
          schemas: [Group.CoreUrn],
          // A bare name goes to the default store, where a lookup of that name searches.
          displayName,
          ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
          ...(members.length > 0 ? { members } : {})
        })
      )
    })

  const strict = Option.getOrUndefined(yield* Effect.serviceOption(StrictSchemas.StrictSchemas))
  const resources = yield* Resources.build(client, { ...Resources.groups, nameAttribute: undefined }, {
    strict,
    create: createBody,
    // A name as the server writes it; members without `display` get it looked up.
    replace: (operation, body) => {
      const name = checkStoredName(operation, "displayName", body.displayName)
      if (Either.isLeft(name)) return Effect.fail(name.left)
      return Effect.map(
        body.members === undefined ? Effect.succeed(undefined) : resolveMembers(operation, "members", body.members),
        (members) => ({
          ...body,
          ...(members !== undefined ? { members } : {})
        })
      )
    },
    patch: (operation, operations) => {
      for (let i = 0; i < operations.length; i++) {
        const written = GroupNames.displayNameOf(operations[i]!)
        if (written === undefined) continue
        const name = checkStoredName(operation, `Operations.${i}.value`, written)
        if (Either.isLeft(name)) return name.left
      }
      return undefined
    }
  })
  const get = resources.getFull
  const create = (input: NewGroup): Effect.Effect<Group.Group, WriteError> => resources.create(input)

  const prepareName = (operation: string, field: string, name: unknown, options?: unknown) =>
    Resolve.prepare(operation, field, client, name, options, Validation.maxStringLength)

  const findWanted = (operation: string, wanted: Resolve.Wanted) =>
    resources.findOne({
      wanted,
      attribute: "displayName",
      nameOf: (g) => g.displayName,
      ambiguous: (candidates) =>
        new ScimError.AmbiguousGroup({
          operation,
          displayName: wanted.asked,
          candidates: candidates.map((g) => ({ id: g.id, displayName: g.displayName }))
        })
    })

  const findByName = (name: string, options?: FindOptions) =>
    Effect.suspend((): Effect.Effect<Option.Option<Group.Group>, FindError> => {
      const wanted = prepareName("Groups.findByName", "name", name, options)
      return Either.isLeft(wanted) ? Effect.fail(wanted.left) : findWanted("Groups.findByName", wanted.right)
    }).pipe(Effect.withSpan("Groups.findByName"))

  // Member adds and removes, and renames, are idempotent: safe to retry after a 5xx or a lost answer.
  const patchRaw = (
    operation: string,
    id: string,
    operations: ReadonlyArray<Patch.PatchOperation | RawOperation>,
    idempotent?: boolean,
    urlParams?: ScimClient.Request["urlParams"]
  ) => resources.patchRaw(operation, id, operations, { idempotent, urlParams })

  const rename = (id: string, displayName: string) =>
    Effect.suspend((): Effect.Effect<void, WriteError> => {
      const name = checkNewName("Groups.rename", "displayName", displayName, "a group keeps its store when renamed")
      if (Either.isLeft(name)) return Effect.fail(name.left)
      if (!hasStores) return Effect.asVoid(patchRaw("Groups.rename", id, [Patch.rename(name.right)], true))
      const checkedId = client.encodeId(id)
      if (Either.isLeft(checkedId)) return Effect.fail(checkedId.left)
      // The group stays in its user store: a bare name would move it to the primary one.
      return client.executeDecode({
        operation: "Groups.rename.lookupGroup",
        scope: Scopes.byOperation["Groups.get"],
        method: "GET",
        path: "/Groups",
        id,
        urlParams: { attributes: "displayName" }
      }, Members.GroupName).pipe(
        Effect.flatMap((group) =>
          patchRaw("Groups.rename", id, [Patch.rename(GroupNames.inStoreOf(group.displayName, name.right))], true)
        ),
        Effect.asVoid
      )
    })

  // Member writes need no group back: a large group's members would be sent (and decoded) on every
  // write. Where the target says the server honours it (`members.minimalAnswer`: Asgardeo answers
  // `attributes=id` with the id only), ask for a minimal answer (see `Target.rfc7644` for why not
  // everywhere).
  const minimalAnswer = target.members.minimalAnswer

  const addMembers = (id: string, members: ReadonlyArray<Group.MemberInput>) =>
    Effect.suspend((): Effect.Effect<void, WriteError> => {
      const checkedId = client.encodeId(id)
      if (Either.isLeft(checkedId)) return Effect.fail(checkedId.left)
      return Effect.flatMap(resolveMembers("Groups.addMembers", "members", members), (resolved) => {
        if (resolved.length === 0) return Effect.void
        return patchRaw("Groups.addMembers", id, [Patch.addMembers(resolved)], true, minimalAnswer).pipe(
          Effect.asVoid,
          Effect.catchTags({
            // WSO2 builds answer an already-present member with 400 or 409: succeed when all are there.
            BadRequest: (error) => confirm(id, error, (g) => resolved.every((m) => Group.hasMember(g, m.value))),
            Conflict: (error) => confirm(id, error, (g) => resolved.every((m) => Group.hasMember(g, m.value)))
          })
        )
      })
    }).pipe(Effect.withSpan("Groups.addMembers"))

  const confirm = <E extends WriteError>(id: string, error: E, ok: (group: Group.Group) => boolean) =>
    Effect.flatMap(get(id), (group) => (ok(group) ? Effect.void : Effect.fail(error)))

  const removeMembers = (id: string, userIds: ReadonlyArray<string>) =>
    Effect.suspend((): Effect.Effect<void, WriteError> => {
      if (!Array.isArray(userIds)) return internal.fail("Groups.removeMembers", "userIds", "expected an array of ids")
      for (let i = 0; i < userIds.length; i++) {
        const u: unknown = userIds[i]
        const checked = typeof u === "string" ? client.encodeId(u) : undefined
        if (checked === undefined || Either.isLeft(checked)) {
          return internal.fail("Groups.removeMembers", `userIds.${i}`, "not a valid user id")
        }
      }
      const checkedId = client.encodeId(id)
      if (Either.isLeft(checkedId)) return Effect.fail(checkedId.left)
      if (userIds.length === 0) return Effect.void
      const retryPresent = (error: WriteError) =>
        Effect.flatMap(get(id), (group) => {
          const present = userIds.filter((u) => Group.hasMember(group, u))
          if (present.length === 0) return Effect.void
          if (present.length === userIds.length) return Effect.fail(error)
          return Effect.asVoid(patchRaw("Groups.removeMembers", id, Patch.removeMembers(present), true, minimalAnswer))
        })
      return patchRaw("Groups.removeMembers", id, Patch.removeMembers(userIds), true, minimalAnswer).pipe(
        Effect.asVoid,
        Effect.catchTags({ BadRequest: retryPresent, NotFound: retryPresent, Conflict: retryPresent })
      )
    }).pipe(Effect.withSpan("Groups.removeMembers"))

  // A lost answer (the request may have been applied) or a 5xx (its effect unknown).
  const effectUnknown = <E extends { readonly _tag: string }>(
    e: E
  ): e is Extract<E, { readonly _tag: "TransportError" | "ServerError" }> =>
    e._tag === "TransportError" || e._tag === "ServerError"

  const ensureMember = (groupName: string, member: Group.MemberInput) =>
    Effect.gen(function*() {
      const wanted = prepareName("Groups.ensureMember", "groupName", groupName)
      if (Either.isLeft(wanted)) return yield* Effect.fail(wanted.left)
      const [resolved] = yield* resolveMembers("Groups.ensureMember", "member", [member])
      const m = resolved!
      const find = findWanted("Groups.ensureMember", wanted.right)
      /** Adds the member; when the answer is lost or a 5xx, looks: done if the group shows the member. */
      const add = (group: Group.Group) =>
        addMembers(group.id, [m]).pipe(
          Effect.catchIf(effectUnknown, (error) =>
            Effect.flatMap(find, (again) =>
              Option.isSome(again) && again.value.id === group.id && Group.hasMember(again.value, m.value)
                ? Effect.void
                : Effect.fail(error)))
        )
      const found = yield* find
      if (Option.isSome(found)) {
        if (!Group.hasMember(found.value, m.value)) yield* add(found.value)
        return { group: found.value, created: false }
      }
      /** After a create that failed: the group as found now, with the member added when missing. */
      const reconcile = (
        error: ScimError.Conflict | ScimError.TransportError | ScimError.ServerError
      ): Effect.Effect<
        { readonly group: Group.Group; readonly created: boolean },
        FindError | ScimError.InvalidAttribute
      > =>
        Effect.flatMap(find, (again) =>
          Option.isNone(again)
            ? Effect.fail(error)
            : Group.hasMember(again.value, m.value)
            ? Effect.succeed({ group: again.value, created: false })
            : Effect.as(add(again.value), { group: again.value, created: false }))
      return yield* create({ ...GroupNames.fromQualifiedName(hasStores, groupName), members: [m] }).pipe(
        Effect.map((group) => ({ group, created: true })),
        // 409: created meanwhile by someone else. A lost answer or a 5xx: ours may have been applied.
        Effect.catchTag("Conflict", reconcile),
        Effect.catchIf(effectUnknown, reconcile)
      )
    }).pipe(Effect.withSpan("Groups.ensureMember"))

  return Groups.of({
    create,
    list: resources.list as Service["list"],
    search: resources.search as Service["search"],
    stream: resources.stream,
    get,
    findByName,
    replace: resources.replace,
    patch: resources.patch,
    rename,
    addMembers,
    removeMembers,
    ensureMember,
    update: resources.update as Resources.Service<Group.Group, Group.Projection>["update"],
    delete: resources.delete
  })
})

/**
 * The `Groups` service, from a `ScimClient` (`Directory.layer` provides both).
 *
 * @example
 * ```ts
 * import { Directory, Groups, Users } from "@asgardeo-scim/directory"
 * import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const users = yield* Users.Users
 *   const groups = yield* Groups.Groups
 *   const lee = yield* users.create({ userName: "lee@example.com", email: "lee@example.com", askPassword: true })
 *   const engineering = yield* groups.create({ displayName: "Engineering" })
 *   // Members are sent with display = userName, which Asgardeo checks; adding twice is no error.
 *   yield* groups.addMembers(engineering.id, [lee.id])
 *   yield* groups.addMembers(engineering.id, [lee.id])
 *   assert.deepStrictEqual((yield* groups.get(engineering.id)).members?.map((m) => m.value), [lee.id])
 *   // Find or create a group by name and add a member in one call.
 *   const { created } = yield* groups.ensureMember("On-Call", lee.id)
 *   assert.strictEqual(created, true)
 *   yield* groups.removeMembers(engineering.id, [lee.id])
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest())))))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Groups, never, ScimClient.ScimClient> = Layer.effect(Groups, make)

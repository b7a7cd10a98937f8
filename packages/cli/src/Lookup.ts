/**
 * Finds the user, group or role a command names: by id (a UUID) or by name, with the directory's
 * rule (`Users.findByUserName`, `Groups.findByName`, `Roles.findByName`): `PARTNERS/kim@example.com`
 * only in that user store, a bare name only in the default store, every store with `--all-stores`;
 * a role's name in every audience, or in the one given. Not found is exit code 1; a name found
 * more than once (`AmbiguousUser`, `AmbiguousGroup`, `AmbiguousRole`) is exit code 6, with a line
 * listing the candidates. Nothing is ever picked by a guess.
 *
 * @since 0.1.0
 */
import * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as Roles from "@asgardeo-scim/directory/Roles"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { CliError, Failed } from "./ExitCode.js"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether a reference is an id rather than a name.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isId = (ref: string): boolean => uuid.test(ref)

const notFound = (what: string, ref: string) =>
  new CliError({ code: Failed, message: `${what} ${JSON.stringify(ref)} was not found` })

/**
 * How a name is looked up.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Search every user store (`--all-stores`). */
  readonly allStores?: boolean | undefined
}

/**
 * By id when `ref` is a UUID (`byId`; its `NotFound` becomes the CLI's not found), else by name
 * (`byName`; none found is not found).
 */
const resolve = <A, E1 extends { readonly _tag: string }, R1, E2, R2>(
  what: string,
  ref: string,
  byId: (id: string) => Effect.Effect<A, E1, R1>,
  byName: (name: string) => Effect.Effect<Option.Option<A>, E2, R2>
): Effect.Effect<A, Exclude<E1, Extract<E1, { readonly _tag: "NotFound" }>> | E2 | CliError, R1 | R2> =>
  isId(ref)
    ? Effect.catchIf(
      byId(ref),
      (e): e is Extract<E1, { readonly _tag: "NotFound" }> => e._tag === "NotFound",
      () => Effect.fail(notFound(what, ref))
    )
    : Effect.flatMap(
      byName(ref),
      Option.match({ onNone: () => Effect.fail(notFound(what, ref)), onSome: (found: A) => Effect.succeed(found) })
    )

const stores = (options: Options) => ({ allStores: options.allStores === true })

/**
 * A user by id or userName.
 *
 * @since 0.1.0
 * @category lookups
 */
export const user = (ref: string, options: Options = {}) =>
  Effect.flatMap(
    Users.Users,
    (users) => resolve("user", ref, (id) => users.get(id), (name) => users.findByUserName(name, stores(options)))
  )

/**
 * A group by id or display name.
 *
 * @since 0.1.0
 * @category lookups
 */
export const group = (ref: string, options: Options = {}) =>
  Effect.flatMap(
    Groups.Groups,
    (groups) => resolve("group", ref, (id) => groups.get(id), (name) => groups.findByName(name, stores(options)))
  )

/**
 * A role by id or name; by name, in `audience` when given (`Roles.findByName`).
 *
 * @since 0.4.0
 * @category lookups
 */
export const role = (ref: string, options: Roles.FindOptions = {}) =>
  Effect.flatMap(
    Roles.Roles,
    (roles) => resolve("role", ref, (id) => roles.get(id), (name) => roles.findByName(name, options))
  )

/**
 * @since 0.1.0
 * @category getters
 */
export const groupName = (group: { readonly displayName?: string | undefined }): string =>
  Group.nameWithoutDomain(group)

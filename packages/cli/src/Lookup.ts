/**
 * Finds the user or group a command names: by id (a UUID) or by name, with the directory's rule
 * (`Users.findByUserName`, `Groups.findByName`): `PARTNERS/kim@example.com` only in that user
 * store, a bare name only in the default store, every store with `--all-stores`. Not found is
 * exit code 1; a name found more than once (`AmbiguousUser`, `AmbiguousGroup`) is exit code 6,
 * with a line listing the candidates. Nothing is ever picked by a guess.
 *
 * @since 0.1.0
 */
import * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import type * as User from "@asgardeo-scim/directory/User"
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
 * A user by id or userName.
 *
 * @since 0.1.0
 * @category lookups
 */
export const user = (ref: string, options: Options = {}) =>
  Effect.flatMap(Users.Users, (users) =>
    isId(ref)
      ? users.get(ref).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFound("user", ref))))
      : Effect.flatMap(
        users.findByUserName(ref, { allStores: options.allStores === true }),
        Option.match({ onNone: () => Effect.fail(notFound("user", ref)), onSome: (u: User.User) => Effect.succeed(u) })
      ))

/**
 * A group by id or display name.
 *
 * @since 0.1.0
 * @category lookups
 */
export const group = (ref: string, options: Options = {}) =>
  Effect.flatMap(Groups.Groups, (groups) =>
    isId(ref)
      ? groups.get(ref).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFound("group", ref))))
      : Effect.flatMap(
        groups.findByName(ref, { allStores: options.allStores === true }),
        Option.match({
          onNone: () => Effect.fail(notFound("group", ref)),
          onSome: (g: Group.Group) => Effect.succeed(g)
        })
      ))

/**
 * @since 0.1.0
 * @category getters
 */
export const groupName = (group: { readonly displayName?: string | undefined }): string =>
  Group.nameWithoutDomain(group)

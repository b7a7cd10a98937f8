/**
 * Finds the user or group a command names: by id (a UUID) or by name (a userName with or
 * without `DEFAULT/`, a group's display name). Not found is exit code 1 with a clear line.
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
 * A user by id or userName.
 *
 * @since 0.1.0
 * @category lookups
 */
export const user = (ref: string) =>
  Effect.flatMap(Users.Users, (users) =>
    isId(ref)
      ? users.get(ref).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFound("user", ref))))
      : Effect.flatMap(
        users.findByUserName(ref),
        Option.match({ onNone: () => Effect.fail(notFound("user", ref)), onSome: (u: User.User) => Effect.succeed(u) })
      ))

/**
 * A group by id or display name.
 *
 * @since 0.1.0
 * @category lookups
 */
export const group = (ref: string) =>
  Effect.flatMap(Groups.Groups, (groups) =>
    isId(ref)
      ? groups.get(ref).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFound("group", ref))))
      : Effect.flatMap(
        groups.findByName(ref),
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

/**
 * Group members to write: the one place that checks a `Group.MemberInput` and resolves it to
 * `{ value, display, type }` (create, replace, addMembers and ensureMember all use it).
 *
 * - A bare id is looked up as a user (`display`: its userName). Where the target allows nested
 *   groups (`Target.members.nestedGroups`) and no user has the id (404), it is looked up as a
 *   group (`display`: its displayName); neither is `NotFound` naming the id.
 * - `{ value, type }` is looked up as that type only; a `Group` is refused with `InvalidInput`
 *   before any request where the target does not allow nested groups.
 * - `{ value, display }` (with or without `type`) is written as given.
 *
 * Members carry `type` where the target allows nested groups and the type is known; elsewhere
 * (Asgardeo) every member is a user and is written as `{ value, display }`, the documented form.
 *
 * @internal
 */
import type * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Group from "../Group.js"
import type { WriteError } from "../Resources.js"
import * as internal from "./common.js"

const UserName = Schema.Struct({ id: Schema.String, userName: Schema.String })

/**
 * A group's id and displayName (a member lookup, a rename's read of the group's store).
 *
 * @internal
 */
export const GroupName = Schema.Struct({ id: Schema.String, displayName: Schema.String })

/** A checked member, before its lookup. */
interface Checked {
  readonly value: string
  readonly display: string | undefined
  readonly type: Group.MemberType | undefined
}

/** `User` / `Group` whatever their case (servers differ), or `undefined` for anything else. */
const memberType = (u: unknown): Group.MemberType | undefined => {
  if (typeof u !== "string") return undefined
  const lower = u.toLowerCase()
  return lower === "user" ? "User" : lower === "group" ? "Group" : undefined
}

/**
 * Checks members and resolves their `display` (and `type`) from the server.
 *
 * @internal
 */
export const make = (client: Pick<ScimClient.Service, "target" | "encodeId" | "executeDecode">) => {
  // Absent: allowed (RFC 7643 §4.2 leaves it to the server).
  const nested = client.target.members.nestedGroups !== false

  const member = (value: string, display: string, type: Group.MemberType | undefined): Patch.Member =>
    nested && type !== undefined ? { value, display, type } : { value, display }

  const check = (operation: string, field: string, m: unknown): Either.Either<Checked, ScimError.InvalidInput> => {
    const bad = (f: string, reason: string) => Either.left(internal.invalid(operation, f, reason))
    if (typeof m === "string") {
      if (m.trim() === "") return bad(field, "a member id must not be empty")
      const id = client.encodeId(m)
      if (Either.isLeft(id)) return bad(field, id.left.reason)
      return Either.right({ value: m, display: undefined, type: undefined })
    }
    if (!internal.isRecord(m) || typeof m.value !== "string" || m.value.trim() === "") {
      return bad(field, "expected a member id, or { value, type?: \"User\" | \"Group\", display? }")
    }
    const id = client.encodeId(m.value)
    if (Either.isLeft(id)) return bad(`${field}.value`, id.left.reason)
    if (m.display !== undefined && typeof m.display !== "string") return bad(`${field}.display`, "expected a string")
    // `display` is the member's name: no control characters, at most 254 characters.
    const problem = m.display === undefined ? undefined : Validation.stringProblem("members.display", m.display)
    if (problem !== undefined) return bad(`${field}.display`, problem)
    const type = memberType(m.type)
    if (m.type !== undefined && type === undefined) return bad(`${field}.type`, "expected \"User\" or \"Group\"")
    if (type === "Group" && !nested) {
      return bad(
        `${field}.type`,
        `a group cannot be a member of a group on this server (target ${client.target.name}: members.nestedGroups)`
      )
    }
    return Either.right({ value: m.value, display: m.display === "" ? undefined : m.display, type })
  }

  /** A member looked up as `type`: its userName (a user) or displayName (a group) is `display`. */
  const lookup = (operation: string, id: string, type: Group.MemberType) => {
    const user = type === "User"
    const request: ScimClient.Request = {
      operation: `${operation}.lookupMember`,
      scope: Scopes.byOperation[user ? "Users.get" : "Groups.get"],
      method: "GET",
      path: user ? "/Users" : "/Groups",
      id,
      urlParams: { attributes: user ? "userName" : "displayName" }
    }
    const name = user
      ? Effect.map(client.executeDecode(request, UserName), (u) => u.userName)
      : Effect.map(client.executeDecode(request, GroupName), (g) => g.displayName)
    return Effect.map(name, (display) => member(id, display, type))
  }

  /** A bare id: a user, else (nested groups) a group, else `NotFound` naming the id and both lookups. */
  const lookupAny = (operation: string, field: string, id: string) => {
    const user = lookup(operation, id, "User")
    if (!nested) return user
    return Effect.catchTag(
      user,
      "NotFound",
      (asUser) =>
        Effect.catchTag(lookup(operation, id, "Group"), "NotFound", (asGroup) =>
          Effect.fail(
            new ScimError.NotFound({
              method: asGroup.method,
              path: asGroup.path,
              status: asGroup.status,
              ...(asGroup.body !== undefined ? { body: asGroup.body } : {}),
              detail: `no user (${asUser.method} ${asUser.path} answered ${asUser.status} too) and no group has the ` +
                `id ${JSON.stringify(id)} (${field})`
            })
          ))
    )
  }

  /**
   * Checks every member (all before any request), then looks up those without `display`.
   *
   * @internal
   */
  const resolve = (
    operation: string,
    field: string,
    members: unknown
  ): Effect.Effect<ReadonlyArray<Patch.Member>, WriteError> =>
    Effect.suspend(() => {
      if (!Array.isArray(members)) return internal.fail(operation, field, "expected an array of members")
      const checked: Array<Checked> = []
      for (let i = 0; i < members.length; i++) {
        const c = check(operation, `${field}.${i}`, members[i])
        if (Either.isLeft(c)) return Effect.fail(c.left)
        checked.push(c.right)
      }
      return Effect.forEach(checked, (m, i): Effect.Effect<Patch.Member, WriteError> =>
        m.display !== undefined
          ? Effect.succeed(member(m.value, m.display, m.type))
          : m.type !== undefined
          ? lookup(operation, m.value, m.type)
          : lookupAny(operation, `${field}.${i}`, m.value), { concurrency: 4 })
    })

  return { resolve } as const
}

/**
 * The mapping from an HR system's role (`admin`, `hr_manager`, `employee`) to the directory group
 * that carries it (`HR-Admins`, `HR-Managers`, `Employees`): configurable by Layer. An unknown
 * role is a typed `UnknownRole` error, never a silent fallback. These HR roles are not Asgardeo's
 * roles: on Asgardeo a group grants permissions only once it is assigned to a role in the console.
 *
 * A mapping is checked when it is made, before any request: `make` and `layer` fail with
 * `InvalidRoleMapping` for an empty mapping, a role or group name that is empty, has surrounding
 * white space or control characters, or is too long (roles at most 64 characters, as
 * `Employee.role`; group names by core's `Validation` rules), and for two roles on one group.
 *
 * Named `Roles` before 0.2.0; the `Roles` module is kept as an alias.
 *
 * @since 0.2.0
 */
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { InvalidRoleMapping, UnknownRole } from "./HrError.js"
import * as RoleName from "./internal/roleName.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** Role to group name, in a stable order. */
  readonly mapping: ReadonlyArray<{ readonly role: string; readonly group: string }>
  /** The group of a role. */
  readonly groupOf: (role: string) => Either.Either<string, UnknownRole>
  /** Whether a group name (with or without a `DOMAIN/` prefix, any case) is a role group. */
  readonly isRoleGroup: (groupName: string) => boolean
  /** The role of a group name, if it is a role group. */
  readonly roleOf: (groupName: string) => string | undefined
}

/**
 * @since 0.2.0
 * @category tags
 */
export class RoleMapping extends Context.Tag("@asgardeo-scim/hr/RoleMapping")<RoleMapping, Service>() {}

/**
 * The default mapping of the HR system.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMapping: {
  readonly admin: "HR-Admins"
  readonly hr_manager: "HR-Managers"
  readonly employee: "Employees"
} = {
  admin: "HR-Admins",
  hr_manager: "HR-Managers",
  employee: "Employees"
}

/**
 * The role names of a mapping whose keys TypeScript knows (an object literal, `defaultMapping`):
 * `RoleOf<typeof defaultMapping>` is `"admin" | "hr_manager" | "employee"`. A mapping to Asgardeo
 * roles (`AsgardeoRoles.Mapping`) is keyed by its HR roles the same way.
 *
 * @since 0.2.0
 * @category models
 */
export type RoleOf<Mapping extends Readonly<Record<string, unknown>>> = Extract<keyof Mapping, string>

/**
 * The longest role name (as `Employee.role`).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxRoleLength: typeof RoleName.maxRoleLength = RoleName.maxRoleLength

/**
 * A group name without its user-store prefix, lower-cased: how group names are compared.
 *
 * @since 0.1.0
 * @category utils
 */
export const normaliseGroupName = (name: string): string => {
  const slash = name.indexOf("/")
  return (slash >= 0 ? name.slice(slash + 1) : name).trim().toLowerCase()
}

/** What is wrong with a group name, if anything (core's `Validation` rules for a displayName). */
const groupProblem = (group: unknown): string | undefined => {
  if (typeof group !== "string") return "the group must be a string (the group's name)"
  if (group.trim() === "") return "the group must not be empty"
  if (group.trim() !== group) return "the group must not begin or end with white space"
  const problem = Validation.stringProblem("displayName", group)
  return problem === undefined ? undefined : `the group ${problem}`
}

/** The service over entries already checked. */
const build = (entries: ReadonlyArray<{ readonly role: string; readonly group: string }>): Service => {
  const byRole = new Map(entries.map((e) => [e.role, e.group]))
  const byGroup = new Map(entries.map((e) => [normaliseGroupName(e.group), e.role]))
  const known = entries.map((e) => e.role)
  return {
    mapping: entries,
    groupOf: (role) => {
      const group = typeof role === "string" ? byRole.get(role) : undefined
      return group !== undefined ? Either.right(group) : Either.left(new UnknownRole({ role: String(role), known }))
    },
    isRoleGroup: (name) => typeof name === "string" && byGroup.has(normaliseGroupName(name)),
    roleOf: (name) => (typeof name === "string" ? byGroup.get(normaliseGroupName(name)) : undefined)
  }
}

/**
 * Checks a mapping (role → group name) and makes the service; plain JavaScript callers may pass
 * anything: what is not an object of non-empty names fails with `InvalidRoleMapping`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  mapping: Readonly<Record<string, string>> = defaultMapping
): Either.Either<Service, InvalidRoleMapping> => {
  const input: unknown = mapping
  if (typeof input !== "object" || input === null || Array.isArray(input) || input instanceof Map) {
    return Either.left(
      new InvalidRoleMapping({ reason: "expected an object of role names to group names, e.g. { admin: \"Admins\" }" })
    )
  }
  const entries: Array<{ readonly role: string; readonly group: string }> = []
  const roleOfGroup = new Map<string, string>()
  for (const [role, group] of Object.entries(input)) {
    const problem = RoleName.roleProblem(role) ?? groupProblem(group)
    if (problem !== undefined) return Either.left(new InvalidRoleMapping({ role, reason: problem }))
    const name = group as string
    const other = roleOfGroup.get(normaliseGroupName(name))
    if (other !== undefined) {
      return Either.left(
        new InvalidRoleMapping({
          role,
          reason: `the group ${JSON.stringify(name)} is already the group of role ${
            JSON.stringify(other)
          }: each role needs its own group`
        })
      )
    }
    roleOfGroup.set(normaliseGroupName(name), role)
    entries.push({ role, group: name })
  }
  if (entries.length === 0) {
    return Either.left(new InvalidRoleMapping({ reason: "the mapping is empty: give at least one role" }))
  }
  return Either.right(build(entries))
}

/**
 * The service of `defaultMapping` (nothing to check: a constant).
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaults: Service = build(Object.entries(defaultMapping).map(([role, group]) => ({ role, group })))

/**
 * The role mapping as a Layer. Without an argument: the HR system's three groups (it cannot
 * fail). With a mapping: checked when the layer is built, failing with `InvalidRoleMapping`.
 *
 * @since 0.2.0
 * @category layers
 */
export function layer(): Layer.Layer<RoleMapping>
export function layer(mapping: Readonly<Record<string, string>>): Layer.Layer<RoleMapping, InvalidRoleMapping>
export function layer(mapping?: Readonly<Record<string, string>>): Layer.Layer<RoleMapping, InvalidRoleMapping> {
  return mapping === undefined ? Layer.succeed(RoleMapping, defaults) : Layer.effect(RoleMapping, make(mapping))
}

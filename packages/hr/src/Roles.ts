/**
 * The mapping from HR role to the Asgardeo group that carries it. By default `admin` is
 * `HR-Admins`, `hr_manager` is `HR-Managers` and `employee` is `Employees`; configurable by
 * Layer. An unknown role is a typed `UnknownRole` error, never a silent fallback.
 *
 * Asgardeo groups grant permissions only once they are assigned to roles in the console.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { UnknownRole } from "./HrError.js"

/**
 * @since 0.1.0
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
 * @since 0.1.0
 * @category tags
 */
export class Roles extends Context.Tag("@asgardeo-scim/hr/Roles")<Roles, Service>() {}

/**
 * The default mapping of the HR system.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMapping: Readonly<Record<string, string>> = {
  admin: "HR-Admins",
  hr_manager: "HR-Managers",
  employee: "Employees"
}

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

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (mapping: Readonly<Record<string, string>> = defaultMapping): Service => {
  const entries = Object.entries(mapping).map(([role, group]) => ({ role, group }))
  if (entries.length === 0) throw new Error("Roles.make: the mapping is empty")
  const byRole = new Map(entries.map((e) => [e.role, e.group]))
  const byGroup = new Map(entries.map((e) => [normaliseGroupName(e.group), e.role]))
  const known = entries.map((e) => e.role)
  return {
    mapping: entries,
    groupOf: (role) => {
      const group = typeof role === "string" ? byRole.get(role) : undefined
      return group !== undefined ? Either.right(group) : Either.left(new UnknownRole({ role: String(role), known }))
    },
    isRoleGroup: (name) => byGroup.has(normaliseGroupName(name)),
    roleOf: (name) => byGroup.get(normaliseGroupName(name))
  }
}

/**
 * The role mapping as a Layer (default: the HR system's three groups).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (mapping: Readonly<Record<string, string>> = defaultMapping): Layer.Layer<Roles> =>
  Layer.sync(Roles, () => make(mapping))

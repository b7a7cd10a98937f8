/**
 * HR roles on Asgardeo's own roles, instead of role groups: each HR role (`hr_manager`) maps to
 * one Asgardeo role, named by its `displayName` and, optionally, its audience (the organization,
 * or one application). `HrDirectory.layerRoles(mapping)` runs onboarding, role changes and
 * offboarding on those roles (see `HrDirectory`); this module holds the mapping and the roles it
 * names as found in the directory.
 *
 * - A mapping is checked before any request (`decodeMapping`, and the layer again): an object of
 *   HR role names (the `RoleMapping` rules: not empty, no surrounding white space or control
 *   characters, at most 64 characters) to an Asgardeo role, given as its name (`"HR Manager"`,
 *   any audience) or as `{ displayName, audience? }` with `audience` `{ type: "organization" }`
 *   or `{ type: "application", value: "<application id>" }`. A name Asgardeo would refuse (empty,
 *   control characters, a `/`, too long), an audience of another shape, an empty mapping, one of
 *   more than `maxRoles` HR roles or two HR roles on one Asgardeo role fail with `InvalidRoleMapping`. `MappingSchema` is the shape of
 *   a JSON mapping file; `decodeMapping` reads one (parsed JSON) with every check.
 * - When the layer is built each role is looked up by name in its audience with the directory's
 *   `Roles.findByName` (names ignoring case; without an audience, in any: a name in two audiences
 *   is `AmbiguousRole`), and its id is kept for the layer's life. A role that is not there fails
 *   the layer with `MissingRole` naming it; nothing is created unless `ensure: true` asks for it
 *   (`Roles.ensure`: an organization role unless the mapping names an application, without
 *   permissions). Two HR roles that turn out to name one role fail with `InvalidRoleMapping`.
 *
 * The layer's error is `ResolveError`: the mapping's, `MissingRole`, and the directory's errors of
 * a lookup (a missing `internal_role_mgt_view` scope is `MissingScope`) or, with `ensure`, of a
 * create.
 *
 * @since 0.4.0
 */
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Role from "@asgardeo-scim/directory/Role"
import * as DirectoryRoles from "@asgardeo-scim/directory/Roles"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InvalidRoleMapping, MissingRole, UnknownRole } from "./HrError.js"
import * as RoleName from "./internal/roleName.js"
import type * as RoleGroups from "./RoleGroups.js"

/**
 * The audience an Asgardeo role is looked up in: the organization's roles (`value`, the
 * organization's id, may be left out), or one application's (`value`: the application's id, as
 * in the console's URL or `/api/server/v1/applications/{id}`).
 *
 * @since 0.4.0
 * @category models
 */
export type Audience =
  | { readonly type: "organization"; readonly value?: string | undefined }
  | { readonly type: "application"; readonly value: string }

/**
 * An Asgardeo role as a mapping names it: its name and, optionally, its audience (left out: the
 * one role of that name in any audience).
 *
 * @since 0.4.0
 * @category models
 */
export interface AsgardeoRole {
  readonly displayName: string
  readonly audience?: Audience | undefined
}

/**
 * HR role → Asgardeo role: `{ hr_manager: { displayName: "HR Manager" }, employee: "Employee" }`
 * (a bare string is a role's name in any audience).
 *
 * @since 0.4.0
 * @category models
 */
export type Mapping = Readonly<Record<string, string | AsgardeoRole>>

/**
 * One Asgardeo role as a mapping file gives it: `{ "displayName": "...", "audience"?: { "type",
 * "value"? } }`, the audience type in any case (`Role.AudienceTypeFromString`), no other field.
 *
 * @since 0.4.0
 * @category schemas
 */
export const RoleSchema = Schema.Struct({
  displayName: Schema.String,
  audience: Schema.optional(Schema.Struct({
    type: Role.AudienceTypeFromString,
    value: Schema.optional(Schema.String)
  }))
})

/**
 * The shape of a mapping file (JSON): an object of HR role names to a role name or to
 * `{ "displayName": "...", "audience": { "type": "organization" | "application", "value"?: "..." } }`
 * (the audience type in any case; see `RoleSchema`). `decodeMapping` applies it with every other check.
 *
 * @example
 * ```ts
 * import { AsgardeoRoles } from "@asgardeo-scim/hr"
 * import { Schema } from "effect"
 *
 * // A mapping file (`--role-mapping roles.json`) as JSON text.
 * const file = `{
 *   "admin": "HR Admin",
 *   "hr_manager": { "displayName": "HR Manager", "audience": { "type": "organization" } },
 *   "employee": { "displayName": "Employee", "audience": { "type": "application", "value": "3645709f-ea8d-5595-7690-e1fa0efe3df9" } }
 * }`
 * export const mapping = Schema.decodeUnknownSync(AsgardeoRoles.MappingSchema)(JSON.parse(file))
 * ```
 *
 * @since 0.4.0
 * @category schemas
 */
export const MappingSchema = Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, RoleSchema) })

/**
 * The most HR roles a mapping may hold: each is looked up (one request, or two with `ensure`) when
 * the layer is built, so a runaway mapping file is refused before any request.
 *
 * @since 0.4.0
 * @category constants
 */
export const maxRoles = 1000

/** One checked entry of a mapping. */
interface Entry {
  readonly role: string
  readonly displayName: string
  readonly audience: Audience | undefined
}

const decodeRole = Schema.decodeUnknownEither(RoleSchema, { errors: "first", onExcessProperty: "error" })

const invalid = (reason: string, role?: string) =>
  Either.left(new InvalidRoleMapping({ ...(role === undefined ? {} : { role }), reason }))

/** What is wrong with an Asgardeo role's name, if anything (what Asgardeo would refuse). */
const nameProblem = (name: string): string | undefined => {
  if (name.trim() === "") return "the Asgardeo role's displayName must not be empty"
  if (name.trim() !== name) return "the Asgardeo role's displayName must not begin or end with white space"
  if (name.includes("/")) return "the Asgardeo role's displayName cannot contain '/' (Asgardeo refuses it)"
  const problem = Validation.stringProblem("displayName", name)
  return problem === undefined ? undefined : `the Asgardeo role's displayName ${problem}`
}

/** What is wrong with an audience's id, if anything. */
const valueProblem = (value: string): string | undefined => {
  if (value.trim() === "" || /\s/.test(value)) return "the audience's value must be an id: not empty, no white space"
  const problem = Validation.stringProblem("value", value)
  return problem === undefined ? undefined : `the audience's value ${problem}`
}

/** The audience of an entry, checked. */
const audienceOf = (
  role: string,
  given: { readonly type: Role.AudienceType; readonly value?: string | undefined } | undefined
): Either.Either<Audience | undefined, InvalidRoleMapping> => {
  if (given === undefined) return Either.right(undefined)
  const problem = given.value === undefined ? undefined : valueProblem(given.value)
  if (problem !== undefined) return invalid(problem, role)
  if (given.type === "application") {
    return given.value === undefined
      ? invalid("an application audience needs its value: the application's id", role)
      : Either.right({ type: "application", value: given.value })
  }
  return Either.right(
    given.value === undefined ? { type: "organization" } : { type: "organization", value: given.value }
  )
}

/** Two entries on one Asgardeo role: the same name (ignoring case) in the same audience. */
const keyOf = (e: Entry): string =>
  JSON.stringify([e.displayName.toLowerCase(), e.audience?.type ?? "", e.audience?.value?.toLowerCase() ?? ""])

const describeRole = (displayName: string, audience: Audience | undefined): string =>
  JSON.stringify(displayName) +
  (audience === undefined ? "" : ` (${audience.type}${audience.value === undefined ? "" : ` ${audience.value}`})`)

/** Every check of a mapping that needs no request. */
const entriesOf = (input: unknown): Either.Either<ReadonlyArray<Entry>, InvalidRoleMapping> => {
  if (typeof input !== "object" || input === null || Array.isArray(input) || input instanceof Map) {
    return invalid(
      "expected an object of HR role names to Asgardeo roles, e.g. { \"hr_manager\": { \"displayName\": \"HR Manager\" } }"
    )
  }
  const given = Object.entries(input)
  if (given.length > maxRoles) {
    return invalid(
      `the mapping has ${given.length} HR roles: at most ${maxRoles} (each is looked up when the layer is built)`
    )
  }
  const entries: Array<Entry> = []
  const seen = new Map<string, string>()
  for (const [role, value] of given) {
    const roleProblem = RoleName.roleProblem(role)
    if (roleProblem !== undefined) return invalid(roleProblem, role)
    const given = typeof value === "string"
      ? Either.right({ displayName: value, audience: undefined })
      : decodeRole(value)
    if (Either.isLeft(given)) {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(given.left)[0]
      const where = issue === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `
      return invalid(
        `${where}${issue?.message ?? "invalid"} (expected a role name or { displayName, audience? })`,
        role
      )
    }
    const problem = nameProblem(given.right.displayName)
    if (problem !== undefined) return invalid(problem, role)
    const audience = audienceOf(role, given.right.audience)
    if (Either.isLeft(audience)) return Either.left(audience.left)
    const entry: Entry = { role, displayName: given.right.displayName, audience: audience.right }
    const other = seen.get(keyOf(entry))
    if (other !== undefined) {
      return invalid(
        `the Asgardeo role ${describeRole(entry.displayName, entry.audience)} is already the role of HR role ${
          JSON.stringify(other)
        }: each HR role needs its own Asgardeo role`,
        role
      )
    }
    seen.set(keyOf(entry), role)
    entries.push(entry)
  }
  if (entries.length === 0) return invalid("the mapping is empty: give at least one role")
  return Either.right(entries)
}

/**
 * Reads a mapping of unknown shape (a parsed JSON file, a plain-JavaScript caller's object) with
 * every check that needs no request, and returns it with each role as `{ displayName, audience? }`.
 *
 * @example
 * ```ts
 * import { AsgardeoRoles } from "@asgardeo-scim/hr"
 * import { Either } from "effect"
 *
 * const json = JSON.parse(`{ "hr_manager": "HR Manager", "employee": { "displayName": "Employee" } }`)
 * const mapping = AsgardeoRoles.decodeMapping(json)
 * assert.deepStrictEqual(Either.getOrThrow(mapping), {
 *   hr_manager: { displayName: "HR Manager" },
 *   employee: { displayName: "Employee" }
 * })
 * // Two HR roles on one Asgardeo role:
 * assert.ok(Either.isLeft(AsgardeoRoles.decodeMapping({ a: "Staff", b: "staff" })))
 * ```
 *
 * @since 0.4.0
 * @category decoding
 */
export const decodeMapping = (input: unknown): Either.Either<Mapping, InvalidRoleMapping> =>
  Either.map(entriesOf(input), (entries) =>
    Object.fromEntries(entries.map((e) => [
      e.role,
      e.audience === undefined ? { displayName: e.displayName } : { displayName: e.displayName, audience: e.audience }
    ])))

/**
 * An HR role's Asgardeo role as found in the directory: a `RoleGroups.RoleGroup` (so
 * `HrDirectory`'s operations that answer role groups answer these in this mode) whose `id` is the
 * role's, `name` the name mapped and `displayName` the name found, with the role's audience.
 *
 * @since 0.4.0
 * @category models
 */
export interface MappedRole extends RoleGroups.RoleGroup {
  /** The audience found: `organization` or `application`, and the organization's or app's id. */
  readonly audience: { readonly type: string; readonly value: string } | undefined
}

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /** The Roles API the directory uses (`Roles.version`, told when the layer was built). */
  readonly version: DirectoryRoles.Version
  /** Every HR role's Asgardeo role, in the mapping's order. */
  readonly roles: ReadonlyArray<MappedRole>
  /** The Asgardeo role of an HR role; a role outside the mapping is `UnknownRole`. */
  readonly roleOf: (role: string) => Either.Either<MappedRole, UnknownRole>
  /** The HR roles whose Asgardeo role this layer created (`ensure: true`), in the mapping's order. */
  readonly created: ReadonlyArray<string>
  /**
   * Every mapped role looked up again by name and audience (never created): what the HR
   * operations do when a mapped role turns out deleted (`NotFound`). A role recreated under its
   * name is found with its new id; one that is gone, or whose name now finds another HR role's
   * role, is `MissingRole`, which ends a batch (every later employee of it would fail the same way).
   *
   * @since 0.4.0
   */
  readonly relookup: Effect.Effect<ReadonlyArray<MappedRole>, RelookupError>
}

/**
 * How looking the mapped roles up again can fail (see {@link Service.relookup}).
 *
 * @since 0.4.0
 * @category errors
 */
export type RelookupError = MissingRole | DirectoryRoles.FindError

/**
 * @since 0.4.0
 * @category tags
 */
export class AsgardeoRoles extends Context.Tag("@asgardeo-scim/hr/AsgardeoRoles")<AsgardeoRoles, Service>() {}

/**
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /**
   * Create the Asgardeo roles that are missing (`Roles.ensure`: in the audience mapped, the
   * organization's when none is; without permissions: give them in the console). Default
   * `false`: a missing role fails the layer with `MissingRole`.
   */
  readonly ensure?: boolean | undefined
}

/**
 * How building the roles can fail: the mapping (`InvalidRoleMapping`), a role that is not there
 * (`MissingRole`), a name in two audiences (`AmbiguousRole`), or the directory's errors of a
 * lookup or, with `ensure`, of a create.
 *
 * @since 0.4.0
 * @category errors
 */
export type ResolveError = InvalidRoleMapping | MissingRole | DirectoryRoles.EnsureError | ScimError.AmbiguousRole

/** The lookup options of an entry: its audience as given, or none (any audience). */
const lookIn = (audience: Audience | undefined): DirectoryRoles.FindOptions | undefined =>
  audience === undefined
    ? undefined
    : {
      audience: audience.value === undefined ? { type: audience.type } : { type: audience.type, value: audience.value }
    }

interface Resolved {
  readonly entry: Entry
  readonly role: Role.Role
  readonly created: boolean
}

const missing = (entry: Entry) =>
  new MissingRole({
    role: entry.role,
    displayName: entry.displayName,
    ...(entry.audience === undefined ? {} : { audienceType: entry.audience.type }),
    ...(entry.audience?.value === undefined ? {} : { audienceValue: entry.audience.value })
  })

const mappedOf = (entry: Entry, role: Role.Role): MappedRole => ({
  role: entry.role,
  name: entry.displayName,
  id: role.id,
  displayName: role.displayName,
  audience: role.audience === undefined ? undefined : { type: role.audience.type, value: role.audience.value }
})

/** One entry's role: found, or created with `ensure`; `MissingRole` otherwise. */
const resolve = (roles: DirectoryRoles.Service, entry: Entry, ensure: boolean): Effect.Effect<Resolved, ResolveError> =>
  Effect.flatMap(
    roles.findByName(entry.displayName, lookIn(entry.audience)),
    (found): Effect.Effect<Resolved, ResolveError> => {
      if (Option.isSome(found)) return Effect.succeed({ entry, role: found.value, created: false })
      if (ensure) {
        const audience = entry.audience?.value === undefined
          ? {}
          : { audience: { type: entry.audience.type, value: entry.audience.value } }
        return Effect.map(
          roles.ensure({ displayName: entry.displayName, ...audience }),
          (r) => ({ entry, role: r.role, created: r.created })
        )
      }
      return Effect.fail(missing(entry))
    }
  )

/**
 * Checks a mapping, then finds each role in the directory (creating the missing ones only with
 * `ensure: true`).
 *
 * @since 0.4.0
 * @category constructors
 */
export const make = (
  mapping: Mapping,
  options?: Options
): Effect.Effect<Service, ResolveError, DirectoryRoles.Roles> =>
  Effect.gen(function*() {
    const entries = yield* entriesOf(mapping)
    const given: unknown = options
    const ensure = typeof given === "object" && given !== null ? (given as Options).ensure : undefined
    if (
      (given !== undefined && (typeof given !== "object" || given === null)) ||
      (ensure !== undefined && typeof ensure !== "boolean")
    ) {
      return yield* Effect.fail(new InvalidRoleMapping({ reason: "the options must be { ensure?: boolean }" }))
    }
    const roles = yield* DirectoryRoles.Roles
    const version = yield* roles.version
    // Every lookup runs; the first failure in the mapping's order is the layer's.
    const results = yield* Effect.forEach(entries, (entry) => Effect.either(resolve(roles, entry, ensure === true)), {
      concurrency: 3
    })
    const found: Array<Resolved> = []
    for (const result of results) {
      if (Either.isLeft(result)) return yield* Effect.fail(result.left)
      found.push(result.right)
    }
    const byId = new Map<string, string>()
    const mapped: Array<MappedRole> = []
    for (const { entry, role } of found) {
      const other = byId.get(role.id.toLowerCase())
      if (other !== undefined) {
        return yield* Effect.fail(
          new InvalidRoleMapping({
            role: entry.role,
            reason: `the Asgardeo role ${describeRole(entry.displayName, entry.audience)} found (id ${role.id}) is ` +
              `already the role of HR role ${JSON.stringify(other)}: each HR role needs its own Asgardeo role`
          })
        )
      }
      byId.set(role.id.toLowerCase(), entry.role)
      mapped.push(mappedOf(entry, role))
    }
    const known = mapped.map((m) => m.role)
    return AsgardeoRoles.of({
      version,
      roles: mapped,
      roleOf: (role) => {
        const found = typeof role === "string" ? mapped.find((m) => m.role === role) : undefined
        return found !== undefined ? Either.right(found) : Either.left(new UnknownRole({ role: String(role), known }))
      },
      created: found.filter((f) => f.created).map((f) => f.entry.role),
      relookup: Effect.forEach(entries, (entry) =>
        Effect.flatMap(
          roles.findByName(entry.displayName, lookIn(entry.audience)),
          (option) =>
            Option.isSome(option) ? Effect.succeed({ entry, role: option.value }) : Effect.fail(missing(entry))
        ), { concurrency: 3 }).pipe(
          Effect.flatMap((again) => {
            const seen = new Map<string, string>()
            const fresh: Array<MappedRole> = []
            for (const { entry, role } of again) {
              // Two HR roles on one Asgardeo role would make a role change leave the user role-less.
              if (seen.has(role.id.toLowerCase())) return Effect.fail(missing(entry))
              seen.set(role.id.toLowerCase(), entry.role)
              fresh.push(mappedOf(entry, role))
            }
            return Effect.succeed(fresh)
          }),
          Effect.withSpan("AsgardeoRoles.relookup")
        )
    })
  }).pipe(Effect.withSpan("AsgardeoRoles.make"))

/**
 * The mapped roles as a Layer, over the directory's `Roles` (`Directory.layer` provides it):
 * checked and looked up when the layer is built (see the module's note).
 *
 * @since 0.4.0
 * @category layers
 */
export const layer = (
  mapping: Mapping,
  options?: Options
): Layer.Layer<AsgardeoRoles, ResolveError, DirectoryRoles.Roles> => Layer.effect(AsgardeoRoles, make(mapping, options))

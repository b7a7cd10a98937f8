/**
 * An Asgardeo role (the SCIM Roles API, v2 and v3: schema
 * `urn:ietf:params:scim:schemas:extension:2.0:Role`) as a tolerant `Schema`: its audience (the
 * organization or the application it belongs to), its users, groups and permissions (API scopes),
 * the applications that use it and its properties; every other attribute is kept.
 *
 * What a role answer holds depends on the request (see the `Roles` service): a GET has everything;
 * the answer to a create or a PUT has only `id`, `displayName`, `audience` and `meta`; a PATCH
 * answer has no `users`. An attribute left out of an answer is `undefined`, never `[]`.
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import { Meta } from "./User.js"

/**
 * The role schema URN (Roles v2 and v3).
 *
 * @since 0.4.0
 * @category constants
 */
export const RoleUrn = "urn:ietf:params:scim:schemas:extension:2.0:Role" as const

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * What a role belongs to: its organization, or one application.
 *
 * @since 0.4.0
 * @category models
 */
export type AudienceType = "organization" | "application"

/**
 * An audience type as read: `organization` or `application` in any case (Asgardeo reads them
 * without regard to case), decoded lower-case.
 *
 * @since 0.4.0
 * @category schemas
 */
export const AudienceTypeFromString: Schema.Schema<AudienceType, string> = Schema.transform(
  Schema.String,
  Schema.Literal("organization", "application"),
  // Not strict: the lower-cased string is then checked by the literal.
  { strict: false, decode: (s) => s.toLowerCase(), encode: (s) => s }
)

/**
 * A role's audience: `type`, `value` (the organization's or the application's id) and the
 * server's `display` (its name).
 *
 * @since 0.4.0
 * @category schemas
 */
export const Audience = Schema.Struct({
  type: AudienceTypeFromString,
  value: Schema.String,
  display: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Audience extends Schema.Schema.Type<typeof Audience> {}

/**
 * A user, a group or an application of a role: its id (`value`), its `display` (a userName, a
 * group name with its user store, an application name) and its `$ref`.
 *
 * @since 0.4.0
 * @category schemas
 */
export const Member = Schema.Struct({
  value: Schema.String,
  display: Schema.optional(Schema.String),
  $ref: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Member extends Schema.Schema.Type<typeof Member> {}

/**
 * A permission: an API scope name (`value`, e.g. `internal_login`) and its `display`.
 *
 * @since 0.4.0
 * @category schemas
 */
export const Permission = Schema.Struct({
  value: Schema.String,
  display: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Permission extends Schema.Schema.Type<typeof Permission> {}

/**
 * A role property as Asgardeo writes it (`{ display: name, value }`, e.g. a shared-role marker).
 *
 * @since 0.4.0
 * @category schemas
 */
export const Property = Schema.Struct({
  display: Schema.optional(Schema.String),
  value: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Property extends Schema.Schema.Type<typeof Property> {}

/**
 * A role as the server returns it; unknown attributes are kept. `audience` is always sent by
 * Asgardeo; it is optional here so that an answer without it still decodes.
 *
 * @since 0.4.0
 * @category schemas
 */
export const Role = Schema.Struct({
  id: Schema.String,
  displayName: Schema.String,
  schemas: Schema.optional(Schema.Array(Schema.String)),
  audience: Schema.optional(Audience),
  users: Schema.optional(Schema.Array(Member)),
  groups: Schema.optional(Schema.Array(Member)),
  permissions: Schema.optional(Schema.Array(Permission)),
  associatedApplications: Schema.optional(Schema.Array(Member)),
  properties: Schema.optional(Schema.Array(Property)),
  meta: Schema.optional(Meta)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Role extends Schema.Schema.Type<typeof Role> {}

/**
 * A role read with `attributes` or `excludedAttributes`: only `id` is guaranteed.
 *
 * @since 0.4.0
 * @category schemas
 */
export const Projection = Schema.Struct({
  ...Role.fields,
  displayName: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface Projection extends Schema.Schema.Type<typeof Projection> {}

/**
 * A role as a user resource lists it (`roles[]` on `/Users/{id}`): `value` is the role's id,
 * `display` its name, and `audienceType`, `audienceValue` and `audienceDisplay` its audience.
 *
 * @since 0.4.0
 * @category schemas
 */
export const UserRoleReference = Schema.Struct({
  value: Schema.String,
  display: Schema.optional(Schema.String),
  $ref: Schema.optional(Schema.String),
  audienceType: Schema.optional(Schema.String),
  audienceValue: Schema.optional(Schema.String),
  audienceDisplay: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.4.0
 * @category models
 */
export interface UserRoleReference extends Schema.Schema.Type<typeof UserRoleReference> {}

/**
 * A role a user has (`Roles.ofUser`): its id, its name and its audience, as the user resource
 * says. `audience` is `undefined` for a reference without one (older servers list the built-in
 * `Internal/everyone` role as `{ type: "default", value: "Internal/everyone" }`; its `id` is then
 * that name). `audience.type` is as the server wrote it.
 *
 * @since 0.4.0
 * @category models
 */
export interface Assigned {
  readonly id: string
  readonly displayName: string | undefined
  readonly audience:
    | {
      readonly type: string | undefined
      readonly value: string | undefined
      readonly display: string | undefined
    }
    | undefined
}

/**
 * A user's role reference as an {@link Assigned} role.
 *
 * @since 0.4.0
 * @category constructors
 */
export const assignedOf = (ref: UserRoleReference): Assigned => ({
  id: ref.value,
  displayName: ref.display,
  audience: ref.audienceType === undefined && ref.audienceValue === undefined && ref.audienceDisplay === undefined
    ? undefined
    : { type: ref.audienceType, value: ref.audienceValue, display: ref.audienceDisplay }
})

/**
 * Whether a role has a user, a group or a permission: `users`, `groups` or `permissions` holds
 * that value. `false` when the answer left the attribute out (see the module's note).
 *
 * @since 0.4.0
 * @category predicates
 */
export const has = (role: Role, attribute: "users" | "groups" | "permissions", value: string): boolean =>
  (role[attribute] ?? []).some((m) => attribute === "permissions" ? m.value === value : sameId(m.value, value))

// Ids are compared without regard to case (Asgardeo's UUIDs may come in either).
const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

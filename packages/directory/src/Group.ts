/**
 * The SCIM group: a tolerant `Schema` (members `{ value, display }`, an optional `meta`, every
 * other attribute kept) and `displayName` prefix helpers (`DEFAULT/HR-Admins` vs `HR-Admins`;
 * `PARTNERS/HR-Admins` is another group, in another user store).
 *
 * @since 0.1.0
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Schema from "effect/Schema"
import { Meta } from "./User.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const CoreUrn = "urn:ietf:params:scim:schemas:core:2.0:Group" as const

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A member as read: `value` is the member's id, `display` (on Asgardeo) its userName.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Member = Schema.Struct({
  value: Schema.String,
  display: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  $ref: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export interface Member extends Schema.Schema.Type<typeof Member> {}

/**
 * A group as a server returns it; unknown attributes are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Group = Schema.Struct({
  id: Schema.String,
  displayName: Schema.String,
  schemas: Schema.optional(Schema.Array(Schema.String)),
  externalId: Schema.optional(Schema.String),
  members: Schema.optional(Schema.Array(Member)),
  meta: Schema.optional(Meta)
}, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export interface Group extends Schema.Schema.Type<typeof Group> {}

/**
 * A group read with `attributes` or `excludedAttributes`: only `id` is guaranteed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Projection = Schema.Struct({
  ...Group.fields,
  displayName: Schema.optional(Schema.String)
}, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export interface Projection extends Schema.Schema.Type<typeof Projection> {}

/**
 * A member to write: a user id (its userName is read from the server), or the id with the exact
 * userName as `display` (WSO2 checks that they match).
 *
 * @since 0.1.0
 * @category models
 */
export type MemberInput = string | { readonly value: string; readonly display: string }

/**
 * `DEFAULT/HR-Admins` → `HR-Admins`. For display: two groups of two stores can have the same
 * name without domain.
 *
 * @since 0.1.0
 * @category getters
 */
export const nameWithoutDomain = (group: { readonly displayName?: string | undefined }): string =>
  Validation.splitDomain(group.displayName ?? "").name

/**
 * Whether the group has this name, ignoring case, in the same user store: a qualified `name`
 * (`PARTNERS/HR-Admins`) names that store, a bare one `defaultUserStore` (default `DEFAULT`); a
 * displayName without prefix is in the primary store, `DEFAULT`. So `DEFAULT/HR-Admins` has the
 * name `HR-Admins`, `PARTNERS/HR-Admins` does not.
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasName = (
  group: { readonly displayName?: string | undefined },
  name: string,
  defaultUserStore: string = ScimConfig.primaryUserStore
): boolean => {
  const g = Validation.splitDomain(group.displayName ?? "")
  const n = Validation.splitDomain(name)
  return g.name.toLowerCase() === n.name.toLowerCase() &&
    Validation.sameDomain(g.domain ?? ScimConfig.primaryUserStore, n.domain ?? defaultUserStore)
}

/**
 * Whether a user is a member.
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasMember = (group: { readonly members?: ReadonlyArray<Member> | undefined }, userId: string): boolean =>
  (group.members ?? []).some((m) => m.value.toLowerCase() === userId.toLowerCase())

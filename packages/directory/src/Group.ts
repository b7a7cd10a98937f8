/**
 * The SCIM group: a tolerant `Schema` (members `{ value, display, type }`, an optional `meta`, every
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
 * A member as read: `value` is the member's id, `display` (on Asgardeo) its userName, `type`
 * (where the server says) `User` or `Group`.
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
 * What a member is (RFC 7643 §4.2): a user, or a group (a nested group, where the server allows
 * it: `Target.members.nestedGroups`).
 *
 * @since 0.3.0
 * @category models
 */
export type MemberType = "User" | "Group"

/**
 * A member to write:
 * - a bare id: looked up as a user (its userName becomes `display`); where the target allows
 *   nested groups and no user has the id, as a group (its displayName becomes `display`);
 * - `{ value, type }`: a user or a group, its `display` looked up; a group is refused before any
 *   request where the target does not allow nested groups (Asgardeo);
 * - `{ value, display }`, with or without `type`: written as given (on Asgardeo `display` is the
 *   user's exact userName, which WSO2 checks against the id).
 *
 * @since 0.1.0
 * @category models
 */
export type MemberInput = string | {
  readonly value: string
  readonly display?: string | undefined
  /** @since 0.3.0 */
  readonly type?: MemberType | undefined
}

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
 * Whether a user, or a group, is a member (by id, ignoring case).
 *
 * @since 0.1.0
 * @category predicates
 */
export const hasMember = (group: { readonly members?: ReadonlyArray<Member> | undefined }, memberId: string): boolean =>
  (group.members ?? []).some((m) => m.value.toLowerCase() === memberId.toLowerCase())

/**
 * The ids of the members, or of the members of one `type` (`"User"` or `"Group"`, compared
 * ignoring case). A member the server returned without `type` (Asgardeo, whose members are all
 * users) is of no type: `memberIds(group, "User")` leaves it out.
 *
 * @example
 * ```ts
 * import { Group } from "@asgardeo-scim/directory"
 *
 * const group = {
 *   members: [{ value: "u1", display: "kim", type: "User" }, { value: "g1", display: "Ops", type: "Group" }]
 * }
 * assert.deepStrictEqual(Group.memberIds(group), ["u1", "g1"])
 * assert.deepStrictEqual(Group.memberIds(group, "Group"), ["g1"])
 * ```
 *
 * @since 0.3.0
 * @category getters
 */
export const memberIds = (
  group: { readonly members?: ReadonlyArray<Member> | undefined },
  type?: MemberType
): ReadonlyArray<string> =>
  (group.members ?? [])
    .filter((m) => type === undefined || m.type?.toLowerCase() === type.toLowerCase())
    .map((m) => m.value)

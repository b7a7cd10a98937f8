/**
 * The SCIM user: a tolerant `Schema` for what servers return, and the `NewUser` input of
 * `Users.create`.
 *
 * Decoding normalises Asgardeo's shapes: `emails` as bare strings or `{ value, type, primary }`
 * objects (both become objects), `active` as a boolean or `"true"`/`"false"`, an optional `meta`,
 * `groups` and `roles`. Every attribute the schema does not name (custom extensions, WSO2
 * attributes, anything new) is kept in the decoded value, so a get-modify-`replace` loses nothing.
 * `userName` is kept as the server wrote it (`DEFAULT/kim@example.com` on Asgardeo, where
 * `PARTNERS/kim@example.com` is another person in another user store): find users by name with
 * `Users.findByUserName`, which honours the store; {@link userNameWithoutDomain} is for display.
 *
 * @since 0.1.0
 */
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category constants
 */
export const CoreUrn = "urn:ietf:params:scim:schemas:core:2.0:User" as const

/**
 * The enterprise extension (RFC 7643 §4.3): employeeNumber, department, manager, ...
 *
 * @since 0.1.0
 * @category constants
 */
export const EnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" as const

/**
 * The wrong enterprise URN some guides use (the seed Python guide among them). Refused on input.
 *
 * @since 0.1.0
 * @category constants
 */
export const WrongEnterpriseUrn = "urn:scim:schemas:extension:enterprise:2.0:User" as const

/**
 * The WSO2 "system" extension: askPassword, verifyEmail, accountDisabled, accountLocked, ...
 *
 * @since 0.1.0
 * @category constants
 */
export const Wso2Urn = "urn:scim:wso2:schema" as const

/**
 * Asgardeo's custom-attribute extension.
 *
 * @since 0.1.0
 * @category constants
 */
export const CustomUrn = "urn:scim:schemas:extension:custom:User" as const

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const Tolerant = <Fields extends Schema.Struct.Fields>(fields: Fields) => Schema.Struct(fields, Rest)

/** Fields that are each an optional string. */
const optionalStrings = <const K extends string>(
  ...keys: ReadonlyArray<K>
): { readonly [P in K]: Schema.optional<typeof Schema.String> } => {
  const fields: Partial<Record<K, Schema.optional<typeof Schema.String>>> = {}
  for (const key of keys) fields[key] = Schema.optional(Schema.String)
  return fields as { readonly [P in K]: Schema.optional<typeof Schema.String> }
}

const BooleanLike = Schema.Union(Schema.Boolean, Schema.BooleanFromString)

/**
 * A multi-valued attribute entry (`{ value, type, primary, display }`); other keys are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MultiValued = Tolerant({
  value: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  primary: Schema.optional(BooleanLike),
  display: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type MultiValued = typeof MultiValued.Type

/**
 * An email: `"kim@example.com"` decodes to `{ value: "kim@example.com" }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Email = Schema.Union(
  MultiValued,
  Schema.transform(Schema.String, Schema.typeSchema(MultiValued), {
    strict: true,
    decode: (value) => ({ value }),
    encode: (e) => e.value ?? ""
  })
)

/**
 * A group reference on a user (`groups[]`), or a role (`roles[]`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reference = Tolerant({
  value: Schema.optional(Schema.String),
  display: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  $ref: Schema.optional(Schema.String)
})

/**
 * `meta` (all optional: projected resources often lack it).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Meta = Tolerant(optionalStrings("resourceType", "created", "lastModified", "location", "version"))

/**
 * @since 0.1.0
 * @category schemas
 */
export const Name = Tolerant(
  optionalStrings("formatted", "givenName", "familyName", "middleName", "honorificPrefix", "honorificSuffix")
)

/**
 * The enterprise extension as read.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Enterprise = Tolerant({
  employeeNumber: Schema.optional(Schema.String),
  costCenter: Schema.optional(Schema.String),
  organization: Schema.optional(Schema.String),
  division: Schema.optional(Schema.String),
  department: Schema.optional(Schema.String),
  manager: Schema.optional(Tolerant({
    value: Schema.optional(Schema.String),
    displayName: Schema.optional(Schema.String),
    $ref: Schema.optional(Schema.String)
  }))
})

/**
 * The WSO2 extension as read.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Wso2 = Tolerant({
  accountDisabled: Schema.optional(BooleanLike),
  accountLocked: Schema.optional(BooleanLike),
  askPassword: Schema.optional(BooleanLike),
  verifyEmail: Schema.optional(BooleanLike)
})

const optionalFields = {
  schemas: Schema.optional(Schema.Array(Schema.String)),
  externalId: Schema.optional(Schema.String),
  name: Schema.optional(Name),
  displayName: Schema.optional(Schema.String),
  nickName: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  userType: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String),
  timezone: Schema.optional(Schema.String),
  preferredLanguage: Schema.optional(Schema.String),
  active: Schema.optional(BooleanLike),
  emails: Schema.optional(Schema.Array(Email)),
  phoneNumbers: Schema.optional(Schema.Array(MultiValued)),
  addresses: Schema.optional(Schema.Array(Rest)),
  groups: Schema.optional(Schema.Array(Reference)),
  roles: Schema.optional(Schema.Array(Reference)),
  meta: Schema.optional(Meta),
  [EnterpriseUrn]: Schema.optional(Enterprise),
  [Wso2Urn]: Schema.optional(Wso2)
}

/**
 * A user as a server returns it. Attributes not named here are kept (index signature).
 *
 * @since 0.1.0
 * @category schemas
 */
export const User = Schema.Struct({ id: Schema.String, userName: Schema.String, ...optionalFields }, Rest)

/**
 * @since 0.1.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

/**
 * A user read with `attributes` or `excludedAttributes`: only `id` is guaranteed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Projection = Schema.Struct(
  { id: Schema.String, userName: Schema.optional(Schema.String), ...optionalFields },
  Rest
)

/**
 * @since 0.1.0
 * @category models
 */
export interface Projection extends Schema.Schema.Type<typeof Projection> {}

/**
 * `DEFAULT/kim@example.com` → `kim@example.com`. For display: two users of two stores can have
 * the same name without domain.
 *
 * @since 0.1.0
 * @category getters
 */
export const userNameWithoutDomain = (user: { readonly userName?: string | undefined }): string =>
  Validation.splitDomain(user.userName ?? "").name

/**
 * The user-store domain of the userName, upper-cased (`DEFAULT`, `PARTNERS`), if it has one (a
 * userName without prefix is in the primary store, `DEFAULT`, on Asgardeo).
 *
 * @since 0.1.0
 * @category getters
 */
export const domain = (user: { readonly userName?: string | undefined }): string | undefined =>
  Validation.splitDomain(user.userName ?? "").domain

/**
 * The primary email, else the first.
 *
 * @since 0.1.0
 * @category getters
 */
export const primaryEmail = (user: Pick<User, "emails">): string | undefined => {
  const emails = user.emails ?? []
  return (emails.find((e) => e.primary === true) ?? emails[0])?.value
}

/**
 * Whether the account is active: reads both `active` and WSO2's `accountDisabled`; an
 * attribute the server did not return counts as active.
 *
 * @since 0.1.0
 * @category getters
 */
export const isActive = (user: Pick<User, "active" | typeof Wso2Urn>): boolean =>
  user.active !== false && user[Wso2Urn]?.accountDisabled !== true

// -----------------------------------------------------------------------------
// input
// -----------------------------------------------------------------------------

// The input rules are core's `Validation` rules: no control characters, at most 1,024 characters
// (254 for a userName or an email address).
const Text = Validation.SafeString()

const NonEmpty = Validation.NonEmptySafeString()

/**
 * An email address: core's `Validation.EmailAddress` (one `@`, a dotted domain, no spaces,
 * quotes, brackets or control characters, at most 254 characters).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EmailAddress = Validation.EmailAddress

/**
 * A multi-valued entry as written.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MultiValuedInput = Schema.Struct({
  value: NonEmpty,
  type: Schema.optional(Text),
  primary: Schema.optional(Schema.Boolean),
  display: Schema.optional(Text)
})

/**
 * The enterprise extension as written.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnterpriseInput = Schema.Struct({
  employeeNumber: Schema.optional(Text),
  costCenter: Schema.optional(Text),
  organization: Schema.optional(Text),
  division: Schema.optional(Text),
  department: Schema.optional(Text),
  manager: Schema.optional(Schema.Struct({ value: NonEmpty, displayName: Schema.optional(Text) }))
})

/**
 * The input of `Users.create` and `Users.ensure`.
 *
 * Creation modes: a `password` (optionally with `verifyEmail`, a confirmation email), or
 * `askPassword` (an invitation: no password; the user sets one from the email). On Asgardeo one
 * of the two is required; `askPassword` and `verifyEmail` need an email (`email` or `emails`);
 * both are Asgardeo-only.
 *
 * `userName`: on Asgardeo, an email (sent as `DEFAULT/<email>` unless a domain is given) or, with
 * `userNameFormat: "alphanumeric"`, letters and digits. Elsewhere any non-empty string.
 *
 * `attributes` holds anything else, as the seed's `additional_attributes`: extension objects
 * under their URN (a `CustomExtension.write(value)` spreads in), other core attributes.
 *
 * Every string follows core's `Validation` rules: no control characters (C0, DEL, C1; only
 * `addresses[].formatted` may hold TAB, LF and CR), at most 1,024 characters (254 for `userName`
 * and email addresses); `addresses` and `attributes` get the deep check (`Validation.decodeJson`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const NewUser = Schema.Struct({
  userName: Validation.UserName,
  password: Schema.optional(Schema.RedactedFromSelf(Schema.String)),
  askPassword: Schema.optional(Schema.Boolean),
  verifyEmail: Schema.optional(Schema.Boolean),
  userNameFormat: Schema.optional(Schema.Literal("email", "alphanumeric")),
  email: Schema.optional(EmailAddress),
  emails: Schema.optional(Schema.Array(Schema.Struct({ ...MultiValuedInput.fields, value: EmailAddress }))),
  name: Schema.optional(Schema.Struct({
    formatted: Schema.optional(Text),
    givenName: Schema.optional(Text),
    familyName: Schema.optional(Text),
    middleName: Schema.optional(Text),
    honorificPrefix: Schema.optional(Text),
    honorificSuffix: Schema.optional(Text)
  })),
  givenName: Schema.optional(Text),
  familyName: Schema.optional(Text),
  displayName: Schema.optional(Text),
  nickName: Schema.optional(Text),
  title: Schema.optional(Text),
  userType: Schema.optional(Text),
  locale: Schema.optional(Text),
  timezone: Schema.optional(Text),
  preferredLanguage: Schema.optional(Text),
  externalId: Schema.optional(Text),
  active: Schema.optional(Schema.Boolean),
  phoneNumbers: Schema.optional(Schema.Array(MultiValuedInput)),
  addresses: Schema.optional(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  enterprise: Schema.optional(EnterpriseInput),
  attributes: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface NewUser extends Schema.Schema.Type<typeof NewUser> {}

/**
 * Makes a `NewUser` (an identity function that helps type inference).
 *
 * @since 0.1.0
 * @category constructors
 */
export const newUser = (input: NewUser): NewUser => input

/**
 * Re-exported for convenience: `password: User.password("...")`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const password = (value: string): Redacted.Redacted<string> => Redacted.make(value)

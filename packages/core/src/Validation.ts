/**
 * The input rules every write and every lookup follows, in one place: control characters,
 * lengths, email addresses, user-store domains and domain-qualified names. Each rule exists as a
 * plain predicate (for code that checks many values) and as a `Schema` (for decoding what a
 * caller passed); both say the same thing, so core, directory and hr cannot disagree.
 *
 * | rule | value |
 * | --- | --- |
 * | control characters | C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F) are refused |
 * | userName | at most 254 characters (an email address on Asgardeo, RFC 5321) |
 * | email address | at most 254 characters, one `@`, a dotted domain, no spaces, quotes or brackets |
 * | other string attributes | at most 1,024 characters |
 * | a whole request body | at most 1 MiB (1,048,576 bytes of UTF-8 JSON) |
 * | user-store domain | letters, digits, `.`, `_`, `-`; at most 64 characters; compared without regard to case |
 *
 * A domain-qualified name (`PARTNERS/kim@example.com`) names a user or a group in one user store
 * of an Asgardeo organization: the part before the first `/` is the store, as Asgardeo reads it.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"

// -------------------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------------------

/**
 * The longest userName: an email address (RFC 5321's limit on a forward path).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxUserNameLength = 254

/**
 * The longest email address.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxEmailLength = 254

/**
 * The longest value of any other string attribute (names, titles, group names, extension
 * strings).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxStringLength = 1024

/**
 * The largest request body the client sends, in bytes of UTF-8 JSON (1 MiB).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxBodyBytes = 1_048_576

/**
 * The longest user-store domain name.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxDomainLength = 64

// -------------------------------------------------------------------------------------------------
// predicates
// -------------------------------------------------------------------------------------------------

const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Whether a string holds a control character: C0 (U+0000–U+001F, which includes NUL, TAB, CR
 * and LF), DEL (U+007F) or C1 (U+0080–U+009F).
 *
 * @since 0.2.0
 * @category predicates
 */
export const hasControlCharacter = (s: string): boolean => controlCharacter.test(s)

// Characters never allowed in an address: white space, control characters, quotes, brackets and
// the separators RFC 5322 reserves. A domain is one or more dot-separated non-empty labels.
const emailPattern =
  /^[^\s\u0000-\u001f\u007f-\u009f@"<>()[\]\\,;:]+@[^\s\u0000-\u001f\u007f-\u009f@"<>()[\]\\,;:.]+(?:\.[^\s\u0000-\u001f\u007f-\u009f@"<>()[\]\\,;:.]+)+$/

/**
 * Whether a string is an email address: one `@`, a domain with at least one dot and no empty
 * label, no white space, control characters, quotes, brackets, `,`, `;` or `:`, at most 254
 * characters.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isEmailAddress = (s: string): boolean => s.length <= maxEmailLength && emailPattern.test(s)

const domainPattern = /^[A-Za-z0-9._-]+$/

/**
 * Whether a string is a user-store domain name (`DEFAULT`, `PARTNERS`, `corp.ldap`).
 *
 * @since 0.2.0
 * @category predicates
 */
export const isUserStoreDomain = (s: string): boolean =>
  s.length > 0 && s.length <= maxDomainLength && domainPattern.test(s)

// -------------------------------------------------------------------------------------------------
// domain-qualified names
// -------------------------------------------------------------------------------------------------

/**
 * A name split into its user-store domain (upper-cased, as Asgardeo writes it) and the name in
 * that store. `domain` is `undefined` for a bare name.
 *
 * @since 0.2.0
 * @category models
 */
export interface QualifiedName {
  readonly domain: string | undefined
  readonly name: string
}

/**
 * Splits `PARTNERS/kim@example.com` into `{ domain: "PARTNERS", name: "kim@example.com" }` at the
 * first `/`, as Asgardeo does; a name without `/` (or starting with one) is bare. The domain is
 * not checked here: see {@link isUserStoreDomain}.
 *
 * @since 0.2.0
 * @category domains
 */
export const splitDomain = (value: string): QualifiedName => {
  const i = value.indexOf("/")
  return i > 0
    ? { domain: value.slice(0, i).toUpperCase(), name: value.slice(i + 1) }
    : { domain: undefined, name: value }
}

/**
 * `qualify("partners", "kim@example.com")` is `PARTNERS/kim@example.com`.
 *
 * @since 0.2.0
 * @category domains
 */
export const qualify = (domain: string, name: string): string => `${domain.toUpperCase()}/${name}`

/**
 * Whether two user-store domains are the same store (compared without regard to case).
 *
 * @since 0.2.0
 * @category domains
 */
export const sameDomain = (a: string, b: string): boolean => a.toUpperCase() === b.toUpperCase()

// -------------------------------------------------------------------------------------------------
// schemas
// -------------------------------------------------------------------------------------------------

/**
 * A string without control characters, of at most `max` characters (default
 * {@link maxStringLength}).
 *
 * @since 0.2.0
 * @category schemas
 */
export const SafeString = (max: number = maxStringLength) =>
  Schema.String.pipe(
    Schema.filter((s) => !hasControlCharacter(s) || "must not contain control characters"),
    Schema.filter((s) => s.length <= max || `must be at most ${max} characters`)
  )

/**
 * A {@link SafeString} that is not empty or blank.
 *
 * @since 0.2.0
 * @category schemas
 */
export const NonEmptySafeString = (max: number = maxStringLength) =>
  SafeString(max).pipe(Schema.filter((s) => s.trim() !== "" || "must not be empty"))

/**
 * An email address (see {@link isEmailAddress}).
 *
 * @since 0.2.0
 * @category schemas
 */
export const EmailAddress = Schema.String.pipe(
  Schema.filter((s) => s.length <= maxEmailLength || `an email address is at most ${maxEmailLength} characters`),
  Schema.filter((s) => isEmailAddress(s) || `${JSON.stringify(s.slice(0, 80))} is not an email address`)
)

/**
 * A userName as written: not empty, at most 254 characters, no control characters.
 *
 * @since 0.2.0
 * @category schemas
 */
export const UserName = NonEmptySafeString(maxUserNameLength)

/**
 * A user-store domain (see {@link isUserStoreDomain}).
 *
 * @since 0.2.0
 * @category schemas
 */
export const UserStoreDomain = Schema.String.pipe(
  Schema.filter((s) =>
    isUserStoreDomain(s) ||
    `${
      JSON.stringify(s.slice(0, 80))
    } is not a user-store domain (letters, digits, '.', '_' or '-', at most ${maxDomainLength})`
  )
)

/**
 * The input rules every write and every lookup follows, in one place: control characters,
 * lengths, email addresses, user-store domains and domain-qualified names. Each rule exists as a
 * plain predicate (for code that checks many values) and as a `Schema` (for decoding what a
 * caller passed); both say the same thing, so core, directory and hr cannot disagree.
 *
 * | rule | value |
 * | --- | --- |
 * | control characters | C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F) are refused in every string and object key; `addresses[].formatted` (a mailing label) may hold TAB, LF and CR |
 * | userName | at most 254 characters (an email address on Asgardeo, RFC 5321): as the caller writes it (`UserName`), or without the `<DOMAIN>/` prefix in a body written back (`decodeJson`) |
 * | email address | at most 254 characters, one `@`, a dotted domain, no spaces, quotes or brackets |
 * | other string attributes and object keys | at most 1,024 characters |
 * | nesting | objects and arrays at most 32 levels deep; no cycles; only JSON values (and `Redacted` strings) |
 * | password | a `Redacted` string, never a plain one (so it is never logged) |
 * | a whole request body | at most 1 MiB (1,048,576 bytes of UTF-8 JSON) |
 * | user-store domain | letters, digits, `.`, `_`, `-`; at most 64 characters; compared without regard to case |
 *
 * A domain-qualified name (`PARTNERS/kim@example.com`) names a user or a group in one user store
 * of an Asgardeo organization: the part before the first `/` is the store, as Asgardeo reads it.
 *
 * Every value written (a resource body, a PATCH value, a Bulk operation's data) passes the deep
 * check {@link decodeJson}; every request body passes {@link encodeBody} where `ScimClient`
 * serializes it (the 1 MiB cap, `Redacted` values unwrapped only there).
 *
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as internal from "./internal/writeCheck.js"
import { InvalidInput } from "./ScimError.js"

// -------------------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------------------

/**
 * The longest userName: an email address (RFC 5321's limit on a forward path).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxUserNameLength = internal.maxUserNameLength

/**
 * The longest email address.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxEmailLength = internal.maxEmailLength

/**
 * The longest value of any other string attribute (names, titles, group names, extension
 * strings).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxStringLength = internal.maxStringLength

/**
 * The largest request body the client sends, in bytes of UTF-8 JSON (1 MiB).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxBodyBytes = 1_048_576

/**
 * How deep objects and arrays may nest in a value written (a SCIM resource is a few levels deep).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxDepth = internal.maxDepth

/**
 * The attributes whose strings may span lines (TAB, LF and CR allowed, other control characters
 * refused), as attribute paths: `addresses.formatted` is RFC 7643's mailing label, which "MAY
 * contain newlines".
 *
 * @since 0.2.0
 * @category constants
 */
export const multiLineAttributes: ReadonlyArray<string> = internal.multiLineAttributes

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

/**
 * Whether a string holds a control character: C0 (U+0000–U+001F, which includes NUL, TAB, CR
 * and LF), DEL (U+007F) or C1 (U+0080–U+009F).
 *
 * @since 0.2.0
 * @category predicates
 */
export const hasControlCharacter: (s: string) => boolean = internal.hasControlCharacter

/**
 * Whether a multi-line text holds a control character other than TAB, LF and CR (see
 * {@link multiLineAttributes}).
 *
 * @since 0.2.0
 * @category predicates
 */
export const hasControlCharacterMultiLine: (s: string) => boolean = internal.hasControlCharacterMultiLine

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

const entityTagPattern = /^[\x21-\x7e](?:[\x20-\x7e]{0,1022}[\x21-\x7e])?$/

/**
 * Whether a string can be sent as an `If-Match` value: an entity tag as a server gave it in
 * `meta.version` or `ETag` (`W/"3694e05e9dff590"`), `*`, or a list of them: printable ASCII,
 * no leading or trailing space, at most 1,024 characters (nothing that could end the header).
 *
 * @since 0.3.0
 * @category predicates
 */
export const isEntityTag = (s: string): boolean => entityTagPattern.test(s)

/**
 * Why a value was refused as an entity tag (see {@link isEntityTag}).
 *
 * @since 0.3.0
 * @category constants
 */
export const entityTagRule =
  "an entity tag (meta.version, e.g. W/\"3694e05e\"): printable ASCII, at most 1,024 characters"

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
export const splitDomain: (value: string) => QualifiedName = internal.splitDomain

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

// -------------------------------------------------------------------------------------------------
// values written: the deep check
// -------------------------------------------------------------------------------------------------

/**
 * A value to write: JSON whose leaves may also be `Redacted` strings (secrets such as a password,
 * unwrapped only when the request body is serialized: see {@link encodeBody}).
 *
 * @since 0.2.0
 * @category models
 */
export type WriteJson =
  | null
  | boolean
  | number
  | string
  | Redacted.Redacted<string>
  | ReadonlyArray<WriteJson>
  | { readonly [key: string]: WriteJson }

/**
 * What the deep check found wrong: the dotted path of the value at fault (`name.givenName`,
 * `Operations.0.value`) and why. The reason never repeats the value.
 *
 * @since 0.2.0
 * @category models
 */
export interface Problem {
  readonly field: string
  readonly reason: string
}

/**
 * Options of {@link decodeJson}.
 *
 * @since 0.2.0
 * @category models
 */
export interface JsonOptions {
  /** The dotted path a problem in the value itself is reported at (default `""`). */
  readonly field?: string | undefined
  /**
   * The SCIM attribute the value is the value of, which selects per-attribute rules: `""` (the
   * default) for a whole resource or a path-less PATCH value, else a path such as `addresses`
   * or `emails[type eq "work"].value` (see {@link attributeOfPath}).
   */
  readonly attribute?: string | undefined
}

/**
 * The attribute a SCIM attribute path names, as the deep check's rules name attributes:
 * lower case, value filters removed, the core User and Group schema URNs removed
 * (`urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value` is `emails.value`).
 * An extension attribute keeps its URN (`urn:...:enterprise:2.0:user.department`).
 *
 * @since 0.2.0
 * @category predicates
 */
export const attributeOfPath: (path: string) => string = internal.attributeOfPath

/**
 * The rule a string written as `attribute` breaks, if any: control characters (TAB, LF and CR
 * allowed in {@link multiLineAttributes}), the length cap (254 for `userName` without its
 * `<DOMAIN>/` prefix, for `members.display` and for `emails.value`; 1,024 otherwise). The reason
 * never repeats the value.
 *
 * @since 0.2.0
 * @category predicates
 */
export const stringProblem: (attribute: string, value: string) => string | undefined = internal.stringProblem

/**
 * The deep check of a value written (a resource body, a PATCH value, a Bulk operation's data):
 * returns a copy (taken once, so later changes to the input are not sent) or the first problem.
 * Every string and every object key is free of control characters and within its length cap
 * ({@link stringProblem}); numbers are finite; only plain objects, arrays, strings, numbers,
 * booleans, `null` and `Redacted` strings; no cycles; at most {@link maxDepth} levels; a
 * `password` is `Redacted`, never a plain string. `undefined` properties are left out, as
 * `JSON.stringify` does.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decodeJson = (u: unknown, options?: JsonOptions): Either.Either<WriteJson, Problem> => {
  const field = options?.field ?? ""
  try {
    return internal.walk(u, field, attributeOfPath(options?.attribute ?? ""), 0, new Set())
  } catch {
    // A getter that throws, a revoked proxy: not a value that can be written.
    return Either.left({ field, reason: "the value cannot be read" })
  }
}

/**
 * The first problem {@link decodeJson} finds, if any.
 *
 * @since 0.2.0
 * @category predicates
 */
export const jsonProblem = (u: unknown, options?: JsonOptions): Problem | undefined => {
  const r = decodeJson(u, options)
  return Either.isLeft(r) ? r.left : undefined
}

/**
 * The number of bytes of a string in UTF-8.
 *
 * @since 0.2.0
 * @category predicates
 */
export const utf8Length: (s: string) => number = internal.utf8Length

/**
 * The JSON text sent for a value: `JSON.stringify` with `Redacted` values unwrapped. The text
 * holds the secrets: never log it. Throws as `JSON.stringify` does (cycles, BigInt); see
 * {@link encodeBody}.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encodeJson: (value: unknown) => string = internal.encodeJson

/**
 * Serializes a request body, the one place every body passes: `Redacted` values unwrapped, at
 * most {@link maxBodyBytes} bytes of UTF-8. Fails with `InvalidInput` (field `""`) naming the
 * operation otherwise, before any token or HTTP request. `undefined` is no body.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encodeBody = (
  operation: string,
  body: unknown
): Either.Either<string | undefined, InvalidInput> => {
  if (body === undefined) return Either.right(undefined)
  let text: string | undefined
  try {
    text = encodeJson(body)
  } catch {
    return Either.left(new InvalidInput({ operation, field: "", reason: "the request body is not JSON" }))
  }
  if (text === undefined) {
    return Either.left(new InvalidInput({ operation, field: "", reason: "the request body is not JSON" }))
  }
  // Each UTF-16 unit is 1 to 3 bytes: measure only when it matters.
  const bytes = text.length > maxBodyBytes ? text.length : text.length * 3 <= maxBodyBytes ? 0 : utf8Length(text)
  if (bytes > maxBodyBytes) {
    return Either.left(
      new InvalidInput({
        operation,
        field: "",
        reason: `the request body is over ${maxBodyBytes} bytes (1 MiB), the most sent in one request`
      })
    )
  }
  return Either.right(text)
}

/**
 * Typed errors of asgardeo-scim.
 *
 * Every error is a `Schema.TaggedError` with a namespaced identifier, so programs can
 * `Effect.catchTag("NotFound", ...)`. Server errors carry the method, the path (without its
 * query string: filter values are personal data), the HTTP status, the SCIM `scimType` and
 * `detail` and the raw body. No error ever carries a client secret or an access token.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@asgardeo-scim/core/ScimError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The fields every error answered by a server carries.
 *
 * @since 0.1.0
 * @category models
 */
export const HttpErrorFields = {
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The request path, without query string. */
  path: Schema.String,
  /** The HTTP status the server answered. */
  status: Schema.Number,
  /** The SCIM `scimType`, when the body had one (`uniqueness`, `invalidValue`, `InvalidFilter`, ...). */
  scimType: Schema.optional(Schema.String),
  /** The SCIM `detail`, the OAuth `error_description`, or the first line of a plain-text body. */
  detail: Schema.optional(Schema.String),
  /** The raw body, truncated to 4 KiB, with any access token scrubbed. */
  body: Schema.optional(Schema.String)
}

const describeHttp = (self: {
  readonly _tag: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly scimType?: string | undefined
  readonly detail?: string | undefined
}, hint?: string): string =>
  `${self.method} ${self.path} answered ${self.status}` +
  (self.scimType ? ` (${self.scimType})` : "") +
  (self.detail ? `: ${self.detail}` : "") +
  (hint ? `. ${hint}` : "")

/**
 * 400 (and any other 4xx without its own class): the request was invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("@asgardeo-scim/core/ScimError/BadRequest")(
  "BadRequest",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * 401: the server refused the access token. A client-credentials token was dropped and the
 * request retried with a new one first (`retry.maxAttempts` attempts in all, at least one
 * refresh); a static bearer token cannot be refreshed, so its first 401 is final.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@asgardeo-scim/core/ScimError/Unauthorized")(
  "Unauthorized",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(
      this,
      "The server refused the access token (a client-credentials token is refreshed and retried first): " +
        "check the application's credentials, or the static token"
    )
  }
}

/**
 * 403: the token lacks a scope, or the API resource is not authorized for the application.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("@asgardeo-scim/core/ScimError/Forbidden")(
  "Forbidden",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(
      this,
      "Authorize the API resource and its scopes on the application's API Authorization tab in the Asgardeo console"
    )
  }
}

/**
 * 404: the resource does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@asgardeo-scim/core/ScimError/NotFound")(
  "NotFound",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * 409: a user with that userName or a group with that name already exists.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>("@asgardeo-scim/core/ScimError/Conflict")(
  "Conflict",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * 413: a bulk request had too many operations or too large a payload.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>(
  "@asgardeo-scim/core/ScimError/PayloadTooLarge"
)("PayloadTooLarge", HttpErrorFields) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * 429 after the retries ran out, or with a `Retry-After` longer than `maxRetryAfter`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@asgardeo-scim/core/ScimError/RateLimited")(
  "RateLimited",
  {
    ...HttpErrorFields,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    retryAfterMillis: Schema.optional(Schema.Number)
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(
      this,
      this.retryAfterMillis !== undefined
        ? `The server asked to wait ${Math.ceil(this.retryAfterMillis / 1000)} s`
        : "The retries ran out"
    )
  }
}

/**
 * 5xx other than 501, after the retries ran out (or at once for a POST).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@asgardeo-scim/core/ScimError/ServerError")(
  "ServerError",
  HttpErrorFields
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * 501: the server does not support the feature (sorting, complex group filters, an endpoint).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotImplemented extends Schema.TaggedError<NotImplemented>(
  "@asgardeo-scim/core/ScimError/NotImplemented"
)("NotImplemented", HttpErrorFields) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return describeHttp(this)
  }
}

/**
 * The request did not get an answer: connection refused or dropped, DNS failure, timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>(
  "@asgardeo-scim/core/ScimError/TransportError"
)("TransportError", {
  method: Schema.String,
  path: Schema.String,
  reason: Schema.Literal("Transport", "Timeout"),
  /** What the engine said, scrubbed of secrets. */
  description: Schema.optional(Schema.String)
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} ${this.path} got no answer (${this.reason})` +
      (this.description ? `: ${this.description}` : "")
  }
}

/**
 * The server answered, but not with what the protocol promises (malformed JSON, wrong shape,
 * an unexpected status).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>(
  "@asgardeo-scim/core/ScimError/InvalidResponse"
)("InvalidResponse", {
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  reason: Schema.String,
  body: Schema.optional(Schema.String)
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} ${this.path} answered ${this.status} with an invalid response: ${this.reason}`
  }
}

/**
 * The token endpoint refused the client credentials (401 `invalid_client`).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidClient extends Schema.TaggedError<InvalidClient>("@asgardeo-scim/core/ScimError/InvalidClient")(
  "InvalidClient",
  {
    status: Schema.Number,
    error: Schema.String,
    errorDescription: Schema.optional(Schema.String)
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `The token endpoint refused the client credentials (${this.error}` +
      (this.errorDescription ? `: ${this.errorDescription}` : "") +
      "). Check ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET and ASGARDEO_ORG"
  }
}

/**
 * Any other OAuth2 error from the token endpoint (`invalid_request`, `unauthorized_client`,
 * `invalid_scope`, a 5xx, ...). Keeps `error` and `error_description` only: a raw token
 * response can hold a token.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenError extends Schema.TaggedError<TokenError>("@asgardeo-scim/core/ScimError/TokenError")(
  "TokenError",
  {
    status: Schema.Number,
    /** The OAuth `error` code the server sent; absent when it sent none (never invented). */
    error: Schema.optional(Schema.String),
    errorDescription: Schema.optional(Schema.String)
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    const hint = this.error === "unauthorized_client"
      ? ". Enable the Client Credential grant on the application"
      : ""
    const detail = [this.error, this.errorDescription].filter((s) => s !== undefined && s !== "").join(": ")
    return `The token endpoint answered ${this.status}` + (detail === "" ? "" : ` (${detail})`) + hint
  }
}

/**
 * The token does not carry a scope the operation needs: fails before any request is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingScope extends Schema.TaggedError<MissingScope>("@asgardeo-scim/core/ScimError/MissingScope")(
  "MissingScope",
  {
    operation: Schema.String,
    scope: Schema.String,
    granted: Schema.Array(Schema.String)
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.operation} needs the scope ${this.scope}, which the token was not granted. ` +
      `Authorize it on the application's API Authorization tab in the Asgardeo console`
  }
}

/**
 * A raw filter string does not parse.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidFilter extends Schema.TaggedError<InvalidFilter>("@asgardeo-scim/core/ScimError/InvalidFilter")(
  "InvalidFilter",
  {
    /** The offending input. */
    filter: Schema.String,
    /** 0-based character offset of the problem. */
    position: Schema.Number,
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `Invalid filter at position ${this.position}: ${this.reason}`
  }
}

/**
 * A filter uses an operator or construct the target does not support (Asgardeo's user filters:
 * eq ne co sw ew ge le with `and`; group filters: one expression).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedFilter extends Schema.TaggedError<UnsupportedFilter>(
  "@asgardeo-scim/core/ScimError/UnsupportedFilter"
)("UnsupportedFilter", {
  profile: Schema.String,
  reason: Schema.String
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `The ${this.profile} filter profile does not support this filter: ${this.reason}`
  }
}

/**
 * A resource id that cannot be sent as one path segment (not a UUID on Asgardeo; empty, `.`,
 * `..`, with `/` or control characters elsewhere).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidId extends Schema.TaggedError<InvalidId>("@asgardeo-scim/core/ScimError/InvalidId")(
  "InvalidId",
  {
    id: Schema.String,
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `Invalid resource id ${JSON.stringify(this.id.slice(0, 80))}: ${this.reason}`
  }
}

/**
 * Input that fails validation before any request is sent (an empty userName, a malformed
 * email, a password with askPassword, an option the target does not support, ...).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>("@asgardeo-scim/core/ScimError/InvalidInput")(
  "InvalidInput",
  {
    operation: Schema.String,
    /** The field at fault, as a dotted path (`emails.0.value`), or `""` for the whole input. */
    field: Schema.String,
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.operation}: invalid ${this.field === "" ? "input" : this.field}: ${this.reason}`
  }
}

/**
 * Paging stopped because it hit the request cap before the server signalled the end.
 *
 * @since 0.1.0
 * @category errors
 */
export class PagingAborted extends Schema.TaggedError<PagingAborted>("@asgardeo-scim/core/ScimError/PagingAborted")(
  "PagingAborted",
  {
    path: Schema.String,
    requests: Schema.Number,
    resources: Schema.Number,
    reason: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.1.0 */
  override get message(): string {
    return `Paging ${this.path} aborted after ${this.requests} requests and ${this.resources} resources: ${this.reason}`
  }
}

// Names and ids come from a server: quoted (JSON escapes control characters) and bounded.
const quote = (s: string): string => JSON.stringify(s.length > 256 ? `${s.slice(0, 256)}…` : s)

const ambiguous = (
  operation: string,
  what: string,
  name: string,
  kind: string,
  candidates: ReadonlyArray<{ readonly id: string; readonly name: string }>
): string => {
  const shown = candidates.slice(0, 10).map((c) => `${quote(c.name)} (id ${quote(c.id)})`).join(", ")
  const more = candidates.length > 10 ? ` and ${candidates.length - 10} more` : ""
  const example = candidates[0] === undefined ? "" : ` (e.g. ${quote(candidates[0].name)})`
  return `${operation}: the ${what} ${quote(name)} matches ${candidates.length} ${kind}s: ${shown}${more}; ` +
    `qualify the name with its store${example} or use the ${kind}'s id`
}

/**
 * A userName that names more than one user: a search of every user store found it in several
 * stores, or a server answered two users for one name in one store. Nothing was picked: the
 * candidates are listed (id and full userName) so the caller can qualify the name with its store
 * (`PARTNERS/kim@example.com`) or act by id.
 *
 * @since 0.2.0
 * @category errors
 */
export class AmbiguousUser extends Schema.TaggedError<AmbiguousUser>("@asgardeo-scim/core/ScimError/AmbiguousUser")(
  "AmbiguousUser",
  {
    operation: Schema.String,
    /** The name as looked up. */
    userName: Schema.String,
    /** Every user that matched (at least two), with the userName as the server returned it. */
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, userName: Schema.String }))
  }
) {
  /** @since 0.2.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.2.0 */
  override get message(): string {
    return ambiguous(
      this.operation,
      "userName",
      this.userName,
      "user",
      this.candidates.map((c) => ({ id: c.id, name: c.userName }))
    )
  }
}

/**
 * A group name that names more than one group (see {@link AmbiguousUser}).
 *
 * @since 0.2.0
 * @category errors
 */
export class AmbiguousGroup extends Schema.TaggedError<AmbiguousGroup>(
  "@asgardeo-scim/core/ScimError/AmbiguousGroup"
)(
  "AmbiguousGroup",
  {
    operation: Schema.String,
    /** The name as looked up. */
    displayName: Schema.String,
    /** Every group that matched (at least two), with the displayName as the server returned it. */
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, displayName: Schema.String }))
  }
) {
  /** @since 0.2.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.2.0 */
  override get message(): string {
    return ambiguous(
      this.operation,
      "group name",
      this.displayName,
      "group",
      this.candidates.map((c) => ({ id: c.id, name: c.displayName }))
    )
  }
}

/**
 * A schema the server does not define: its `/Schemas` answer (a success) lists no schema with
 * the URN asked for. No request failed, so the error has no method, path or status: it names the
 * URN and the schemas the server does define.
 *
 * @since 0.2.0
 * @category errors
 */
export class SchemaNotFound extends Schema.TaggedError<SchemaNotFound>(
  "@asgardeo-scim/core/ScimError/SchemaNotFound"
)("SchemaNotFound", {
  /** The URN looked up. */
  urn: Schema.String,
  /** The ids of the schemas the server's `/Schemas` listed. */
  available: Schema.Array(Schema.String)
}) {
  /** @since 0.2.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.2.0 */
  override get message(): string {
    const shown = this.available.slice(0, 10).map(quote).join(", ")
    const more = this.available.length > 10 ? ` and ${this.available.length - 10} more` : ""
    return `The server does not define the schema ${quote(this.urn)}: its /Schemas lists ` +
      (this.available.length === 0 ? "no schema" : `${this.available.length}: ${shown}${more}`)
  }
}

/**
 * Attributes that do not match the `Schema` they are read with: a user's custom extension object
 * that fails a `CustomExtension`'s schema. The value was already in hand when it was read (it may
 * come from any response, or from the caller), so the error names the extension and the
 * attribute, not a request or a status.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidAttribute extends Schema.TaggedError<InvalidAttribute>(
  "@asgardeo-scim/core/ScimError/InvalidAttribute"
)("InvalidAttribute", {
  /** The schema URN the attributes are stored under. */
  urn: Schema.String,
  /** The attribute at fault as a dotted path inside it (`badge`, `address.0.city`), or `""` for the whole object. */
  attribute: Schema.String,
  reason: Schema.String
}) {
  /** @since 0.2.0 */
  readonly [TypeId]: TypeId = TypeId
  /** @since 0.2.0 */
  override get message(): string {
    return `The attributes under ${this.urn} do not match their schema: ` +
      `${this.attribute === "" ? "the object" : this.attribute}: ${this.reason}`
  }
}

/**
 * Errors of an operation that reached (or tried to reach) a server.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | PayloadTooLarge
  | RateLimited
  | ServerError
  | NotImplemented
  | TransportError
  | InvalidResponse

/**
 * Errors of getting an access token.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenFailure = InvalidClient | TokenError | TransportError | InvalidResponse | RateLimited

/**
 * Every error of asgardeo-scim.
 *
 * @since 0.1.0
 * @category models
 */
export type ScimError =
  | HttpError
  | InvalidClient
  | TokenError
  | MissingScope
  | InvalidFilter
  | UnsupportedFilter
  | InvalidId
  | InvalidInput
  | PagingAborted
  | AmbiguousUser
  | AmbiguousGroup
  | SchemaNotFound
  | InvalidAttribute

/**
 * @since 0.1.0
 * @category guards
 */
export const isScimError = (u: unknown): u is ScimError => Predicate.hasProperty(u, TypeId)

/**
 * Error classes by HTTP status.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStatus = (fields: {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly scimType?: string | undefined
  readonly detail?: string | undefined
  readonly body?: string | undefined
  readonly retryAfterMillis?: number | undefined
}): HttpError => {
  const base = {
    method: fields.method,
    path: fields.path,
    status: fields.status,
    ...(fields.scimType !== undefined ? { scimType: fields.scimType } : {}),
    ...(fields.detail !== undefined ? { detail: fields.detail } : {}),
    ...(fields.body !== undefined ? { body: fields.body } : {})
  }
  switch (fields.status) {
    case 400:
      return new BadRequest(base)
    case 401:
      return new Unauthorized(base)
    case 403:
      return new Forbidden(base)
    case 404:
      return new NotFound(base)
    case 409:
      return new Conflict(base)
    case 413:
      return new PayloadTooLarge(base)
    case 429:
      return new RateLimited({
        ...base,
        ...(fields.retryAfterMillis !== undefined ? { retryAfterMillis: fields.retryAfterMillis } : {})
      })
    case 501:
      return new NotImplemented(base)
  }
  if (fields.status >= 500) return new ServerError(base)
  if (fields.status >= 400) return new BadRequest(base)
  return new InvalidResponse({
    method: fields.method,
    path: fields.path,
    status: fields.status,
    reason: `unexpected status ${fields.status}`,
    ...(fields.body !== undefined ? { body: fields.body } : {})
  })
}

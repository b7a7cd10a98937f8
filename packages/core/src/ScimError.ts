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
import * as ErrorClass from "./ErrorClass.js"
import { ambiguous, answered, firstTen, quote } from "./internal/errorText.js"

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

// Every class below: a Schema.TaggedError identified as `@asgardeo-scim/core/ScimError/<tag>`,
// carrying `[TypeId]` (see `isScimError`) and a message computed from its fields.
const Make = ErrorClass.make(TypeId, "@asgardeo-scim/core/ScimError")

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

/**
 * 400 (and any other 4xx without its own class): the request was invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Make<BadRequest>()("BadRequest", HttpErrorFields, answered) {}

/**
 * 401: the server refused the access token. A client-credentials token was dropped and the
 * request retried with a new one first (`retry.maxAttempts` attempts in all, at least one
 * refresh); a static bearer token cannot be refreshed, so its first 401 is final.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Make<Unauthorized>()(
  "Unauthorized",
  HttpErrorFields,
  (self) =>
    answered(
      self,
      "The server refused the access token (a client-credentials token is refreshed and retried first): " +
        "check the application's credentials, or the static token"
    )
) {}

/**
 * 403: the token lacks a scope, or the API resource is not authorized for the application.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Make<Forbidden>()(
  "Forbidden",
  HttpErrorFields,
  (self) =>
    answered(
      self,
      "The application is not allowed this operation: grant it the scopes it needs (on Asgardeo: authorize the API resource and its scopes on the application's API Authorization tab)"
    )
) {}

/**
 * 404: the resource does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Make<NotFound>()("NotFound", HttpErrorFields, answered) {}

/**
 * 409: a user with that userName or a group with that name already exists.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Make<Conflict>()("Conflict", HttpErrorFields, answered) {}

/**
 * 413: a bulk request had too many operations or too large a payload.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Make<PayloadTooLarge>()("PayloadTooLarge", HttpErrorFields, answered) {}

/**
 * 412: a write sent with `If-Match` found the resource changed since the version read (someone
 * else wrote it in between). Read it again and apply the change to what is there now.
 *
 * @since 0.3.0
 * @category errors
 */
export class PreconditionFailed extends Make<PreconditionFailed>()(
  "PreconditionFailed",
  HttpErrorFields,
  (self) => answered(self, "The resource changed since it was read: read it again and reapply the change")
) {}

/**
 * 429 after the retries ran out, or with a `Retry-After` longer than `maxRetryAfter`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Make<RateLimited>()(
  "RateLimited",
  {
    ...HttpErrorFields,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    retryAfterMillis: Schema.optional(Schema.Number)
  },
  (self) =>
    answered(
      self,
      self.retryAfterMillis !== undefined
        ? `The server asked to wait ${Math.ceil(self.retryAfterMillis / 1000)} s`
        : "The retries ran out"
    )
) {}

/**
 * 5xx other than 501, after the retries ran out (or at once for a POST).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Make<ServerError>()("ServerError", HttpErrorFields, answered) {}

/**
 * 501: the server does not support the feature (sorting, complex group filters, an endpoint).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotImplemented extends Make<NotImplemented>()("NotImplemented", HttpErrorFields, answered) {}

/**
 * The request did not get an answer: connection refused or dropped, DNS failure, timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Make<TransportError>()(
  "TransportError",
  {
    method: Schema.String,
    path: Schema.String,
    reason: Schema.Literal("Transport", "Timeout"),
    /** What the engine said, scrubbed of secrets. */
    description: Schema.optional(Schema.String)
  },
  (self) =>
    `${self.method} ${self.path} got no answer (${self.reason})` +
    (self.description ? `: ${self.description}` : "")
) {}

/**
 * The server answered, but not with what the protocol promises (malformed JSON, wrong shape,
 * an unexpected status).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidResponse extends Make<InvalidResponse>()(
  "InvalidResponse",
  {
    method: Schema.String,
    path: Schema.String,
    status: Schema.Number,
    reason: Schema.String,
    body: Schema.optional(Schema.String)
  },
  (self) => `${self.method} ${self.path} answered ${self.status} with an invalid response: ${self.reason}`
) {}

/**
 * The token endpoint refused the client credentials (401 `invalid_client`).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidClient extends Make<InvalidClient>()(
  "InvalidClient",
  { status: Schema.Number, error: Schema.String, errorDescription: Schema.optional(Schema.String) },
  (self) =>
    `The token endpoint refused the client credentials (${self.error}` +
    (self.errorDescription ? `: ${self.errorDescription}` : "") +
    "). Check ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET and ASGARDEO_ORG"
) {}

/**
 * Any other OAuth2 error from the token endpoint (`invalid_request`, `unauthorized_client`,
 * `invalid_scope`, a 5xx, ...). Keeps `error` and `error_description` only: a raw token
 * response can hold a token.
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenError extends Make<TokenError>()(
  "TokenError",
  {
    status: Schema.Number,
    /** The OAuth `error` code the server sent; absent when it sent none (never invented). */
    error: Schema.optional(Schema.String),
    errorDescription: Schema.optional(Schema.String)
  },
  (self) => {
    const hint = self.error === "unauthorized_client"
      ? ". Enable the Client Credential grant on the application"
      : ""
    const detail = [self.error, self.errorDescription].filter((s) => s !== undefined && s !== "").join(": ")
    return `The token endpoint answered ${self.status}` + (detail === "" ? "" : ` (${detail})`) + hint
  }
) {}

/**
 * The token does not carry a scope the operation needs: fails before any request is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingScope extends Make<MissingScope>()(
  "MissingScope",
  { operation: Schema.String, scope: Schema.String, granted: Schema.Array(Schema.String) },
  (self) =>
    `${self.operation} needs the scope ${self.scope}, which the token was not granted. ` +
    `Authorize it on the application's API Authorization tab in the Asgardeo console`
) {}

/**
 * The server does not offer a feature the operation needs (`feature`: `bulk`, `etag`, `sort`,
 * ...), by what its `ServiceProviderConfig` advertises (or the target knows); nothing was sent
 * for the operation. `reason` says what the server advertises and what to do instead.
 *
 * @since 0.3.0
 * @category errors
 */
export class Unsupported extends Make<Unsupported>()(
  "Unsupported",
  { operation: Schema.String, feature: Schema.String, reason: Schema.String },
  (self) => `${self.operation}: the server does not support ${self.feature}: ${self.reason}`
) {}

/**
 * A raw filter string does not parse.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidFilter extends Make<InvalidFilter>()(
  "InvalidFilter",
  {
    /** The offending input. */
    filter: Schema.String,
    /** 0-based character offset of the problem. */
    position: Schema.Number,
    reason: Schema.String
  },
  (self) => `Invalid filter at position ${self.position}: ${self.reason}`
) {}

/**
 * A filter uses an operator or construct the target does not support (Asgardeo's user filters:
 * eq ne co sw ew ge le with `and`; group filters: one expression).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedFilter extends Make<UnsupportedFilter>()(
  "UnsupportedFilter",
  { profile: Schema.String, reason: Schema.String },
  (self) => `The ${self.profile} filter profile does not support this filter: ${self.reason}`
) {}

/**
 * A resource id that cannot be sent as one path segment (not a UUID on Asgardeo; empty, `.`,
 * `..`, with `/` or control characters elsewhere).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidId extends Make<InvalidId>()(
  "InvalidId",
  { id: Schema.String, reason: Schema.String },
  (self) => `Invalid resource id ${JSON.stringify(self.id.slice(0, 80))}: ${self.reason}`
) {}

/**
 * Input that fails validation before any request is sent (an empty userName, a malformed
 * email, a password with askPassword, an option the target does not support, ...).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Make<InvalidInput>()(
  "InvalidInput",
  {
    operation: Schema.String,
    /** The field at fault, as a dotted path (`emails.0.value`), or `""` for the whole input. */
    field: Schema.String,
    reason: Schema.String
  },
  (self) => `${self.operation}: invalid ${self.field === "" ? "input" : self.field}: ${self.reason}`
) {}

/**
 * Paging stopped because it hit the request cap before the server signalled the end.
 *
 * @since 0.1.0
 * @category errors
 */
export class PagingAborted extends Make<PagingAborted>()(
  "PagingAborted",
  { path: Schema.String, requests: Schema.Number, resources: Schema.Number, reason: Schema.String },
  (self) =>
    `Paging ${self.path} aborted after ${self.requests} requests and ${self.resources} resources: ${self.reason}`
) {}

/**
 * A userName that names more than one user: a search of every user store found it in several
 * stores, or a server answered two users for one name in one store. Nothing was picked: the
 * candidates are listed (id and full userName) so the caller can qualify the name with its store
 * (`PARTNERS/kim@example.com`) or act by id.
 *
 * @since 0.2.0
 * @category errors
 */
export class AmbiguousUser extends Make<AmbiguousUser>()(
  "AmbiguousUser",
  {
    operation: Schema.String,
    /** The name as looked up. */
    userName: Schema.String,
    /** Every user that matched (at least two), with the userName as the server returned it. */
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, userName: Schema.String }))
  },
  (self) => ambiguous(self.operation, "userName", self.userName, "user", self.candidates, (c) => c.userName)
) {}

/**
 * A group name that names more than one group (see {@link AmbiguousUser}).
 *
 * @since 0.2.0
 * @category errors
 */
export class AmbiguousGroup extends Make<AmbiguousGroup>()(
  "AmbiguousGroup",
  {
    operation: Schema.String,
    /** The name as looked up. */
    displayName: Schema.String,
    /** Every group that matched (at least two), with the displayName as the server returned it. */
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, displayName: Schema.String }))
  },
  (self) => ambiguous(self.operation, "group name", self.displayName, "group", self.candidates, (c) => c.displayName)
) {}

/**
 * A role name that names more than one role (see {@link AmbiguousUser}): on Asgardeo a role name
 * is unique only within its audience, so the same name may be an organization role and an
 * application role, or the roles of two applications. Nothing was picked: the candidates are
 * listed with their audience so the caller can give the audience (`{ audience: { type, value } }`)
 * or act by id.
 *
 * @since 0.4.0
 * @category errors
 */
export class AmbiguousRole extends Make<AmbiguousRole>()(
  "AmbiguousRole",
  {
    operation: Schema.String,
    /** The name as looked up. */
    displayName: Schema.String,
    /** Every role that matched (at least two), with its audience as the server returned it. */
    candidates: Schema.Array(Schema.Struct({
      id: Schema.String,
      displayName: Schema.String,
      audienceType: Schema.optional(Schema.String),
      audienceValue: Schema.optional(Schema.String)
    }))
  },
  (self) =>
    ambiguous(
      self.operation,
      "role name",
      self.displayName,
      "role",
      self.candidates,
      (c) =>
        c.audienceType === undefined && c.audienceValue === undefined
          ? c.displayName
          : `${c.displayName} [${c.audienceType ?? "?"} ${c.audienceValue ?? "?"}]`,
      "give its audience ({ audience: { type, value } })"
    )
) {}

/**
 * A schema the server does not define: its `/Schemas` answer (a success) lists no schema with
 * the URN asked for. No request failed, so the error has no method, path or status: it names the
 * URN and the schemas the server does define.
 *
 * @since 0.2.0
 * @category errors
 */
export class SchemaNotFound extends Make<SchemaNotFound>()(
  "SchemaNotFound",
  {
    /** The URN looked up. */
    urn: Schema.String,
    /** The ids of the schemas the server's `/Schemas` listed. */
    available: Schema.Array(Schema.String)
  },
  (self) =>
    `The server does not define the schema ${quote(self.urn)}: its /Schemas lists ` +
    (self.available.length === 0 ? "no schema" : `${self.available.length}: ${firstTen(self.available, quote)}`)
) {}

/**
 * Attributes that do not match the `Schema` they are read with: a user's custom extension object
 * that fails a `CustomExtension`'s schema. The value was already in hand when it was read (it may
 * come from any response, or from the caller), so the error names the extension and the
 * attribute, not a request or a status.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidAttribute extends Make<InvalidAttribute>()(
  "InvalidAttribute",
  {
    /** The schema URN the attributes are stored under. */
    urn: Schema.String,
    /** The attribute at fault as a dotted path inside it (`badge`, `address.0.city`), or `""` for the whole object. */
    attribute: Schema.String,
    reason: Schema.String
  },
  (self) =>
    `The attributes under ${self.urn} do not match their schema: ` +
    `${self.attribute === "" ? "the object" : self.attribute}: ${self.reason}`
) {}

/**
 * The token endpoint refused to switch to a sub-organization (the organization-switch grant): the
 * organization does not exist or is deactivated, is not below the root organization, the
 * application is not shared with it, or the application may not use the grant (the M2M template
 * cannot). Keeps the OAuth `error` and `error_description` only.
 *
 * @since 0.4.0
 * @category errors
 */
export class OrganizationSwitchFailed extends Make<OrganizationSwitchFailed>()(
  "OrganizationSwitchFailed",
  {
    /** The sub-organization's id. */
    subOrganization: Schema.String,
    status: Schema.Number,
    error: Schema.optional(Schema.String),
    errorDescription: Schema.optional(Schema.String)
  },
  (self) => {
    const detail = [self.error, self.errorDescription].filter((s) => s !== undefined && s !== "").join(": ")
    return `The token endpoint refused to switch to the sub-organization ${self.subOrganization} ` +
      `(${self.status}${detail === "" ? "" : `, ${detail}`}). The application must be a Standard-Based ` +
      "application with the Client Credential and Organization Switch grants, shared with that organization " +
      "(the M2M template cannot switch)"
  }
) {}

/**
 * No organization of that name is visible to the application (the organizations API, searched
 * through the whole tree below the root organization, answered none).
 *
 * @since 0.4.0
 * @category errors
 */
export class OrganizationNotFound extends Make<OrganizationNotFound>()(
  "OrganizationNotFound",
  { operation: Schema.String, name: Schema.String },
  (self) => `${self.operation}: no sub-organization is named ${quote(self.name)}`
) {}

/**
 * An organization name that names more than one sub-organization (names are unique among
 * siblings only): nothing was picked; act by id.
 *
 * @since 0.4.0
 * @category errors
 */
export class AmbiguousOrganization extends Make<AmbiguousOrganization>()(
  "AmbiguousOrganization",
  {
    operation: Schema.String,
    name: Schema.String,
    candidates: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String }))
  },
  (self) =>
    ambiguous(self.operation, "organization name", self.name, "organization", self.candidates, (c) => c.name, false)
) {}

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
  | PreconditionFailed
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
export type TokenFailure =
  | InvalidClient
  | TokenError
  | TransportError
  | InvalidResponse
  | RateLimited
  | SubOrganizationFailure

/**
 * Errors of getting a sub-organization's token beyond the root's: the switch refused, the name
 * naming no or several organizations, or the organizations API's own answer to the name lookup.
 *
 * @since 0.4.0
 * @category models
 */
export type SubOrganizationFailure =
  | OrganizationSwitchFailed
  | OrganizationNotFound
  | AmbiguousOrganization
  | HttpError
  | MissingScope

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
  | Unsupported
  | InvalidFilter
  | UnsupportedFilter
  | InvalidId
  | InvalidInput
  | PagingAborted
  | AmbiguousUser
  | AmbiguousGroup
  | AmbiguousRole
  | SchemaNotFound
  | InvalidAttribute
  | OrganizationSwitchFailed
  | OrganizationNotFound
  | AmbiguousOrganization

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
    case 412:
      return new PreconditionFailed(base)
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

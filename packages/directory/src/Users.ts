/**
 * The `Users` service: create (with a password, as an invitation, with email verification),
 * ensure (create or find), list, search, stream, get, findByUserName, replace, patch, setActive
 * and delete, over core's `ScimClient`.
 *
 * Input is validated before any request is sent; each rule fails with `InvalidInput` naming the
 * field. Every write follows core's `Validation` rules: no control characters, 254 characters for
 * `userName` and emails, 1,024 for other strings, every body (`replace`) and PATCH value through
 * the deep check (`Validation.decodeJson`), passwords `Redacted` only (also in PATCH:
 * `Patch.setPassword`), at most 1 MiB per request body. Filters are checked against the target's user filter profile; on Asgardeo a filter whose
 * values hold `+` or `%` goes through POST `/Users/.search`.
 *
 * @since 0.1.0
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as Patch from "@asgardeo-scim/core/Patch"
import * as Retry from "@asgardeo-scim/core/Retry"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Target from "@asgardeo-scim/core/Target"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/common.js"
import * as Listing from "./internal/listing.js"
import * as Resolve from "./internal/resolve.js"
import * as User from "./User.js"

/**
 * A page of a list call.
 *
 * @since 0.1.0
 * @category models
 */
export type ListResult<A> = internal.ListResult<A>

/**
 * Options of `list` and `search`. `count` defaults to `config.pageSize` (100); `filter` is a
 * string or a `Filter`, decoded at run time (anything else fails with `InvalidFilter` before any
 * request); `domain` (a user store) is Asgardeo-only. There is no `sortBy`: Asgardeo answers 501.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  readonly startIndex?: number | undefined
  readonly count?: number | undefined
  readonly filter?: string | Filter.Filter | undefined
  readonly domain?: string | undefined
}

/**
 * `attributes` or `excludedAttributes`: the resources then guarantee only `id`.
 *
 * @since 0.1.0
 * @category models
 */
export type Projection =
  | { readonly attributes: ReadonlyArray<string>; readonly excludedAttributes?: undefined }
  | { readonly excludedAttributes: ReadonlyArray<string>; readonly attributes?: undefined }

/**
 * Options of `stream`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  readonly filter?: string | Filter.Filter | undefined
  readonly domain?: string | undefined
}

/**
 * A raw PATCH operation (any op case; validated before sending).
 *
 * @since 0.1.0
 * @category models
 */
export interface RawOperation {
  readonly op: string
  readonly path?: string | undefined
  readonly value?: unknown
}

/**
 * Errors of requests that take validated input.
 *
 * @since 0.1.0
 * @category errors
 */
export type WriteError = ScimClient.Error | ScimError.InvalidInput

/**
 * Errors of list, search and lookups.
 *
 * @since 0.1.0
 * @category errors
 */
export type ListError =
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.InvalidFilter
  | ScimError.UnsupportedFilter

/**
 * Options of a lookup by name. `allStores` (Asgardeo only) searches every user store instead of
 * the default one; more than one match then fails with `AmbiguousUser`.
 *
 * @since 0.2.0
 * @category models
 */
export interface FindOptions {
  readonly allStores?: boolean | undefined
}

/**
 * Errors of a lookup by name: those of a list, a name that matches more than one user
 * (`AmbiguousUser`), or a server that keeps answering full pages (`PagingAborted`).
 *
 * @since 0.2.0
 * @category errors
 */
export type FindError = ListError | ScimError.AmbiguousUser | ScimError.PagingAborted

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** POST /Users. Never retried; a 409 fails with `Conflict`. */
  readonly create: (input: User.NewUser) => Effect.Effect<User.User, WriteError>
  /**
   * Creates the user, or finds them by userName when they already exist (409) or when the
   * POST's answer was lost (`TransportError`): `created` tells which. The lookup follows
   * `findByUserName`'s rule: a bare userName is the default store's user, never another store's.
   */
  readonly ensure: (
    input: User.NewUser
  ) => Effect.Effect<{ readonly user: User.User; readonly created: boolean }, FindError>
  /** GET /Users (or POST /Users/.search on Asgardeo when a filter value holds `+` or `%`). */
  readonly list: {
    (options: ListOptions & Projection): Effect.Effect<ListResult<User.Projection>, ListError>
    (options?: ListOptions): Effect.Effect<ListResult<User.User>, ListError>
  }
  /** POST /Users/.search with a SearchRequest body. */
  readonly search: {
    (options: ListOptions & Projection): Effect.Effect<ListResult<User.Projection>, ListError>
    (options?: ListOptions): Effect.Effect<ListResult<User.User>, ListError>
  }
  /**
   * Every user, all pages, once each (core `Paging.stream`): one page is held at a time, and
   * memory grows only by the set of ids seen (to drop repeats), not by the users.
   */
  readonly stream: (options?: StreamOptions) => Stream.Stream<User.User, ListError | ScimError.PagingAborted>
  /** GET /Users/{id}. */
  readonly get: {
    (id: string, options: Projection): Effect.Effect<User.Projection, ScimClient.Error | ScimError.InvalidInput>
    (id: string): Effect.Effect<User.User, ScimClient.Error>
  }
  /**
   * Finds the one user a userName names, ignoring case. On Asgardeo a qualified name
   * (`PARTNERS/kim@example.com`) matches only in that user store and a bare one only in the
   * default store (`defaultUserStore`, `DEFAULT` unless configured); `{ allStores: true }`
   * searches every store. More than one match fails with `AmbiguousUser` listing the candidates,
   * never a guess. On a generic target the name matches exactly as given.
   */
  readonly findByUserName: (
    userName: string,
    options?: FindOptions
  ) => Effect.Effect<Option.Option<User.User>, FindError>
  /** PUT /Users/{id} with the whole user: a get-modify-replace keeps every attribute (`meta` is dropped). */
  readonly replace: (
    id: string,
    user: User.User | { readonly [key: string]: unknown }
  ) => Effect.Effect<User.User, WriteError>
  /** PATCH /Users/{id}. Returns the user (read again when the server answers 204). */
  readonly patch: (
    id: string,
    operations: ReadonlyArray<Patch.PatchOperation | RawOperation>
  ) => Effect.Effect<User.User, WriteError>
  /**
   * Deactivates or reactivates: on Asgardeo `urn:scim:wso2:schema` `accountDisabled`, elsewhere
   * `active`.
   */
  readonly setActive: (id: string, active: boolean) => Effect.Effect<void, WriteError>
  /** DELETE /Users/{id}. */
  readonly delete: (id: string) => Effect.Effect<void, ScimClient.Error>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Users extends Context.Tag("@asgardeo-scim/directory/Users")<Users, Service>() {}

const newUserKeys = new Set(Object.keys(User.NewUser.fields))

const coreKeys = new Set([
  "id",
  "schemas",
  "userName",
  "password",
  "emails",
  "name",
  "meta",
  User.EnterpriseUrn
])

// A look-alike of a Redacted value (plain JavaScript) or a wiped one throws when read.
const readable = (secret: Redacted.Redacted<unknown>): boolean => {
  try {
    Redacted.value(secret)
    return true
  } catch {
    return false
  }
}

const storePrefixReason = "the part before '/' is read as a user store: letters, digits, '.', '_' or '-'"

/**
 * Validates `NewUser` input for a target and builds the canonical POST body (the password stays
 * `Redacted` in it: `ScimClient` unwraps it when it serializes the request). No request is sent.
 * On Asgardeo a bare email userName is sent in `defaultUserStore` (`DEFAULT/kim@example.com`
 * unless another store is given); a bare alphanumeric one only when that store is not `DEFAULT`.
 *
 * @since 0.1.0
 * @category validation
 */
export const prepareCreate = (
  target: Target.Target | "asgardeo" | "generic",
  input: unknown,
  operation = "Users.create",
  defaultUserStore?: string
): Either.Either<{ readonly userName: string; readonly body: Record<string, unknown> }, ScimError.InvalidInput> => {
  const t = Target.isTarget(target) ? target : target === "asgardeo" ? Target.asgardeo : Target.rfc7644
  const stores = t.userStores
  const store = defaultUserStore ?? stores?.primary ?? ScimConfig.primaryUserStore
  const bad = (field: string, reason: string) => Either.left(internal.invalid(operation, field, reason))
  if (!internal.isRecord(input)) return bad("", "expected a NewUser object")
  const wrongUrn = (field: string) =>
    bad(field, `${User.WrongEnterpriseUrn} is not a SCIM schema: use ${User.EnterpriseUrn} (or the enterprise field)`)
  if (User.WrongEnterpriseUrn in input) return wrongUrn(User.WrongEnterpriseUrn)
  if (internal.isRecord(input.attributes) && User.WrongEnterpriseUrn in input.attributes) {
    return wrongUrn(`attributes.${User.WrongEnterpriseUrn}`)
  }
  for (const key of Object.keys(input)) {
    if (!newUserKeys.has(key) && input[key] !== undefined) {
      return bad(key, key.startsWith("urn:") ? "put extension objects under attributes" : "unknown field")
    }
  }
  if (input.password !== undefined && !Redacted.isRedacted(input.password)) {
    return bad("password", "must be Redacted (Redacted.make(...)), so it is never logged")
  }
  if (input.password !== undefined && !readable(input.password)) {
    return bad("password", "the Redacted value cannot be read")
  }
  const decoded = internal.decodeInput(operation, User.NewUser)(input)
  if (Either.isLeft(decoded)) return Either.left(decoded.left)
  const u = decoded.right
  // The password stays Redacted in the body: ScimClient unwraps it when it serializes the request.
  const secret = u.password === undefined ? undefined : Redacted.value(u.password)
  if (secret !== undefined) {
    if (secret === "") return bad("password", "must not be empty")
    if (Validation.hasControlCharacter(secret)) return bad("password", "must not contain control characters")
    if (secret.length > Validation.maxStringLength) {
      return bad("password", `must be at most ${Validation.maxStringLength} characters`)
    }
  }
  const password = secret === undefined ? undefined : Redacted.make(secret)
  if (!t.users.invitations) {
    if (u.askPassword !== undefined) return bad("askPassword", "askPassword is an Asgardeo-only option")
    if (u.verifyEmail !== undefined) return bad("verifyEmail", "verifyEmail is an Asgardeo-only option")
  }
  if (t.userNameFormat !== "email" && u.userNameFormat !== undefined) {
    return bad("userNameFormat", "userNameFormat is an Asgardeo-only option")
  }
  if (
    stores === undefined && Validation.splitDomain(u.userName).domain?.toUpperCase() === ScimConfig.primaryUserStore
  ) {
    return bad("userName", "the DEFAULT/ user-store prefix is Asgardeo-only: leave it out")
  }
  if (u.email !== undefined && u.emails !== undefined) return bad("email", "give email or emails, not both")
  const emails = u.emails ?? (u.email !== undefined ? [{ value: u.email, primary: true }] : undefined)
  const hasEmail = emails !== undefined && emails.length > 0
  if (u.askPassword === true && password !== undefined) {
    return bad("askPassword", "askPassword (an invitation) and a password exclude each other")
  }
  if (u.askPassword === true && !hasEmail) return bad("email", "askPassword needs an email to send the invitation to")
  if (u.verifyEmail === true && !hasEmail) return bad("email", "verifyEmail needs an email to verify")
  if (u.verifyEmail === true && password === undefined) {
    return bad("verifyEmail", "verifyEmail goes with a password (use askPassword for an invitation)")
  }
  if (t.users.passwordOrInvitation && password === undefined && u.askPassword !== true) {
    return bad("password", "Asgardeo needs a password or askPassword: true (an invitation)")
  }
  let userName = u.userName.trim()
  // On a server with user stores what precedes the first `/` is a store; elsewhere `/` is ordinary.
  const split = stores === undefined ? { domain: undefined, name: userName } : Validation.splitDomain(userName)
  const bare = split.name
  if (bare === "") return bad("userName", "must not be empty")
  if (split.domain !== undefined && !Validation.isUserStoreDomain(split.domain)) {
    return bad("userName", storePrefixReason)
  }
  const alphanumeric = u.userNameFormat === "alphanumeric"
  if (t.userNameFormat === "email") {
    if (alphanumeric && !/^[A-Za-z0-9]+$/.test(bare)) {
      return bad("userName", "with alphanumeric usernames, a userName is letters and digits only")
    }
    if (!alphanumeric && !Validation.isEmailAddress(bare)) {
      return bad(
        "userName",
        "on Asgardeo a userName is an email (or set userNameFormat: \"alphanumeric\" when the organization uses that)"
      )
    }
  }
  // A bare name goes to the default store: always for an email (Asgardeo files a bare email in the
  // primary store), for an alphanumeric name only when the default store is not the primary one.
  if (stores !== undefined && split.domain === undefined) {
    if (!alphanumeric || !Validation.sameDomain(store, stores.primary)) userName = Validation.qualify(store, userName)
  }
  if (u.name !== undefined && (u.givenName !== undefined || u.familyName !== undefined)) {
    return bad("givenName", "give name or givenName/familyName, not both")
  }
  const name = u.name ??
    (u.givenName !== undefined || u.familyName !== undefined
      ? {
        ...(u.givenName !== undefined ? { givenName: u.givenName } : {}),
        ...(u.familyName !== undefined ? { familyName: u.familyName } : {})
      }
      : undefined)
  const checked = internal.decodeJson(operation, u.attributes ?? {}, { field: "attributes" })
  if (Either.isLeft(checked)) return Either.left(checked.left)
  const attributes = internal.isRecord(checked.right) ? checked.right : {}
  const addresses = u.addresses === undefined
    ? undefined
    : internal.decodeJson(operation, u.addresses, { field: "addresses", attribute: "addresses" })
  if (addresses !== undefined && Either.isLeft(addresses)) return Either.left(addresses.left)
  for (const key of Object.keys(attributes)) {
    if (coreKeys.has(key) && !(key === User.EnterpriseUrn && u.enterprise === undefined)) {
      return bad(`attributes.${key}`, `set ${key === User.EnterpriseUrn ? "enterprise" : key} with its own field`)
    }
    if (key === User.Wso2Urn && !internal.isRecord(attributes[key])) {
      return bad(`attributes.${key}`, "an extension is an object")
    }
  }
  const wso2: Record<string, unknown> = {
    ...(internal.isRecord(attributes[User.Wso2Urn]) ? attributes[User.Wso2Urn] : {}),
    ...(u.askPassword === true ? { askPassword: true } : {}),
    ...(u.verifyEmail === true ? { verifyEmail: true } : {})
  }
  const enterprise = u.enterprise ?? attributes[User.EnterpriseUrn]
  const { [User.Wso2Urn]: _wso2, [User.EnterpriseUrn]: _ent, ...rest } = attributes
  const extensionUrns = Object.keys(rest).filter((k) => k.startsWith("urn:"))
  const schemas = [
    User.CoreUrn,
    ...(enterprise !== undefined ? [User.EnterpriseUrn] : []),
    ...(Object.keys(wso2).length > 0 ? [User.Wso2Urn] : []),
    ...extensionUrns
  ]
  const copy = (key: keyof User.NewUser) => (u[key] !== undefined ? { [key]: u[key] } : {})
  const body: Record<string, unknown> = {
    schemas,
    userName,
    ...(password !== undefined ? { password } : {}),
    ...(name !== undefined ? { name } : {}),
    ...copy("displayName"),
    ...copy("nickName"),
    ...copy("title"),
    ...copy("userType"),
    ...copy("locale"),
    ...copy("timezone"),
    ...copy("preferredLanguage"),
    ...copy("externalId"),
    ...copy("active"),
    ...(emails !== undefined ? { emails } : {}),
    ...copy("phoneNumbers"),
    ...(addresses !== undefined ? { addresses: addresses.right } : {}),
    ...rest,
    ...(enterprise !== undefined ? { [User.EnterpriseUrn]: enterprise } : {}),
    ...(Object.keys(wso2).length > 0 ? { [User.Wso2Urn]: wso2 } : {})
  }
  return Either.right({ userName, body })
}

const isProjection = Listing.isProjection

/** Why one create-or-find of `ensure` failed: created nowhere for sure (`absent`), or final. */
type EnsureFailure =
  | { readonly absent: ScimError.TransportError | ScimError.ServerError }
  | { readonly final: FindError }

const isEnsureFailure = (u: unknown): u is EnsureFailure =>
  typeof u === "object" && u !== null && !("_tag" in u) && ("absent" in u || "final" in u)

/**
 * Builds the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ScimClient.ScimClient> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  const { settings, target } = client
  const hasStores = target.userStores !== undefined
  const profile = target.filters.users
  const defaultUserStore = settings.defaultUserStore

  const create = (input: User.NewUser): Effect.Effect<User.User, WriteError> =>
    Effect.suspend((): Effect.Effect<User.User, WriteError> => {
      const prepared = prepareCreate(target, input, "Users.create", defaultUserStore)
      if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
      return client.execute({
        operation: "Users.create",
        scope: Scopes.byOperation["Users.create"],
        method: "POST",
        path: "/Users",
        body: prepared.right.body
      }).pipe(Effect.flatMap((res) => internal.decodeResource("POST", "/Users", res, User.User)))
    })

  const listing = Listing.make({ resource: "Users", client, profile, schema: User.User, projection: User.Projection })
  const runList = listing.runList

  const list = ((options?: ListOptions) => runList("Users.list", options)) as Service["list"]
  const search = ((options?: ListOptions) => runList("Users.search", options)) as Service["search"]

  const stream = (options?: StreamOptions) => listing.stream(options)

  const get = ((id: string, options?: Projection) =>
    Effect.suspend((): Effect.Effect<User.User | User.Projection, ScimClient.Error | ScimError.InvalidInput> => {
      const projection = isProjection(options)
      if (projection) {
        for (const key of ["attributes", "excludedAttributes"] as const) {
          const value = (options as Record<string, unknown>)[key]
          if (value === undefined) {
            continue
          }
          if (
            !Array.isArray(value) || value.some((a) =>
              typeof a !== "string" || !Filter.isAttributePath(a)
            )
          ) {
            return internal.fail("Users.get", key, "expected an array of attribute paths")
          }
        }
      }
      const request: ScimClient.Request = {
        operation: "Users.get",
        scope: Scopes.byOperation["Users.get"],
        method: "GET",
        path: "/Users",
        id,
        urlParams: projection
          ? {
            attributes: options?.attributes?.join(","),
            excludedAttributes: options?.excludedAttributes?.join(",")
          }
          : undefined
      }
      return projection ? client.executeDecode(request, User.Projection) : client.executeDecode(request, User.User)
    })) as Service["get"]

  const getUser = (id: string): Effect.Effect<User.User, ScimClient.Error> => get(id)

  const findByUserName = (
    userName: string,
    options?: FindOptions
  ): Effect.Effect<Option.Option<User.User>, FindError> =>
    Effect.suspend((): Effect.Effect<Option.Option<User.User>, FindError> => {
      const wanted = Resolve.prepare(
        "Users.findByUserName",
        "userName",
        client,
        userName,
        options,
        Validation.maxUserNameLength
      )
      if (Either.isLeft(wanted)) return Effect.fail(wanted.left)
      return Resolve.find({
        wanted: wanted.right,
        attribute: "userName",
        nameOf: (u: User.User) => u.userName,
        path: "/Users",
        pageSize: settings.pageSize,
        maxRequests: settings.maxPageRequests,
        fetchPage: (p) => runList("Users.list", p) as Effect.Effect<ListResult<User.User>, ListError>,
        ambiguous: (candidates) =>
          new ScimError.AmbiguousUser({
            operation: "Users.findByUserName",
            userName: wanted.right.asked,
            candidates: candidates.map((u) => ({ id: u.id, userName: u.userName }))
          })
      })
    }).pipe(Effect.withSpan("Users.findByUserName"))

  const ensure = (input: User.NewUser) =>
    Effect.suspend((): Effect.Effect<{ readonly user: User.User; readonly created: boolean }, FindError> => {
      const prepared = prepareCreate(target, input, "Users.ensure", defaultUserStore)
      if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
      const findExisting = <E extends ScimError.Conflict>(error: E) =>
        Effect.flatMap(
          findByUserName(prepared.right.userName),
          Option.match({
            onNone: () => Effect.fail(error),
            onSome: (user) => Effect.succeed({ user, created: false })
          })
        )
      // A 5xx or a lost answer to the POST: the user may or may not exist now. Look; create again
      // only when the look says absent (the client never retries a POST by itself), on the retry
      // policy's backoff. A failure of the look itself is final: nothing is created blind.
      const createOrFind = create(input).pipe(
        Effect.map((user) => ({ user, created: true })),
        Effect.catchTag("Conflict", findExisting),
        Effect.catchIf(Retry.isUnknownOutcome, (error) =>
          Effect.flatMap(
            Effect.mapError(findByUserName(prepared.right.userName), (e): EnsureFailure => ({ final: e })),
            Option.match({
              onNone: () => Effect.fail<EnsureFailure>({ absent: error }),
              onSome: (user) => Effect.succeed({ user, created: false })
            })
          )),
        Effect.mapError((e): EnsureFailure => isEnsureFailure(e) ? e : { final: e })
      )
      return Retry.transient(settings.retry, createOrFind, (e) => "absent" in e ? e.absent : undefined).pipe(
        Effect.mapError((e) => "absent" in e ? e.absent : e.final)
      )
    }).pipe(Effect.withSpan("Users.ensure"))

  const replace = (id: string, user: User.User | { readonly [key: string]: unknown }) =>
    Effect.suspend((): Effect.Effect<User.User, WriteError> => {
      if (!internal.isRecord(user)) return internal.fail("Users.replace", "", "expected a user object")
      if (User.WrongEnterpriseUrn in user) {
        return internal.fail("Users.replace", User.WrongEnterpriseUrn, `use ${User.EnterpriseUrn}`)
      }
      const { meta: _meta, ...rest } = user
      const checked = internal.decodeJson("Users.replace", rest)
      if (Either.isLeft(checked)) return Effect.fail(checked.left)
      const body = internal.isRecord(checked.right) ? checked.right : {}
      if (typeof body.userName !== "string" || body.userName.trim() === "") {
        return internal.fail("Users.replace", "userName", "a PUT replaces the whole user: userName is required")
      }
      const store = Validation.splitDomain(body.userName).domain
      if (hasStores && store !== undefined && !Validation.isUserStoreDomain(store)) {
        return internal.fail(
          "Users.replace",
          "userName",
          storePrefixReason
        )
      }
      if (body.id !== undefined && body.id !== id) {
        return internal.fail("Users.replace", "id", "the body's id differs from the id replaced")
      }
      const schemas = Array.isArray(body.schemas) && body.schemas.length > 0
        ? body.schemas
        : [User.CoreUrn, ...Object.keys(body).filter((k) => k.startsWith("urn:"))]
      return client.execute({
        operation: "Users.replace",
        scope: Scopes.byOperation["Users.replace"],
        method: "PUT",
        path: "/Users",
        id,
        body: { ...body, schemas }
      }).pipe(
        Effect.flatMap((res) =>
          res.body === undefined
            ? getUser(id)
            : internal.decodeResource("PUT", internal.pathById(client, "/Users", id), res, User.User)
        )
      )
    })

  const patchRaw = (
    operation: string,
    id: string,
    operations: ReadonlyArray<Patch.PatchOperation | RawOperation>
  ) =>
    Effect.suspend((): Effect.Effect<ScimClient.Response, WriteError> => {
      const ops = Either.flatMap(
        Patch.decodeOperations(operations, { operation }),
        (ops) => Patch.request(ops, { operation })
      )
      if (Either.isLeft(ops)) return Effect.fail(ops.left)
      // A userName written by PATCH follows the rule of create and replace: on a server with user
      // stores, what precedes the first `/` must be a store.
      for (let i = 0; i < ops.right.Operations.length; i++) {
        const written = internal.writtenValueOf(ops.right.Operations[i]!, "username")
        if (typeof written !== "string" || !hasStores) continue
        const store = Validation.splitDomain(written).domain
        if (store !== undefined && !Validation.isUserStoreDomain(store)) {
          return internal.fail(operation, `Operations.${i}.value`, storePrefixReason)
        }
      }
      return client.execute({
        operation,
        scope: Scopes.byOperation["Users.patch"],
        method: "PATCH",
        path: "/Users",
        id,
        body: ops.right,
        idempotent: Patch.isIdempotent(ops.right.Operations)
      })
    })

  const patch = (id: string, operations: ReadonlyArray<Patch.PatchOperation | RawOperation>) =>
    Effect.flatMap(
      patchRaw("Users.patch", id, operations),
      (res) =>
        res.body === undefined
          ? getUser(id)
          : internal.decodeResource("PATCH", internal.pathById(client, "/Users", id), res, User.User)
    )

  const setActive = (id: string, active: boolean) =>
    typeof active !== "boolean"
      ? internal.fail("Users.setActive", "active", "expected a boolean")
      : Effect.asVoid(
        patchRaw("Users.setActive", id, [target.deactivation(active)])
      )

  const del = (id: string) =>
    Effect.asVoid(client.execute({
      operation: "Users.delete",
      scope: Scopes.byOperation["Users.delete"],
      method: "DELETE",
      path: "/Users",
      id
    }))

  return Users.of({
    create,
    ensure,
    list,
    search,
    stream,
    get,
    findByUserName,
    replace,
    patch,
    setActive,
    delete: del
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Users, never, ScimClient.ScimClient> = Layer.effect(Users, make)

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
import * as Retry from "@asgardeo-scim/core/Retry"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import type * as Target from "@asgardeo-scim/core/Target"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/common.js"
import * as NewUser from "./internal/newUser.js"
import * as Resolve from "./internal/resolve.js"
import * as Resources from "./Resources.js"
import * as StrictSchemas from "./StrictSchemas.js"
import * as User from "./User.js"

/**
 * A page of a list call: `Resources.ListResult`.
 *
 * @since 0.1.0
 * @category models
 */
export type ListResult<A> = Resources.ListResult<A>
/**
 * Options of `list` and `search`: `Resources.ListOptions`.
 *
 * @since 0.1.0
 * @category models
 */
export type ListOptions = Resources.ListOptions
/**
 * `attributes` or `excludedAttributes`: `Resources.Projection`.
 *
 * @since 0.1.0
 * @category models
 */
export type Projection = Resources.Projection
/**
 * Options of `stream`: `Resources.StreamOptions`.
 *
 * @since 0.1.0
 * @category models
 */
export type StreamOptions = Resources.StreamOptions
/**
 * A raw PATCH operation, validated before sending: `Resources.RawOperation`.
 *
 * @since 0.1.0
 * @category models
 */
export type RawOperation = Resources.RawOperation
/**
 * Errors of requests that take validated input: `Resources.WriteError`.
 *
 * @since 0.1.0
 * @category errors
 */
export type WriteError = Resources.WriteError
/**
 * Errors of list, search and lookups: `Resources.ListError`.
 *
 * @since 0.1.0
 * @category errors
 */
export type ListError = Resources.ListError

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
  ) => Effect.Effect<{ readonly user: User.User; readonly created: boolean }, FindError | ScimError.InvalidAttribute>
  /** GET /Users (or POST /Users/.search on Asgardeo when a filter value holds `+` or `%`). */
  readonly list: Resources.Service<User.User, User.Projection>["list"]
  /** POST /Users/.search with a SearchRequest body. */
  readonly search: Resources.Service<User.User, User.Projection>["search"]
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
  readonly replace: Resources.Service<User.User, User.Projection>["replace"]
  /** PATCH /Users/{id}. Returns the user (read again when the server answers 204). */
  readonly patch: Resources.Service<User.User, User.Projection>["patch"]
  /**
   * Deactivates or reactivates: on Asgardeo `urn:scim:wso2:schema` `accountDisabled`, elsewhere
   * `active`.
   */
  readonly setActive: (id: string, active: boolean) => Effect.Effect<void, WriteError>
  /**
   * Read, apply `f`, replace with `If-Match`; again on 412 (see `Resources.Service.update`).
   *
   * @since 0.3.0
   */
  readonly update: Resources.Service<User.User, User.Projection>["update"]
  /** DELETE /Users/{id}; with `ifMatch`, only if still at that version. */
  readonly delete: Resources.Service<User.User, User.Projection>["delete"]
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Users extends Context.Tag("@asgardeo-scim/directory/Users")<Users, Service>() {}

/**
 * Validates `NewUser` input for a target and builds the canonical POST body (the password stays
 * `Redacted` in it: `ScimClient` unwraps it when it serializes the request). No request is sent.
 * On Asgardeo a bare email userName is sent in `defaultUserStore` (`DEFAULT/kim@example.com`
 * unless another store is given); a bare alphanumeric one only when that store is not `DEFAULT`.
 *
 * @since 0.1.0
 * @category validation
 */
export const prepareCreate: (
  target: Target.Target | "asgardeo" | "generic",
  input: unknown,
  operation?: string,
  defaultUserStore?: string
) => Either.Either<{ readonly userName: string; readonly body: Record<string, unknown> }, ScimError.InvalidInput> =
  NewUser.prepareCreate

/** What `ensure` fails with: a lookup's errors, and strict mode's refusal of the create. */
type EnsureError = FindError | ScimError.InvalidAttribute

/** Why one create-or-find of `ensure` failed: created nowhere for sure (`absent`), or final. */
type EnsureFailure =
  | { readonly absent: ScimError.TransportError | ScimError.ServerError }
  | { readonly final: EnsureError }

const isEnsureFailure = (u: unknown): u is EnsureFailure =>
  typeof u === "object" && u !== null && !("_tag" in u) && ("absent" in u || "final" in u)

/**
 * Builds the service: the generic resource service over `/Users` (`Resources.users`), with the
 * rules of a new user (`prepareCreate`) and of a replacing body (the right enterprise URN, a
 * userName), plus `ensure`, `findByUserName` and `setActive`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ScimClient.ScimClient> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  const { settings, target } = client
  const defaultUserStore = settings.defaultUserStore
  const strict = Option.getOrUndefined(yield* Effect.serviceOption(StrictSchemas.StrictSchemas))

  const resources = yield* Resources.build(client, Resources.users, {
    strict,
    create: (operation, input) => {
      const prepared = prepareCreate(target, input, operation, defaultUserStore)
      return Either.isLeft(prepared) ? Effect.fail(prepared.left) : Effect.succeed(prepared.right.body)
    },
    replace: (operation, body) => {
      if (User.WrongEnterpriseUrn in body) {
        return internal.fail(operation, User.WrongEnterpriseUrn, `use ${User.EnterpriseUrn}`)
      }
      if (typeof body.userName !== "string" || body.userName.trim() === "") {
        return internal.fail(operation, "userName", "a PUT replaces the whole user: userName is required")
      }
      return Effect.succeed(body)
    }
  })

  const create = (input: User.NewUser): Effect.Effect<User.User, WriteError> => resources.create(input)

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
      return resources.findOne({
        wanted: wanted.right,
        attribute: "userName",
        nameOf: (u) => u.userName,
        ambiguous: (candidates) =>
          new ScimError.AmbiguousUser({
            operation: "Users.findByUserName",
            userName: wanted.right.asked,
            candidates: candidates.map((u) => ({ id: u.id, userName: u.userName }))
          })
      })
    }).pipe(Effect.withSpan("Users.findByUserName"))

  const ensure = (input: User.NewUser) =>
    Effect.suspend((): Effect.Effect<{ readonly user: User.User; readonly created: boolean }, EnsureError> => {
      const prepared = prepareCreate(target, input, "Users.ensure", defaultUserStore)
      if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
      const lookUp = findByUserName(prepared.right.userName)
      const findExisting = (error: ScimError.Conflict) =>
        Effect.flatMap(
          lookUp,
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
            Effect.mapError(lookUp, (e): EnsureFailure => ({ final: e })),
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

  const setActive = (id: string, active: boolean) =>
    typeof active !== "boolean"
      ? internal.fail("Users.setActive", "active", "expected a boolean")
      : Effect.asVoid(resources.patchRaw("Users.setActive", id, [target.deactivation(active)]))

  return Users.of({
    create,
    ensure,
    list: resources.list as Service["list"],
    search: resources.search as Service["search"],
    stream: resources.stream,
    get: resources.get as Service["get"],
    findByUserName,
    replace: resources.replace,
    patch: resources.patch,
    setActive,
    update: resources.update as Resources.Service<User.User, User.Projection>["update"],
    delete: resources.delete
  })
})

/**
 * The `Users` service, from a `ScimClient` (`Directory.layer` provides both).
 *
 * @example
 * ```ts
 * import { Directory, Users } from "@asgardeo-scim/directory"
 * import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
 * import { Effect, Layer, Option } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const users = yield* Users.Users
 *   // POST /Users: an invitation (Asgardeo emails the user a link to set a password).
 *   const kim = yield* users.create({
 *     userName: "kim@example.com",
 *     email: "kim@example.com",
 *     givenName: "Kim",
 *     familyName: "Lee",
 *     askPassword: true
 *   })
 *   // GET /Users/{id}: the whole user, as the server wrote it (`DEFAULT/` is the user store).
 *   const user = yield* users.get(kim.id)
 *   assert.strictEqual(user.userName, "DEFAULT/kim@example.com")
 *   assert.strictEqual(user.name?.givenName, "Kim")
 *   // By userName, in the default user store; `Option.none()` when nobody has it.
 *   const found = yield* users.findByUserName("kim@example.com")
 *   assert.strictEqual(Option.getOrThrow(found).id, kim.id)
 *   // A missing user is a typed error, `NotFound`.
 *   const missing = yield* users.get("5f2e3b0c-0000-4000-8000-000000000000").pipe(Effect.flip)
 *   assert.strictEqual(missing._tag, "NotFound")
 * })
 *
 * // On the in-memory emulator; `Directory.layerConfig()` and an `HttpClient` for a real organization.
 * Effect.runPromise(program.pipe(Effect.provide(Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest())))))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Users, never, ScimClient.ScimClient> = Layer.effect(Users, make)

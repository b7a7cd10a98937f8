/**
 * One layer for the whole directory: `Users`, `Groups`, `Roles`, `Bulk` and `Discovery`, plus core's
 * `ScimClient`, `AccessToken` and `RateLimiter`, from `ScimConfig` and an `HttpClient`. A
 * program needs one `Effect.provide` and a choice of HTTP engine (see the example).
 *
 * The layer is scoped: closing it (the end of `Effect.provide`, or of a `ManagedRuntime`) stops
 * background token refreshes, as the Python client's `close()` / `async with` does.
 *
 * @example
 * ```ts
 * import { Directory, Users } from "@asgardeo-scim/directory"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.flatMap(Users.Users, (users) => users.list({ count: 10 }))
 *
 * // The organization of ASGARDEO_ORG, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET, over fetch.
 * export const main = () =>
 *   program.pipe(
 *     Effect.provide(Directory.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
 *     Effect.runPromise
 *   )
 * ```
 *
 * @since 0.1.0
 */
import type * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Discovery from "@asgardeo-scim/core/Discovery"
import * as Organizations from "@asgardeo-scim/core/Organizations"
import type * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import { InvalidInput } from "@asgardeo-scim/core/ScimError"
import * as SubOrganization from "@asgardeo-scim/core/SubOrganization"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Bulk from "./Bulk.js"
import * as Groups from "./Groups.js"
import * as Roles from "./Roles.js"
import * as StrictSchemas from "./StrictSchemas.js"
import * as Users from "./Users.js"

/**
 * Everything the directory layer provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Users.Users
  | Groups.Groups
  | Roles.Roles
  | Bulk.Bulk
  | Discovery.Discovery
  | Organizations.Organizations
  | ScimClient.ScimClient
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter

/**
 * The directory's services over a SCIM client built elsewhere: a `ScimClient` with its
 * `AccessToken` and `RateLimiter` (for instance a rate limiter whose budget several processes
 * share, `@asgardeo-scim/workflow`'s `SharedBudget`). `layer` is this over `ScimClient.layer`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerOverClient: Layer.Layer<
  Exclude<Services, ScimClient.ScimClient | AccessToken.AccessToken | RateLimiter.RateLimiter>,
  never,
  | ScimConfig.ScimConfig
  | HttpClient.HttpClient
  | ScimClient.ScimClient
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter
> = Layer.mergeAll(Users.layer, Groups.layer, Roles.layer, Bulk.layer, Organizations.layer).pipe(
  Layer.provideMerge(Discovery.layer)
)

/**
 * The directory from `ScimConfig` and an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, never, ScimConfig.ScimConfig | HttpClient.HttpClient> = layerOverClient.pipe(
  Layer.provideMerge(ScimClient.layer)
)

/**
 * The directory in strict mode (see `StrictSchemas`): `Users`, `Groups` and `Resources.make`
 * services check each create, replace and PATCH against the server's `/Schemas` and
 * `/ResourceTypes` (read once, on the first write) before sending it, and, with
 * `responses: "warn" | "fail"`, check the resources answered. Compose it with a configuration
 * as `layer` is: `Directory.layerStrict().pipe(Layer.provideMerge(ScimConfig.layerGeneric(options)))`.
 * Options that are not strict mode's fail the layer with `InvalidInput`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layerStrict = (
  options?: StrictSchemas.Options
): Layer.Layer<
  Services | StrictSchemas.StrictSchemas,
  ScimError.InvalidInput,
  ScimConfig.ScimConfig | HttpClient.HttpClient
> =>
  Layer.mergeAll(Users.layer, Groups.layer, Roles.layer, Bulk.layer, Organizations.layer).pipe(
    Layer.provideMerge(StrictSchemas.layer(options)),
    Layer.provideMerge(Discovery.layer),
    Layer.provideMerge(ScimClient.layer)
  )

/**
 * The directory for an Asgardeo organization, from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAsgardeo = (
  options: ScimConfig.Options
): Layer.Layer<Services | ScimConfig.ScimConfig, ConfigError.ConfigError, HttpClient.HttpClient> =>
  layer.pipe(Layer.provideMerge(ScimConfig.layer(options)))

/**
 * The directory for an Asgardeo organization, from `ASGARDEO_ORG`, `ASGARDEO_CLIENT_ID`,
 * `ASGARDEO_CLIENT_SECRET` and the optional `ASGARDEO_BASE_URL`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides?: Parameters<typeof ScimConfig.layerConfig>[0]
): Layer.Layer<Services | ScimConfig.ScimConfig, ConfigError.ConfigError, HttpClient.HttpClient> =>
  layer.pipe(Layer.provideMerge(ScimConfig.layerConfig(overrides)))

/**
 * The directory for any RFC 7644 server: a SCIM base URL and a bearer token or OAuth2 client
 * credentials. Asgardeo-only options are refused with `InvalidInput`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGeneric = (
  options: ScimConfig.GenericOptions
): Layer.Layer<Services | ScimConfig.ScimConfig, ConfigError.ConfigError, HttpClient.HttpClient> =>
  layer.pipe(Layer.provideMerge(ScimConfig.layerGeneric(options)))

/**
 * The directory of a sub-organization, on top of the root organization's layer (its
 * `ScimConfig`, `AccessToken`, `RateLimiter` and `HttpClient`): Users, Groups, Roles, Bulk and the rest
 * act on `{organizationUrl}/o/scim2` with switched tokens exchanged for the root's token (see
 * `SubOrganization`), and share the root's rate budget. The root's own services are untouched.
 *
 * @example
 * ```ts
 * import { Directory, Users } from "@asgardeo-scim/directory"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const Root = Directory.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * const AbcBuilders = Directory.layerSubOrganization({ name: "ABC Builders" }).pipe(Layer.provide(Root))
 *
 * export const count = Effect.flatMap(Users.Users, (users) => users.list({ count: 1 })).pipe(
 *   Effect.map((page) => page.totalResults),
 *   Effect.provide(AbcBuilders)
 * )
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layerSubOrganization = (
  subOrganization: ScimConfig.SubOrganization
): Layer.Layer<
  Exclude<Services, RateLimiter.RateLimiter> | ScimConfig.ScimConfig,
  ConfigError.ConfigError,
  ScimConfig.ScimConfig | AccessToken.AccessToken | RateLimiter.RateLimiter | HttpClient.HttpClient
> =>
  Layer.mergeAll(Users.layer, Groups.layer, Roles.layer, Bulk.layer, Organizations.layer).pipe(
    Layer.provideMerge(Discovery.layer),
    Layer.provideMerge(ScimClient.layerWithoutDependencies),
    Layer.provideMerge(SubOrganization.layer(subOrganization))
  )

/**
 * What {@link forEachSubOrganization} did in one sub-organization.
 *
 * @since 0.4.0
 * @category models
 */
export interface SubOrganizationResult<A, E> {
  readonly organization: Organizations.Organization
  /** The program's result, or why it (or switching to the organization) failed. */
  readonly result: Either.Either<A, E | ConfigError.ConfigError>
}

/**
 * Runs `program` in each sub-organization the organizations API lists (`filter`, `recursive`:
 * as `Organizations.stream`; the API's default is the direct children only), with that
 * sub-organization's directory (`layerSubOrganization`), one root token and one rate budget for
 * all of them. A failure in one sub-organization (its program's error, or a refused switch:
 * `OrganizationSwitchFailed` when the application is not shared with it) is recorded in its
 * result and the others still run; a failure to list the organizations fails the whole call.
 * `concurrency` sub-organizations at a time (default 1). Interrupting the call interrupts every
 * program in flight.
 *
 * @since 0.4.0
 * @category combinators
 */
export const forEachSubOrganization = <A, E, R>(
  program: (organization: Organizations.Organization) => Effect.Effect<A, E, R>,
  options?: Organizations.ListOptions & { readonly concurrency?: number | undefined }
): Effect.Effect<
  ReadonlyArray<SubOrganizationResult<A, E>>,
  Organizations.Error | ScimError.InvalidInput,
  | Exclude<R, Exclude<Services, RateLimiter.RateLimiter> | ScimConfig.ScimConfig>
  | Organizations.Organizations
  | ScimConfig.ScimConfig
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter
  | HttpClient.HttpClient
> =>
  Effect.gen(function*() {
    const operation = "Directory.forEachSubOrganization"
    // Plain JavaScript may pass anything: refused before the listing's request.
    if (typeof program !== "function") {
      return yield* Effect.fail(
        new InvalidInput({ operation, field: "program", reason: "a function from an organization to an Effect" })
      )
    }
    if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
      return yield* Effect.fail(
        new InvalidInput({ operation, field: "options", reason: "the options must be an object" })
      )
    }
    const { concurrency, ...listOptions } = options ?? {}
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
      return yield* Effect.fail(
        new InvalidInput({
          operation,
          field: "concurrency",
          reason: "an integer from 1 to 64"
        })
      )
    }
    const organizations = yield* Organizations.Organizations
    return yield* organizations.stream(listOptions).pipe(
      Stream.mapEffect(
        (organization) =>
          Effect.map(
            Effect.either(
              Effect.provide(program(organization), layerSubOrganization({ id: organization.id }))
            ),
            (result): SubOrganizationResult<A, E> => ({ organization, result })
          ),
        { concurrency: concurrency ?? 1 }
      ),
      Stream.runCollect,
      Effect.map((chunk) => Array.from(chunk))
    )
  }).pipe(Effect.withSpan("Directory.forEachSubOrganization"))

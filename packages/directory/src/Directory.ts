/**
 * One layer for the whole directory: `Users`, `Groups`, `Bulk` and `Discovery`, plus core's
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
import type * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Bulk from "./Bulk.js"
import * as Groups from "./Groups.js"
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
  | Bulk.Bulk
  | Discovery.Discovery
  | ScimClient.ScimClient
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter

/**
 * The directory from `ScimConfig` and an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Services, never, ScimConfig.ScimConfig | HttpClient.HttpClient> = Layer
  .mergeAll(Users.layer, Groups.layer, Bulk.layer).pipe(
    Layer.provideMerge(Discovery.layer),
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
  Layer.mergeAll(Users.layer, Groups.layer, Bulk.layer).pipe(
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

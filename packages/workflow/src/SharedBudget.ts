/**
 * One rate budget shared by every runner: the `RateLimiter` of `@asgardeo-scim/core`, with its
 * state in a row of the database the runners already share (`Storage`), instead of in memory.
 *
 * Asgardeo counts its limits per source address (200 SCIM and 200 token requests a minute, 5
 * Bulk requests), and runners usually leave through one egress address: they must spend one
 * budget between them, and a 429 seen by one must slow all of them. The limiter's decisions are
 * core's (sliding-window budgets, the shared pause on `Retry-After`, the adaptive rate); only
 * where its state lives changes.
 *
 * - The row: table `asgardeo_scim_budget (key TEXT PRIMARY KEY, state TEXT, updated_at BIGINT)`,
 *   created if missing, one row per budget key. The state is JSON, read back as hostile (see
 *   `RateLimiter.decodeState`): a row that is unreadable or out of bounds is replaced by a fresh
 *   state.
 * - The key: the organization (`https://api.asgardeo.io/t/acme`; a sub-organization shares its
 *   root organization's budget, as it does in one process), or `key` in its place; with `egress`
 *   (`ASGARDEO_EGRESS` for {@link layerConfig}) appended, so that runners behind different egress
 *   addresses each get their own budget. Asgardeo documents its limits per address, not per
 *   organization: programs that reach several organizations from one address can give them one
 *   `key`.
 * - A request: one transaction on the row (PostgreSQL: `SELECT ... FOR UPDATE`; SQLite:
 *   compare-and-set), two when it had to wait for its slot, and one more for its answer.
 * - Time: each runner reads its own clock; runners' clocks must agree to well under a second
 *   (NTP does).
 * - The database failing: the runner goes on with its own copy of the budget (it still honours
 *   the budget, the pauses it saw and its own 429s), logs a warning, and tries the database again
 *   after `fallbackFor`. A request is never failed nor held longer than `timeout` by the budget.
 *
 * @since 0.5.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Directory from "@asgardeo-scim/directory/Directory"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as BudgetStore from "./internal/budgetStore.js"

/**
 * Options of {@link layer}.
 *
 * @since 0.5.0
 * @category models
 */
export interface Options {
  /**
   * A name for the egress address this runner's requests leave from (`eu-nat-1`): runners with
   * the same name (or none) share a budget, runners with different names each have their own.
   */
  readonly egress?: string | undefined
  /** The budget's name in place of the organization's URL (see the module's note). */
  readonly key?: string | undefined
  /** Whether 429s adapt the send rate (core's `RateLimiter.Options`). Default true. */
  readonly adaptive?: boolean | undefined
  /** The longest a database call of the budget may take before the runner goes on alone. Default 2 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** How long the runner goes on alone after the database failed, before it tries again. Default 5 seconds. */
  readonly fallbackFor?: Duration.DurationInput | undefined
}

/**
 * The table the budgets are kept in.
 *
 * @since 0.5.0
 * @category constants
 */
export const table: string = BudgetStore.table

const maxKeyLength = 1000

const PositiveDuration = Schema.declare(
  (u: unknown): u is Duration.DurationInput =>
    Option.match(Duration.decodeUnknown(u), {
      onNone: () => false,
      onSome: (d) => Duration.isFinite(d) && Duration.greaterThan(d, Duration.zero)
    }),
  { message: () => "must be a positive, finite duration" }
)

const OptionsSchema = Schema.Struct({
  egress: Schema.optional(Schema.UndefinedOr(Validation.NonEmptySafeString(200))),
  key: Schema.optional(Schema.UndefinedOr(Validation.NonEmptySafeString(maxKeyLength))),
  adaptive: Schema.optional(Schema.UndefinedOr(Schema.Boolean)),
  timeout: Schema.optional(Schema.UndefinedOr(PositiveDuration)),
  fallbackFor: Schema.optional(Schema.UndefinedOr(PositiveDuration))
})

const decodeOptions = (options: unknown): Either.Either<typeof OptionsSchema.Type, ConfigError.ConfigError> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(OptionsSchema)(options),
    (error) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const path = issue === undefined ? [] : issue.path.map(String)
      return ConfigError.InvalidData(
        path,
        `SharedBudget option ${path.join(".") || "options"}: ${issue?.message ?? "invalid"}`
      )
    }
  )

/**
 * The budget key of a configuration: `key` or the organization's URL (the root organization's
 * for a sub-organization; the SCIM base URL on a generic target), then ` egress=<egress>` when
 * an egress is named.
 *
 * @since 0.5.0
 * @category constructors
 */
export const budgetKey = (
  config: ScimConfig.Service,
  options: { readonly key?: string | undefined; readonly egress?: string | undefined } = {}
): string => {
  const base = options.key?.trim() ?? config.organizationUrl ?? config.scimBaseUrl
  const egress = options.egress?.trim()
  return egress === undefined ? base : `${base} egress=${egress}`
}

/**
 * The shared limiter: its state in the `SqlClient`'s database, its budgets those of
 * `ScimConfig` (`rateLimits`: Asgardeo's published limits on Asgardeo). Creates the table and
 * the row when missing. Fails with `ConfigError` on a bad option or a database that is neither
 * SQLite nor PostgreSQL, with `SqlError` when the table cannot be created.
 *
 * @since 0.5.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<
  RateLimiter.Service,
  ConfigError.ConfigError | SqlError,
  SqlClient.SqlClient | ScimConfig.ScimConfig
> =>
  Effect.gen(function*() {
    const decoded = yield* decodeOptions(options)
    const config = yield* ScimConfig.ScimConfig
    const sql = yield* SqlClient.SqlClient
    const store = yield* BudgetStore.make(sql, {
      key: budgetKey(config, decoded),
      budgets: config.rateLimits,
      adaptive: decoded.adaptive ?? true,
      timeout: Duration.decode(decoded.timeout ?? Duration.seconds(2)),
      fallbackFor: Duration.decode(decoded.fallbackFor ?? Duration.seconds(5))
    })
    return yield* RateLimiter.makeWith(store)
  }).pipe(Effect.withSpan("SharedBudget.make"))

/**
 * The shared limiter as the `RateLimiter` service: provide it to `ScimClient.layerWithoutDependencies`
 * and `AccessToken.layer` in place of `RateLimiter.layer`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layer = (options: Options = {}): BudgetLayer => Layer.effect(RateLimiter.RateLimiter, make(options))

type BudgetLayer = Layer.Layer<
  RateLimiter.RateLimiter,
  ConfigError.ConfigError | SqlError,
  SqlClient.SqlClient | ScimConfig.ScimConfig
>

/**
 * Where {@link layerConfig} reads the options by default: the optional `ASGARDEO_EGRESS`.
 *
 * @since 0.5.0
 * @category constants
 */
export const defaultConfig: Config.Config.Wrap<Options> = {
  egress: Config.string("ASGARDEO_EGRESS").pipe(
    Config.option,
    Config.map((o) => Option.getOrUndefined(Option.filter(o, (s) => s.trim() !== "")))
  )
}

/**
 * {@link layer} with its options from `Config`: by default {@link defaultConfig}
 * (`ASGARDEO_EGRESS`); options given are merged over it.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options> = {}
): BudgetLayer =>
  Layer.effect(
    RateLimiter.RateLimiter,
    Effect.flatMap(
      Config.unwrap(Config.isConfig(options) ? options : { ...defaultConfig, ...options }),
      make
    )
  )

/**
 * The directory's services (`Directory.Services` of `@asgardeo-scim/directory`) with every
 * request within the shared budget: `Directory.layerOverClient` over a SCIM client whose rate
 * limiter is {@link layerConfig} (so `ASGARDEO_EGRESS` names this runner's egress). Use it where
 * a runner would use `Directory.layer`: it needs `ScimConfig`, an `HttpClient` and the storage's
 * `SqlClient`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerDirectory = (
  options: Config.Config.Wrap<Options> = {}
): Layer.Layer<
  Directory.Services,
  ConfigError.ConfigError | SqlError,
  SqlClient.SqlClient | ScimConfig.ScimConfig | HttpClient.HttpClient
> =>
  Directory.layerOverClient.pipe(
    Layer.provideMerge(ScimClient.layerWithoutDependencies),
    Layer.provideMerge(AccessToken.layer),
    Layer.provideMerge(layerConfig(options))
  )

/**
 * Resolving options into the configuration: defaults, checks, `Config` values read.
 *
 * @internal
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Retry from "../Retry.js"
import type * as ScimConfig from "../ScimConfig.js"
import type * as Target from "../Target.js"
import * as internal from "./configValidation.js"

/** Asgardeo's published limits: 200/min for SCIM and token, 5/min for Bulk. @internal */
export const asgardeoRateLimits: ScimConfig.RateLimits = {
  scim: { limit: 200, window: Duration.minutes(1) },
  token: { limit: 200, window: Duration.minutes(1) },
  bulk: { limit: 5, window: Duration.minutes(1) }
}

/** @internal */
export const retryPolicy = (options: Retry.Options | undefined) =>
  Effect.gen(function*() {
    const o = options ?? {}
    const numbers = {
      maxAttempts: yield* internal.validatePositiveInt("retry.maxAttempts", o.maxAttempts, 4),
      baseDelay: yield* internal.validateDuration("retry.baseDelay", o.baseDelay, Duration.millis(200)),
      maxDelay: yield* internal.validateDuration("retry.maxDelay", o.maxDelay, Duration.seconds(10)),
      maxRetryAfter: yield* internal.validateDuration("retry.maxRetryAfter", o.maxRetryAfter, Duration.seconds(60)),
      maxRateLimitWait: yield* internal.validateDuration(
        "retry.maxRateLimitWait",
        o.maxRateLimitWait,
        Duration.minutes(2)
      )
    }
    const schedule = o.schedule === undefined
      ? undefined
      : Schedule.isSchedule(o.schedule)
      ? o.schedule as Schedule.Schedule<unknown, Retry.Input>
      : yield* Effect.fail(internal.invalid("retry.schedule", "retry.schedule must be a Schedule (effect/Schedule)"))
    return Retry.make({ ...numbers, schedule })
  })

/** @internal */
export const common = (
  options: ScimConfig.CommonOptions,
  host: string,
  target: Target.Target
): Effect.Effect<
  Pick<
    ScimConfig.Service,
    "tokenRefreshBuffer" | "timeout" | "retry" | "rateLimits" | "pageSize" | "maxPageRequests" | "transformClient"
  >,
  ConfigError.ConfigError
> =>
  Effect.gen(function*() {
    const tokenRefreshBuffer = yield* internal.validateDuration(
      "tokenRefreshBuffer",
      options.tokenRefreshBuffer,
      Duration.seconds(300)
    )
    const timeout = yield* internal.validateDuration("timeout", options.timeout, Duration.seconds(30))
    const retry = yield* retryPolicy(options.retry)
    let rateLimits: ScimConfig.RateLimits | undefined
    if (options.rateLimits === false) {
      rateLimits = undefined
    } else if (options.rateLimits === undefined) {
      rateLimits = host === "asgardeo.io" || host.endsWith(".asgardeo.io") ? asgardeoRateLimits : undefined
    } else if (typeof options.rateLimits !== "object" || options.rateLimits === null) {
      return yield* Effect.fail(internal.invalid("rateLimits", "rateLimits must be false or an object of budgets"))
    } else {
      const given = options.rateLimits
      const budget = (key: keyof ScimConfig.RateLimits) =>
        Effect.gen(function*() {
          const one = given[key]
          if (one === undefined) return asgardeoRateLimits[key]
          if (typeof one !== "object" || one === null) {
            return yield* Effect.fail(
              internal.invalid(`rateLimits.${key}`, `rateLimits.${key} must be { limit, window }`)
            )
          }
          return {
            limit: yield* internal.validatePositiveInt(`rateLimits.${key}.limit`, one.limit, 1),
            window: yield* internal.validateDuration(`rateLimits.${key}.window`, one.window, Duration.minutes(1))
          }
        })
      rateLimits = { scim: yield* budget("scim"), token: yield* budget("token"), bulk: yield* budget("bulk") }
    }
    const pageSize = yield* internal.validatePositiveInt("pageSize", options.pageSize, 100)
    const maxPageRequests = yield* internal.validatePositiveInt("maxPageRequests", options.maxPageRequests, 100_000)
    const maxCount = target.paging.maxCount
    return {
      tokenRefreshBuffer,
      timeout,
      retry,
      rateLimits,
      pageSize: maxCount === undefined ? pageSize : Math.min(pageSize, maxCount),
      maxPageRequests,
      transformClient: yield* internal.validateFunction("transformClient", options.transformClient)
    }
  })

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Predicate.isObject(value) && !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

/**
 * A `Config` is read; a plain object is read field by field (a key given as `undefined` stays,
 * so it still replaces a default); anything else is a value. A cycle is refused.
 *
 * @internal
 */
export const fromConfig = (
  value: unknown,
  path: ReadonlyArray<string> = [],
  seen: ReadonlySet<unknown> = new Set()
): Effect.Effect<unknown, ConfigError.ConfigError> => {
  if (Config.isConfig(value)) return Effect.flatMap(value, (v) => fromConfig(v, path, seen))
  if (!isPlainObject(value)) return Effect.succeed(value)
  if (seen.has(value)) {
    const name = path.join(".") || "options"
    return Effect.fail(internal.invalid(name, `${name} refers to itself`))
  }
  const inner = new Set(seen).add(value)
  return Effect.map(
    Effect.forEach(
      Object.entries(value),
      ([key, field]) => Effect.map(fromConfig(field, [...path, key], inner), (v) => [key, v] as const)
    ),
    Object.fromEntries
  )
}

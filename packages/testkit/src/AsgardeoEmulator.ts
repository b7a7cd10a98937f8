/**
 * An in-memory Asgardeo (SCIM 2.0 + client-credentials token endpoint) for tests.
 *
 * `layerClient()` provides an `HttpClient` that answers every request in process (no sockets)
 * together with the `AsgardeoEmulator` control service: seed users and groups, take snapshots,
 * inject faults, expire tokens, switch rate limits and quirks, read the request log.
 * The same emulator can be served on a real port with `@asgardeo-scim/testkit/EmulatorServer`.
 *
 * @since 0.1.0
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as autoClock from "./internal/autoClock.js"
import * as body from "./internal/body.js"
import { allScopes as scopeList } from "./internal/scopes.js"
import * as service from "./internal/service.js"
import type { Fault, FaultMatch, Options } from "./internal/types.js"
import { AsgardeoEmulator } from "./internal/types.js"

export type {
  /**
   * A registered client application: its credentials, the scopes it is authorized for, and
   * optionally its own token lifetime in seconds (`Options.apps`).
   *
   * @since 0.1.0
   * @category models
   */
  App,
  /**
   * What `AsgardeoEmulator.Service.updateApp` may change on a registered app: scopes, token
   * lifetime, grants, template, sharing, organization.
   *
   * @since 0.4.0
   * @category models
   */
  AppPatch,
  /**
   * The emulator's counters (`AsgardeoEmulator.Service.counters`): requests, token requests,
   * tokens issued, rate-limited, faults applied, dropped, and counts by endpoint
   * (`"GET /scim2/Users/{id}"`) and by status (`"200"`, `"429"`, `"dropped"`).
   *
   * @since 0.1.0
   * @category models
   */
  Counters,
  /**
   * A fault to inject (`AsgardeoEmulator.Service.injectFault`): a `FaultMatch` and its `action`.
   * Built with `latency`, `status`, `tooManyRequests`, `dropConnection`, `malformedBody`,
   * `garbage` and `tokenEndpointDown`.
   *
   * @since 0.1.0
   * @category faults
   */
  Fault,
  /**
   * What a fault does: `Latency`, `Status`, `Drop` (`before` or `after` applying the
   * request), `MalformedBody` or `Garbage`.
   *
   * @since 0.1.0
   * @category faults
   */
  FaultAction,
  /**
   * Which requests a fault applies to: `method`, `path` (`*` matches anything), `times` (only
   * the next N), `percentage` with `seed` (a deterministic share).
   *
   * @since 0.1.0
   * @category faults
   */
  FaultMatch,
  /**
   * A JSON value as stored and returned by the emulator.
   *
   * @since 0.1.0
   * @category models
   */
  Json,
  /**
   * A JSON object as stored and returned by the emulator.
   *
   * @since 0.1.0
   * @category models
   */
  JsonObject,
  /**
   * One request in the emulator's log (`AsgardeoEmulator.Service.log`): method, path, query,
   * status (`undefined` when dropped), clock time, client id and the faults applied.
   *
   * @since 0.1.0
   * @category models
   */
  LogEntry,
  /**
   * The emulator's options: organizations, registered apps, token lifetime, base URL, rate
   * limits, quirks and the request body limit. Every field has a default.
   *
   * @since 0.1.0
   * @category models
   */
  Options,
  /**
   * Switches for Asgardeo behaviours that vary between builds or are unconfirmed.
   *
   * @since 0.1.0
   * @category models
   */
  Quirks,
  /**
   * Rate limits per minute and bucket (`/scim2/*`, `/oauth2/*`, `/scim2/Bulk`).
   *
   * @since 0.1.0
   * @category models
   */
  RateLimits,
  /**
   * A group for direct seeding: its display name and members (userNames or user ids).
   *
   * @since 0.1.0
   * @category models
   */
  SeedGroup,
  /**
   * A role for direct seeding (`AsgardeoEmulator.Service.seedRoles`): its display name, audience
   * (the organization's by default, or a registered app's), permissions, and user and group ids.
   *
   * @since 0.4.0
   * @category models
   */
  SeedRole,
  /**
   * A user for direct seeding: `userName` (the `DEFAULT/` prefix is added when missing), an
   * optional password, plus any SCIM attributes. No password policy is applied.
   *
   * @since 0.1.0
   * @category models
   */
  SeedUser,
  /**
   * An organization's state, from `AsgardeoEmulator.Service.snapshot`: its users, groups,
   * memberships and roles.
   *
   * @since 0.1.0
   * @category models
   */
  Snapshot,
  /**
   * A B2B sub-organization as the control service reports it: id, name, handle, parent id, root
   * organization, status and attributes.
   *
   * @since 0.4.0
   * @category models
   */
  SubOrganization,
  /**
   * A B2B sub-organization to create (`Options.subOrganizations`,
   * `AsgardeoEmulator.Service.createSubOrganization`): its name, and optionally its id, parent,
   * root organization, handle, status and attributes.
   *
   * @since 0.4.0
   * @category models
   */
  SubOrganizationSeed
} from "./internal/types.js"

export {
  /**
   * The control service of a running emulator: its tag, and the `AsgardeoEmulator.Service`
   * interface (seed users and groups, take snapshots, reset, inject faults, expire tokens,
   * change rate limits and quirks, read the request log and counters).
   *
   * @since 0.1.0
   * @category tags
   */
  AsgardeoEmulator,
  /**
   * A direct state write failed (duplicate name, invalid input, unknown organization).
   *
   * @since 0.1.0
   * @category errors
   */
  EmulatorError
} from "./internal/types.js"

/**
 * The origin of the in-process face: `https://emulator.invalid`. A client accepts it (https), and
 * `.invalid` never resolves (RFC 2606), so a request that reaches a real HTTP engine by mistake
 * fails at once instead of going to another machine.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://emulator.invalid"

/**
 * The default limit of request bodies in bytes (1 MiB); see `Options.maxBodyBytes`.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultMaxBodyBytes: number = body.defaultMaxBodyBytes

/**
 * The default app's credentials.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCredentials = { clientId: "emulator-client", clientSecret: "emulator-secret" } as const

/**
 * The emulator's scope table (asgardeo-api.md §3; the Roles v2 and v3 scopes and the bulk role
 * scopes of asgardeo-rbac-orgs.md §1.2 and §1.14): every scope a default app is granted.
 *
 * @since 0.1.0
 * @category constants
 */
export const allScopes: ReadonlyArray<string> = scopeList

/**
 * Builds an emulator (in-process face).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<AsgardeoEmulator.Service> => service.makeInProcess(options)

/**
 * The in-process face: an `HttpClient` answered by the emulator, plus its control service.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | AsgardeoEmulator> =>
  Layer.effectContext(service.contextOf(make(options)))

/**
 * The client configuration that points at this emulator (its organization, the default app's
 * credentials, its base URL; client-side rate budgets off unless `overrides` sets them). Works
 * with either face: give it the emulator from `layerClient` or from the server's `layerServer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Partial<ScimConfig.Options> = {}
): Layer.Layer<ScimConfig.ScimConfig, ConfigError.ConfigError, AsgardeoEmulator> =>
  Layer.unwrapEffect(Effect.map(AsgardeoEmulator, (emulator) =>
    ScimConfig.layer({
      organization: emulator.organization,
      clientId: emulator.credentials.clientId,
      clientSecret: Redacted.make(emulator.credentials.clientSecret),
      baseUrl: emulator.baseUrl,
      rateLimits: false,
      ...overrides
    })))

/**
 * Under `it.effect` (a `TestClock`): moves the clock forward by itself whenever every fiber of the
 * test waits on it and nothing else changes, straight to the earliest pending sleep. The
 * client's retry backoff, `Retry-After` waits, rate-limit windows, per-attempt deadline and token
 * refresh, and the emulator's latency faults then take no real time, in the order a real clock
 * would fire them (a latency past the deadline still times out). Does nothing on a live clock.
 * `layerTest` includes it; add it to `layerClient` with `Layer.provideMerge(layerAutoClock)`.
 * For a test that moves the clock itself (`TestClock.adjust` while a request waits), leave it out.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerAutoClock: Layer.Layer<never> = autoClock.layer

/**
 * The in-process face with a client configuration pointing at it: what a test suite provides
 * under `Directory.layer` (or `ScimClient.layer`) instead of a real organization. It includes
 * `layerAutoClock`, so faults that make the client wait (503, 429, latency, expired tokens)
 * complete under `it.effect` without `TestClock.adjust`; for manual control of the clock, use
 * `layerConfig(overrides).pipe(Layer.provideMerge(layerClient(options)))`.
 *
 * @example
 * ```ts
 * import { Directory, Users } from "@asgardeo-scim/directory"
 * import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
 * import { Effect, Layer } from "effect"
 *
 * // The directory on the emulator: no Asgardeo organization, no sockets.
 * const TestDirectory = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest()))
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
 *   yield* emulator.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
 *   // Asgardeo applies the next POST /Users, then the connection drops before the answer:
 *   yield* emulator.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "/scim2/Users", times: 1 }))
 *   const users = yield* Users.Users
 *   // ...and ensure() finds the user the lost POST created.
 *   const { created } = yield* users.ensure({ userName: "sam@example.com", email: "sam@example.com", askPassword: true })
 *   assert.strictEqual(created, false)
 *   assert.strictEqual((yield* emulator.snapshot()).users.length, 2)
 *   assert.strictEqual((yield* emulator.counters).dropped, 1)
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(TestDirectory)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTest = (
  options: Options = {},
  overrides: Partial<ScimConfig.Options> = {}
): Layer.Layer<ScimConfig.ScimConfig | HttpClient.HttpClient | AsgardeoEmulator, ConfigError.ConfigError> =>
  layerConfig(overrides).pipe(Layer.provideMerge(layerClient(options)), Layer.provideMerge(layerAutoClock))

/**
 * The control service only (when the `HttpClient` comes from elsewhere).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<AsgardeoEmulator> =>
  Layer.effect(AsgardeoEmulator, make(options))

/**
 * @since 0.1.0
 * @category faults
 */
export const latency = (millis: number, match: FaultMatch = {}): Fault => ({
  ...match,
  action: { _tag: "Latency", millis }
})

/**
 * Answer `status` (429, 500, 502, 503, ...), with an optional `Retry-After` in seconds.
 *
 * @since 0.1.0
 * @category faults
 */
export const status = (
  code: number,
  match: FaultMatch = {},
  options: { readonly retryAfter?: number | undefined; readonly body?: string | undefined } = {}
): Fault => ({
  ...match,
  action: { _tag: "Status", status: code, retryAfter: options.retryAfter, body: options.body }
})

/**
 * 429, with `Retry-After` when given.
 *
 * @since 0.1.0
 * @category faults
 */
export const tooManyRequests = (match: FaultMatch = {}, retryAfter?: number): Fault =>
  status(429, match, { retryAfter })

/**
 * @since 0.1.0
 * @category faults
 */
export const dropConnection = (phase: "before" | "after", match: FaultMatch = {}): Fault => ({
  ...match,
  action: { _tag: "Drop", phase }
})

/**
 * @since 0.1.0
 * @category faults
 */
export const malformedBody = (match: FaultMatch = {}): Fault => ({ ...match, action: { _tag: "MalformedBody" } })

/**
 * @since 0.1.0
 * @category faults
 */
export const garbage = (match: FaultMatch = {}, body?: string, code?: number): Fault => ({
  ...match,
  action: { _tag: "Garbage", body, status: code }
})

const TOKEN_PATH = "/oauth2/token"

/**
 * The token endpoint answers 503.
 *
 * @since 0.1.0
 * @category faults
 */
export const tokenEndpointDown = (match: Omit<FaultMatch, "path"> = {}): Fault =>
  status(503, { ...match, path: TOKEN_PATH })

/**
 * The token endpoint is slow.
 *
 * @since 0.1.0
 * @category faults
 */
export const tokenEndpointSlow = (millis: number, match: Omit<FaultMatch, "path"> = {}): Fault =>
  latency(millis, { ...match, path: TOKEN_PATH })

/**
 * The token endpoint answers an HTML page with status 200.
 *
 * @since 0.1.0
 * @category faults
 */
export const tokenEndpointGarbage = (match: Omit<FaultMatch, "path"> = {}): Fault =>
  garbage({ ...match, path: TOKEN_PATH })

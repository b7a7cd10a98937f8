/**
 * Builds the control service over an engine.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { resolveApp } from "./apps.js"
import { defaultMaxBodyBytes } from "./body.js"
import type { Quirks } from "./context.js"
import { defaultQuirks } from "./context.js"
import * as control from "./control.js"
import type { Engine } from "./engine.js"
import { addFault, defaultOrigin, emptyCounters, logEntries, makeEngine } from "./engine.js"
import { makeClient } from "./inMemory.js"
import { organizationId, withTree } from "./organizations.js"
import * as orgControl from "./orgControl.js"
import type { RateLimitConfig } from "./rateLimit.js"
import { defaultRateLimits } from "./rateLimit.js"
import { ScimFailure } from "./reply.js"
import { permissionsOption } from "./roleApps.js"
import { makeHandler } from "./router.js"
import { allScopes as scopes } from "./scopes.js"
import { makeStore } from "./store.js"
import type * as Api from "./types.js"
import { AsgardeoEmulator, EmulatorError } from "./types.js"

/** @internal */
export type Options = Api.Options

/** @internal */
export const allScopes = scopes

const bodyLimit = (value: unknown): number => {
  if (value === undefined) return defaultMaxBodyBytes
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value
  throw new TypeError(`AsgardeoEmulator: maxBodyBytes must be a positive integer (got ${String(value)})`)
}

const etagMode = (value: unknown): boolean => {
  if (value === undefined || typeof value === "boolean") return value === true
  throw new TypeError(`AsgardeoEmulator: etag must be a boolean (got ${String(value)})`)
}

/** Runs a check of the options, a refusal becoming a `TypeError` (as for the other options). */
const checked = <A>(f: () => A): A => {
  try {
    return f()
  } catch (e) {
    if (e instanceof ScimFailure) throw new TypeError(`AsgardeoEmulator: ${e.detail}`)
    throw e
  }
}

const subOrganizationSeeds = (value: unknown, organizations: ReadonlyArray<string>) => {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new TypeError("AsgardeoEmulator: subOrganizations must be an array")
  // Built once here to check them (parents first, unique names and ids); each store builds its own.
  checked(() => withTree(makeStore(organizations), value, organizations[0]!, 0))
  return value
}

/** @internal */
export const engineFromOptions = (options: Options, origin: string, now = 0): Engine => {
  const organization = options.organization ?? "acme"
  const organizations = [organization, ...(options.organizations ?? []).filter((o) => o !== organization)]
  const apps = (options.apps ?? [{ clientId: "emulator-client", clientSecret: "emulator-secret" }]).map((a) =>
    checked(() => resolveApp(a, organizations))
  )
  const quirks: Quirks = { ...defaultQuirks, ...options.quirks }
  const rateLimits: RateLimitConfig = {
    ...defaultRateLimits,
    ...options.rateLimits,
    limits: { ...defaultRateLimits.limits, ...options.rateLimits?.limits }
  }
  return makeEngine({
    organizations,
    apps,
    tokenExpiresIn: options.tokenExpiresIn ?? 3600,
    quirks,
    rateLimits,
    origin,
    maxBodyBytes: bodyLimit(options.maxBodyBytes),
    etag: etagMode(options.etag),
    subOrganizations: subOrganizationSeeds(options.subOrganizations, organizations),
    permissions: permissionsOption(options.permissions)
  }, now)
}

const mapFailure = <A, R>(effect: Effect.Effect<A, control.ControlFailure, R>): Effect.Effect<A, EmulatorError, R> =>
  Effect.mapError(effect, (e) => new EmulatorError({ status: e.status, detail: e.detail }))

/** @internal */
export const makeService = (engine: Engine): Api.AsgardeoEmulator.Service => {
  const organization = engine.options.organizations[0]!
  const orgOf = (options?: { readonly organization?: string | undefined }) => options?.organization ?? organization
  const app = engine.apps[0]
  return AsgardeoEmulator.of({
    baseUrl: engine.origin,
    organization,
    organizations: engine.options.organizations,
    tokenUrl: `${engine.origin}/t/${organization}/oauth2/token`,
    scimUrl: `${engine.origin}/t/${organization}/scim2`,
    credentials: { clientId: app?.clientId ?? "", clientSecret: app?.clientSecret ?? "" },
    client: makeClient(makeHandler(engine)),
    seedUsers: (users, options) => mapFailure(control.seedUsers(engine, orgOf(options), users)),
    seedGroups: (groups, options) => mapFailure(control.seedGroups(engine, orgOf(options), groups)),
    createUser: (user, options) => mapFailure(control.createUser(engine, orgOf(options), user)),
    seedRoles: (roles, options) => mapFailure(control.seedRoles(engine, orgOf(options), roles)),
    snapshot: (options) => mapFailure(control.snapshot(engine, orgOf(options))),
    reset: control.reset(engine),
    injectFault: (fault) => Effect.sync(() => addFault(engine, fault)),
    removeFault: (id) =>
      Effect.sync(() => {
        engine.faults = engine.faults.filter((f) => f.id !== id)
      }),
    clearFaults: Effect.sync(() => {
      engine.faults = []
    }),
    expireAllTokens: control.expireAllTokens(engine),
    setRateLimits: (limits) => Effect.sync(() => control.setRateLimits(engine, limits)),
    setQuirks: (quirks) => Effect.sync(() => control.setQuirks(engine, quirks)),
    log: Effect.sync(() => logEntries(engine)),
    counters: Effect.sync(() => structuredClone(engine.counters)),
    clearLog: Effect.sync(() => {
      engine.log = []
      engine.counters = emptyCounters()
    }),
    organizationId,
    subOrganizations: orgControl.subOrganizations(engine),
    createSubOrganization: (seed) => mapFailure(orgControl.createSubOrganization(engine, seed)),
    setSubOrganizationStatus: (id, status) => mapFailure(orgControl.setSubOrganizationStatus(engine, id, status)),
    updateApp: (clientId, patch) => mapFailure(orgControl.updateApp(engine, clientId, patch))
  })
}

/** @internal */
export const makeInProcess = (options: Options): Effect.Effect<Api.AsgardeoEmulator.Service> =>
  Effect.flatMap(
    Clock.currentTimeMillis,
    (now) =>
      Effect.sync(() =>
        makeService(engineFromOptions(options, (options.baseUrl ?? defaultOrigin).replace(/\/+$/, ""), now))
      )
  )

/** @internal */
export const contextOf = (
  make: Effect.Effect<Api.AsgardeoEmulator.Service>
): Effect.Effect<Context.Context<HttpClient.HttpClient | AsgardeoEmulator>> =>
  Effect.map(
    make,
    (service) => Context.make(AsgardeoEmulator, service).pipe(Context.add(HttpClient.HttpClient, service.client))
  )

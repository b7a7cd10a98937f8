/**
 * The emulator's mutable core: the store (in a `Ref`, swapped on reset), registered apps,
 * faults, rate limiter, request log and counters. Each request touches the store in one
 * synchronous step, so requests are atomic without a lock.
 *
 * @internal
 */
import * as Ref from "effect/Ref"
import type { Quirks } from "./context.js"
import type { FaultSpec, RegisteredFault } from "./faults.js"
import { register } from "./faults.js"
import { withTree } from "./organizations.js"
import type { RateLimitConfig, RateLimiter } from "./rateLimit.js"
import { makeRateLimiter } from "./rateLimit.js"
import type { Store } from "./store.js"
import { makeStore } from "./store.js"
import type { App } from "./token.js"
import type * as Public from "./types.js"

/** @internal */
export type LogEntry = Public.LogEntry

/** @internal */
export interface Counters {
  requests: number
  tokenRequests: number
  tokensIssued: number
  rateLimited: number
  faultsApplied: number
  dropped: number
  readonly byEndpoint: Record<string, number>
  readonly byStatus: Record<string, number>
}

/** @internal */
export const emptyCounters = (): Counters => ({
  requests: 0,
  tokenRequests: 0,
  tokensIssued: 0,
  rateLimited: 0,
  faultsApplied: 0,
  dropped: 0,
  byEndpoint: {},
  byStatus: {}
})

/** @internal */
export interface EngineOptions {
  readonly organizations: ReadonlyArray<string>
  readonly apps: ReadonlyArray<App>
  readonly tokenExpiresIn: number
  readonly quirks: Quirks
  readonly rateLimits: RateLimitConfig
  readonly origin: string
  /** Request bodies over this many bytes are answered 413. */
  readonly maxBodyBytes: number
  /** The ETag mode (`Options.etag`). */
  readonly etag: boolean
  /** The sub-organizations of the options (already checked), restored on reset. */
  readonly subOrganizations?: ReadonlyArray<Public.SubOrganizationSeed> | undefined
  /** More permissions a role may hold (`Options.permissions`). */
  readonly permissions?: ReadonlyArray<string> | undefined
}

/** @internal */
export interface Engine {
  readonly options: EngineOptions
  readonly store: Ref.Ref<Store>
  origin: string
  quirks: Quirks
  apps: Array<App>
  faults: Array<RegisteredFault>
  nextFaultId: number
  readonly limiter: RateLimiter
  /** May hold more than `maxLogEntries` (trimmed in batches): read it with `logEntries`. */
  log: Array<LogEntry>
  counters: Counters
  maxLogEntries: number
}

/** The origin of the in-process face: `.invalid` never resolves (RFC 2606). @internal */
export const defaultOrigin = "https://emulator.invalid"

/** A new store: the options' organizations, their sub-organizations created at `now`. */
const initialStore = (options: EngineOptions, now: number): Store =>
  withTree(makeStore(options.organizations), options.subOrganizations ?? [], options.organizations[0] ?? "acme", now)

/** @internal */
export const makeEngine = (options: EngineOptions, now = 0): Engine => ({
  options,
  store: Ref.unsafeMake(initialStore(options, now)),
  origin: options.origin,
  quirks: options.quirks,
  apps: [...options.apps],
  faults: [],
  nextFaultId: 1,
  limiter: makeRateLimiter(options.rateLimits),
  log: [],
  counters: emptyCounters(),
  maxLogEntries: 10_000
})

/** @internal */
export const addFault = (engine: Engine, spec: FaultSpec): number => {
  const id = engine.nextFaultId++
  engine.faults.push(register(id, spec))
  return id
}

/** @internal */
export const resetEngine = (engine: Engine, now = 0): Store => {
  const store = initialStore(engine.options, now)
  engine.quirks = engine.options.quirks
  engine.apps = [...engine.options.apps]
  engine.faults = []
  engine.limiter.config = engine.options.rateLimits
  engine.limiter.fixed.clear()
  engine.limiter.sliding.clear()
  engine.log = []
  engine.counters = emptyCounters()
  return store
}

/** `GET /scim2/Users/3f2...` -> `GET /scim2/Users/{id}` @internal */
export const endpointKey = (method: string, orgPath: string): string =>
  `${method} ${
    orgPath.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}").replace(/\/+$/, "")
  }`

/** @internal */
export const record = (engine: Engine, entry: LogEntry, orgPath: string): void => {
  const c = engine.counters
  c.requests++
  const key = endpointKey(entry.method, orgPath)
  c.byEndpoint[key] = (c.byEndpoint[key] ?? 0) + 1
  const status = entry.status === undefined ? "dropped" : String(entry.status)
  c.byStatus[status] = (c.byStatus[status] ?? 0) + 1
  if (entry.status === 429) c.rateLimited++
  if (entry.status === undefined) c.dropped++
  if (entry.faults.length > 0) c.faultsApplied += entry.faults.length
  engine.log.push(entry)
  // Trimmed in batches (dropping one entry at a time moves the whole array on every request);
  // `logEntries` answers the last `maxLogEntries`.
  if (engine.log.length >= 2 * Math.max(1, engine.maxLogEntries)) {
    engine.log.splice(0, engine.log.length - engine.maxLogEntries)
  }
}

/** The log: its last `maxLogEntries` entries, in a new array. @internal */
export const logEntries = (engine: Engine): Array<LogEntry> =>
  engine.maxLogEntries <= 0 ? [] : engine.log.slice(-engine.maxLogEntries)

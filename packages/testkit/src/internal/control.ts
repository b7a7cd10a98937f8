/**
 * Direct state operations shared by the control service and the admin endpoints: seeding,
 * snapshots, token expiry, reset and settings.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { Ctx, Identity, Quirks } from "./context.js"
import type { Engine } from "./engine.js"
import { resetEngine } from "./engine.js"
import type { FaultSpec } from "./faults.js"
import { prepareNewGroup, storeGroup } from "./groups.js"
import { orgStoreOf, tenantOf } from "./organizations.js"
import type { RateLimitConfig } from "./rateLimit.js"
import type { JsonObject } from "./reply.js"
import { clone, isObject, ScimFailure, USER_SCHEMA } from "./reply.js"
import { roleEnvOf } from "./roleEnv.js"
import { allParts, renderRole, seedRoles as seedRoleRecords } from "./roles.js"
import type { Member, OrgStore, Store } from "./store.js"
import { findUserByName, iso, newId, putUser, renderGroup, renderUser, userName, withDomain } from "./store.js"
import type * as Public from "./types.js"
import { prepareNewUser } from "./users.js"

/** @internal */
export type SeedUser = Public.SeedUser

/** @internal */
export type SeedGroup = Public.SeedGroup

/** @internal */
export interface Snapshot {
  readonly users: ReadonlyArray<JsonObject>
  readonly groups: ReadonlyArray<JsonObject>
  readonly memberships: ReadonlyArray<{ readonly groupId: string; readonly userId: string }>
  readonly roles: ReadonlyArray<JsonObject>
}

/** A failure of a direct state write (duplicate name, invalid input, unknown organization). @internal */
export class ControlFailure extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(detail)
  }
}

/** A root organization by name, or a sub-organization by id. */
const orgOf = (store: Store, organization: string): OrgStore => {
  const org = orgStoreOf(store, organization)
  if (org === undefined) throw new ControlFailure(404, `Unknown organization: ${organization}`)
  return org
}

/** @internal */
export const wrap = <A>(f: () => A): Effect.Effect<A, ControlFailure> =>
  Effect.try({
    try: f,
    catch: (e) =>
      e instanceof ScimFailure
        ? new ControlFailure(e.status, e.detail)
        : e instanceof ControlFailure
        ? e
        : new ControlFailure(500, String(e))
  })

const context = (engine: Engine, organization: string) =>
  Effect.gen(function*() {
    const store = yield* Ref.get(engine.store)
    const now = yield* Clock.currentTimeMillis
    const tenant = tenantOf(store, organization, engine.origin)
    const scimBase = tenant?.scimBase ?? `${engine.origin}/t/${organization}/scim2`
    return { store, now, scimBase, identity: tenant?.identity }
  })

const ctxOf = (engine: Engine, org: OrgStore, now: number, scimBase: string, identity?: Identity): Ctx => ({
  org,
  now,
  scimBase,
  quirks: engine.quirks,
  identity
})

/** Fast direct writes: no password policy, only the name prefix and uniqueness. @internal */
export const seedUsers = (
  engine: Engine,
  organization: string,
  users: Iterable<SeedUser>
): Effect.Effect<ReadonlyArray<{ readonly id: string; readonly userName: string }>, ControlFailure> =>
  Effect.flatMap(context(engine, organization), ({ now, scimBase, store }) =>
    wrap(() => {
      const org = orgOf(store, organization)
      const time = iso(now)
      const out: Array<{ id: string; userName: string }> = []
      const seen = new Set<string>()
      const prepared: Array<{ id: string; resource: JsonObject; password: string | undefined }> = []
      for (const input of users) {
        const name = withDomain(input.userName)
        const key = name.toLowerCase()
        if (org.userNames.has(key) || seen.has(key)) {
          throw new ControlFailure(409, `User with the name: ${input.userName} already exists in the system.`)
        }
        seen.add(key)
        const id = newId()
        // `roles` come from role assignments only (see users.ts).
        const { password, roles: _roles, ...attributes } = input
        const resource = {
          schemas: [USER_SCHEMA],
          id,
          // A copy: the stored user is never changed in place (its JSON is cached), and the
          // caller may go on changing the objects it passed.
          ...clone(attributes as JsonObject),
          userName: name,
          meta: { created: time, lastModified: time, location: `${scimBase}/Users/${id}`, resourceType: "User" }
        } as JsonObject
        prepared.push({ id, resource, password: typeof password === "string" ? password : undefined })
        out.push({ id, userName: name })
      }
      for (const user of prepared) putUser(org, user)
      return out
    }))

/** Through the same checks as `POST /Users`. @internal */
export const createUser = (engine: Engine, organization: string, body: unknown) =>
  Effect.flatMap(context(engine, organization), ({ now, scimBase, store }) =>
    wrap(() => {
      const org = orgOf(store, organization)
      const ctx = ctxOf(engine, org, now, scimBase)
      const user = prepareNewUser(ctx, body)
      putUser(org, user)
      return renderUser(org, user, { baseUrl: scimBase, emailsAsStrings: false })
    }))

/** @internal */
export const seedGroups = (engine: Engine, organization: string, groups: Iterable<SeedGroup>) =>
  Effect.flatMap(context(engine, organization), ({ now, scimBase, store }) =>
    wrap(() => {
      const org = orgOf(store, organization)
      const ctx = ctxOf(engine, org, now, scimBase)
      const out: Array<{ id: string; displayName: string }> = []
      const prepared = Array.from(groups, (g) => {
        const members: Array<Member> = []
        for (const ref of g.members ?? []) {
          const user = org.users.get(ref) ?? findUserByName(org, ref)
          if (user === undefined) throw new ControlFailure(400, `Unknown member: ${ref}`)
          if (!members.some((m) => m.value === user.id)) members.push({ value: user.id, display: userName(user) })
        }
        const group = prepareNewGroup(ctx, { displayName: g.displayName })
        return { ...group, members }
      })
      for (const group of prepared) {
        storeGroup(ctx, group)
        out.push({ id: group.id, displayName: String(group.resource["displayName"]) })
      }
      return out
    }))

/** @internal */
export const snapshot = (engine: Engine, organization: string): Effect.Effect<Snapshot, ControlFailure> =>
  Effect.flatMap(context(engine, organization), ({ identity, now, scimBase, store }) =>
    wrap(() => {
      const org = orgOf(store, organization)
      const options = { baseUrl: scimBase, emailsAsStrings: false, roles: org.roles }
      const roles = roleEnvOf(engine, ctxOf(engine, org, now, scimBase, identity))
      const memberships: Array<{ groupId: string; userId: string }> = []
      for (const g of org.groups.values()) {
        for (const m of g.members) memberships.push({ groupId: g.id, userId: m.value })
      }
      return {
        users: Array.from(org.users.values(), (u) => renderUser(org, u, options)),
        groups: Array.from(org.groups.values(), (g) => renderGroup(g, options)),
        memberships,
        roles: Array.from(org.roles.roles.values(), (r) => renderRole(roles, r, "v2", allParts))
      }
    }))

/** Roles checked as `POST /scim2/v2/Roles` checks them; all stored or none. @internal */
export const seedRoles = (engine: Engine, organization: string, roles: Iterable<Public.SeedRole>) =>
  Effect.flatMap(context(engine, organization), ({ identity, now, scimBase, store }) =>
    wrap(() => {
      const org = orgOf(store, organization)
      return seedRoleRecords(roleEnvOf(engine, ctxOf(engine, org, now, scimBase, identity)), roles)
    }))

/** @internal */
export const expireAllTokens = (engine: Engine): Effect.Effect<void> =>
  Effect.flatMap(Ref.get(engine.store), (store) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      for (const token of store.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now)
    }))

/** @internal */
export const reset = (engine: Engine): Effect.Effect<void> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.set(engine.store, resetEngine(engine, now)))

/** @internal */
export const setRateLimits = (engine: Engine, config: Partial<RateLimitConfig>): RateLimitConfig => {
  engine.limiter.config = {
    ...engine.limiter.config,
    ...config,
    limits: { ...engine.limiter.config.limits, ...config.limits }
  }
  engine.limiter.fixed.clear()
  engine.limiter.sliding.clear()
  return engine.limiter.config
}

/** @internal */
export const setQuirks = (engine: Engine, quirks: Partial<Quirks>): Quirks => {
  engine.quirks = { ...engine.quirks, ...quirks }
  return engine.quirks
}

/** Decodes a fault from JSON (admin endpoint). @internal */
export const decodeFault = (u: unknown): FaultSpec => {
  if (!isObject(u) || !isObject(u["action"]) || typeof u["action"]["_tag"] !== "string") {
    throw new ControlFailure(400, "A fault needs an action with a _tag.")
  }
  const num = (v: unknown) => (typeof v === "number" ? v : undefined)
  const str = (v: unknown) => (typeof v === "string" ? v : undefined)
  const a = u["action"]
  const action: FaultSpec["action"] = (() => {
    switch (a["_tag"]) {
      case "Latency":
        return { _tag: "Latency", millis: num(a["millis"]) ?? 0 }
      case "Status":
        return {
          _tag: "Status",
          status: num(a["status"]) ?? 500,
          retryAfter: num(a["retryAfter"]),
          body: str(a["body"])
        }
      case "Drop":
        return { _tag: "Drop", phase: a["phase"] === "after" ? "after" : "before" }
      case "MalformedBody":
        return { _tag: "MalformedBody" }
      case "Garbage":
        return { _tag: "Garbage", status: num(a["status"]), body: str(a["body"]) }
      default:
        throw new ControlFailure(400, `Unknown fault action: ${String(a["_tag"])}`)
    }
  })()
  return {
    method: str(u["method"]),
    path: str(u["path"]),
    times: num(u["times"]),
    percentage: num(u["percentage"]),
    seed: num(u["seed"]),
    action
  }
}

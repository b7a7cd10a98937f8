/**
 * Admin endpoints outside `/t/` (not logged, never faulted or rate-limited):
 * faults, log and counters, reset, seed, token expiry, rate limits, quirks, snapshot, info.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { parseJson, tooLargeDetail } from "./body.js"
import * as control from "./control.js"
import type { Engine } from "./engine.js"
import { addFault, emptyCounters, logEntries } from "./engine.js"
import type { Answer, Handler, RouteInput, Routes } from "./exchange.js"
import * as exchange from "./exchange.js"
import { isObject } from "./reply.js"
import type * as Public from "./types.js"

const json = (body: unknown, status = 200): Answer => exchange.json(status, body)

const failure = (e: control.ControlFailure) => json({ error: e.detail, status: e.status }, e.status)

/**
 * The JSON body (`{}` when empty), or the answer to give instead: 413 over the body limit, 400
 * when it is not UTF-8 JSON (or nested too deep).
 */
const readJson = (engine: Engine, input: RouteInput): Effect.Effect<Either.Either<unknown, Answer>> =>
  Effect.map(input.request.readBody(engine.options.maxBodyBytes), (body) => {
    if (body._tag === "TooLarge") {
      return Either.left(
        exchange.json(413, { error: tooLargeDetail(body.limit), status: 413 }, "application/json", {
          Connection: "close"
        })
      )
    }
    if (body._tag !== "Text") {
      return Either.left(json({ error: "The request body is not valid UTF-8.", status: 400 }, 400))
    }
    if (body.text.trim() === "") return Either.right({})
    const parsed = parseJson(body.text)
    return parsed.ok ? Either.right(parsed.value) : Either.left(json({ error: parsed.detail, status: 400 }, 400))
  })

/** Runs `f` on the JSON body, or answers why there is none. */
const withJson = (engine: Engine, f: (body: unknown) => Effect.Effect<Answer>): Handler => (input) =>
  Effect.flatMap(readJson(engine, input), Either.match({ onLeft: Effect.succeed, onRight: f }))

const orgParam = (engine: Engine, input: RouteInput): string =>
  input.request.query.get("organization") ?? engine.options.organizations[0] ?? "acme"

const answer = (f: () => Answer): Handler => () => Effect.sync(f)

const generated = (n: number, prefix: string): Array<control.SeedUser> =>
  Array.from({ length: n }, (_, i) => ({
    userName: `${prefix}${i + 1}@example.com`,
    password: "Passw0rd!",
    name: { givenName: `User${i + 1}`, familyName: "Seed" },
    emails: [{ value: `${prefix}${i + 1}@example.com`, primary: true }]
  }))

/** Adds the admin routes to the table. @internal */
export const routes = (table: Routes, engine: Engine): void => {
  table.on(
    "GET",
    "/__emulator/info",
    answer(() =>
      json({
        baseUrl: engine.origin,
        organization: engine.options.organizations[0],
        organizations: engine.options.organizations,
        credentials: engine.apps[0] === undefined
          ? undefined
          : { clientId: engine.apps[0].clientId, clientSecret: engine.apps[0].clientSecret }
      })
    )
  )
  table.on("GET", "/__emulator/log", answer(() => json({ entries: logEntries(engine), counters: engine.counters })))
  table.on("GET", "/__emulator/counters", answer(() => json(engine.counters)))
  table.on(
    "DELETE",
    "/__emulator/log",
    answer(() => {
      engine.log = []
      engine.counters = emptyCounters()
      return exchange.empty(204)
    })
  )
  table.on(
    "GET",
    "/__emulator/faults",
    answer(() =>
      json(engine.faults.map((f) => ({ id: f.id, ...f.spec, path: String(f.spec.path), remaining: f.remaining })))
    )
  )
  table.on(
    "POST",
    "/__emulator/faults",
    withJson(engine, (body) =>
      Effect.sync(() => {
        const specs = Array.isArray(body) ? body : [body]
        try {
          const decoded = specs.map(control.decodeFault)
          return json({ ids: decoded.map((spec) => addFault(engine, spec)) }, 201)
        } catch (e) {
          if (e instanceof control.ControlFailure) return failure(e)
          throw e
        }
      }))
  )
  table.on(
    "DELETE",
    "/__emulator/faults",
    answer(() => {
      engine.faults = []
      return exchange.empty(204)
    })
  )
  table.on("POST", "/__emulator/reset", () => Effect.as(control.reset(engine), exchange.empty(204)))
  table.on("POST", "/__emulator/expire-tokens", () => Effect.as(control.expireAllTokens(engine), exchange.empty(204)))
  table.on(
    "PUT",
    "/__emulator/rate-limits",
    withJson(engine, (body) => Effect.sync(() => json(control.setRateLimits(engine, isObject(body) ? body : {}))))
  )
  table.on(
    "PUT",
    "/__emulator/quirks",
    withJson(engine, (body) => Effect.sync(() => json(control.setQuirks(engine, isObject(body) ? body : {}))))
  )
  table.on("GET", "/__emulator/snapshot", (input) =>
    control.snapshot(engine, orgParam(engine, input)).pipe(
      Effect.map((s) => json(s)),
      Effect.catchAll((e) => Effect.succeed(failure(e)))
    ))
  table.on(
    "POST",
    "/__emulator/seed",
    withJson(engine, (body) =>
      Effect.gen(function*() {
        if (!isObject(body)) return json({ error: "The seed body must be a JSON object." }, 400)
        const org = typeof body["organization"] === "string"
          ? body["organization"]
          : engine.options.organizations[0] ?? "acme"
        const users: Array<control.SeedUser> = [
          ...(Array.isArray(body["users"]) ? (body["users"] as Array<control.SeedUser>) : []),
          ...(typeof body["generateUsers"] === "number"
            ? generated(body["generateUsers"], typeof body["prefix"] === "string" ? body["prefix"] : "user")
            : [])
        ]
        const groups = Array.isArray(body["groups"]) ? (body["groups"] as Array<control.SeedGroup>) : []
        const roles: Array<unknown> = Array.isArray(body["roles"]) ? body["roles"] : []
        return yield* Effect.gen(function*() {
          const u = yield* control.seedUsers(engine, org, users)
          const g = yield* control.seedGroups(engine, org, groups)
          if (roles.length === 0) return json({ users: u, groups: g })
          const r = yield* control.seedRoles(engine, org, roles as Array<Public.SeedRole>)
          return json({ users: u, groups: g, roles: r })
        }).pipe(Effect.catchAll((e) => Effect.succeed(failure(e))))
      }))
  )
}

/**
 * Admin endpoints outside `/t/` (not logged, never faulted or rate-limited):
 * faults, log and counters, reset, seed, token expiry, rate limits, quirks, snapshot, info.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as control from "./control.js"
import type { Engine } from "./engine.js"
import { addFault, emptyCounters } from "./engine.js"
import { isObject } from "./reply.js"

const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

const failure = (e: control.ControlFailure) => json({ error: e.detail, status: e.status }, e.status)

const readJson = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) =>
    Effect.map(Effect.orElseSucceed(request.text, () => ""), (text) => {
      if (text.trim() === "") return {}
      try {
        return JSON.parse(text) as unknown
      } catch {
        return undefined
      }
    })
)

const orgParam = (engine: Engine) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
    const url = new URL(request.url, "http://emulator.localhost")
    return url.searchParams.get("organization") ?? engine.options.organizations[0] ?? "acme"
  })

const generated = (n: number, prefix: string): Array<control.SeedUser> =>
  Array.from({ length: n }, (_, i) => ({
    userName: `${prefix}${i + 1}@example.com`,
    password: "Passw0rd!",
    name: { givenName: `User${i + 1}`, familyName: "Seed" },
    emails: [{ value: `${prefix}${i + 1}@example.com`, primary: true }]
  }))

/** @internal */
export const routes = (engine: Engine) =>
  HttpRouter.empty.pipe(
    HttpRouter.get(
      "/__emulator/info",
      Effect.sync(() =>
        json({
          baseUrl: engine.origin,
          organization: engine.options.organizations[0],
          organizations: engine.options.organizations,
          credentials: engine.apps[0] === undefined
            ? undefined
            : { clientId: engine.apps[0].clientId, clientSecret: engine.apps[0].clientSecret }
        })
      )
    ),
    HttpRouter.get("/__emulator/log", Effect.sync(() => json({ entries: engine.log, counters: engine.counters }))),
    HttpRouter.get("/__emulator/counters", Effect.sync(() => json(engine.counters))),
    HttpRouter.del(
      "/__emulator/log",
      Effect.sync(() => {
        engine.log = []
        engine.counters = emptyCounters()
        return HttpServerResponse.empty({ status: 204 })
      })
    ),
    HttpRouter.get(
      "/__emulator/faults",
      Effect.sync(() =>
        json(engine.faults.map((f) => ({ id: f.id, ...f.spec, path: String(f.spec.path), remaining: f.remaining })))
      )
    ),
    HttpRouter.post(
      "/__emulator/faults",
      Effect.gen(function*() {
        const body = yield* readJson
        const specs = Array.isArray(body) ? body : [body]
        try {
          const decoded = specs.map(control.decodeFault)
          return json({ ids: decoded.map((spec) => addFault(engine, spec)) }, 201)
        } catch (e) {
          if (e instanceof control.ControlFailure) return failure(e)
          throw e
        }
      })
    ),
    HttpRouter.del(
      "/__emulator/faults",
      Effect.sync(() => {
        engine.faults = []
        return HttpServerResponse.empty({ status: 204 })
      })
    ),
    HttpRouter.post(
      "/__emulator/reset",
      Effect.as(control.reset(engine), HttpServerResponse.empty({ status: 204 }))
    ),
    HttpRouter.post(
      "/__emulator/expire-tokens",
      Effect.as(control.expireAllTokens(engine), HttpServerResponse.empty({ status: 204 }))
    ),
    HttpRouter.put(
      "/__emulator/rate-limits",
      Effect.map(readJson, (body) => json(control.setRateLimits(engine, isObject(body) ? body : {})))
    ),
    HttpRouter.put(
      "/__emulator/quirks",
      Effect.map(readJson, (body) => json(control.setQuirks(engine, isObject(body) ? body : {})))
    ),
    HttpRouter.get(
      "/__emulator/snapshot",
      Effect.flatMap(orgParam(engine), (org) =>
        control.snapshot(engine, org).pipe(
          Effect.map((s) => json(s)),
          Effect.catchAll((e) => Effect.succeed(failure(e)))
        ))
    ),
    HttpRouter.post(
      "/__emulator/seed",
      Effect.gen(function*() {
        const body = yield* readJson
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
        return yield* Effect.gen(function*() {
          const u = yield* control.seedUsers(engine, org, users)
          const g = yield* control.seedGroups(engine, org, groups)
          return json({ users: u, groups: g })
        }).pipe(Effect.catchAll((e) => Effect.succeed(failure(e))))
      })
    )
  )

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
import * as Either from "effect/Either"
import { BodySource, parseJson, read, tooLargeDetail } from "./body.js"
import * as control from "./control.js"
import type { Engine } from "./engine.js"
import { addFault, defaultOrigin, emptyCounters } from "./engine.js"
import { isObject } from "./reply.js"

const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

const failure = (e: control.ControlFailure) => json({ error: e.detail, status: e.status }, e.status)

/**
 * The JSON body (`{}` when empty), or the answer to give instead: 413 over the body limit, 400
 * when it is not UTF-8 JSON (or nested too deep).
 */
const readJson = (
  engine: Engine
): Effect.Effect<
  Either.Either<unknown, HttpServerResponse.HttpServerResponse>,
  never,
  HttpServerRequest.HttpServerRequest | BodySource
> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* read(request, yield* BodySource, engine.options.maxBodyBytes)
    if (body._tag === "TooLarge") {
      return Either.left(
        HttpServerResponse.unsafeJson({ error: tooLargeDetail(body.limit), status: 413 }, {
          status: 413,
          headers: { Connection: "close" }
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
const withJson = <E, R>(
  engine: Engine,
  f: (body: unknown) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) => Effect.flatMap(readJson(engine), Either.match({ onLeft: Effect.succeed, onRight: f }))

const orgParam = (engine: Engine) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
    const url = new URL(request.url, defaultOrigin)
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
      withJson(engine, (body) => Effect.sync(() => json(control.setRateLimits(engine, isObject(body) ? body : {}))))
    ),
    HttpRouter.put(
      "/__emulator/quirks",
      withJson(engine, (body) => Effect.sync(() => json(control.setQuirks(engine, isObject(body) ? body : {}))))
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
          return yield* Effect.gen(function*() {
            const u = yield* control.seedUsers(engine, org, users)
            const g = yield* control.seedGroups(engine, org, groups)
            return json({ users: u, groups: g })
          }).pipe(Effect.catchAll((e) => Effect.succeed(failure(e))))
        }))
    )
  )

/**
 * The emulator as one handler: a route table (`find-my-way-ts`, the matcher behind
 * `HttpRouter`, with its defaults: case-insensitive, trailing and duplicate slashes ignored, HEAD
 * answered by the GET route) of the token, SCIM, discovery and admin routes, wrapped by the
 * fault, rate-limit and logging layer. Both faces (in process and real server) serve it, each
 * turning its requests into an `Incoming` and the `Answer` into its own response; a dropped
 * connection is the `DropConnection` failure, which each face turns into its own kind of broken
 * connection.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as FindMyWay from "find-my-way-ts"
import * as admin from "./admin.js"
import type { Body } from "./body.js"
import { parseJson, tooLargeDetail } from "./body.js"
import { handleBulk } from "./bulk.js"
import type { Ctx } from "./context.js"
import { resourceTypes, schemas, serviceProviderConfig } from "./discovery.js"
import type { Engine } from "./engine.js"
import { record } from "./engine.js"
import * as Etags from "./etags.js"
import type { Answer, Handler, Incoming, RequestInfo, RouteInput, Routes } from "./exchange.js"
import * as exchange from "./exchange.js"
import { select } from "./faults.js"
import { createGroup, getGroup, removeGroup, replaceGroup } from "./groups.js"
import type { ListParams } from "./listing.js"
import { listGroups, listUsers, paramsFromBody, paramsFromQuery, project } from "./listing.js"
import { rootIdentity } from "./organizations.js"
import * as orgApi from "./orgApi.js"
import { admit, subTenant } from "./orgFace.js"
import { patchGroup, patchUser } from "./patch.js"
import { bucketOf, take } from "./rateLimit.js"
import type { JsonObject, Reply } from "./reply.js"
import { errorBody, errorReply, fail, guard, isObject } from "./reply.js"
import { roleEnvOf } from "./roleEnv.js"
import { roleRoutes } from "./rolesRoutes.js"
import { bulkScopes, scopeTable } from "./scopes.js"
import type { Sized, TokenRecord } from "./store.js"
import { handleToken } from "./token.js"
import { createUser, getUser, getUserJson, removeUser, replaceUser } from "./users.js"

/** The connection is to be dropped without an answer. @internal */
export class DropConnection extends Data.TaggedError("DropConnection")<{ readonly phase: "before" | "after" }> {}

const SCIM_JSON = "application/scim+json"

/** @internal */
export const toAnswer = (reply: Reply, contentType = SCIM_JSON): Answer => {
  if (reply.text !== undefined) {
    return exchange.text(reply.status, reply.text, reply.contentType ?? "text/plain", reply.headers, reply.textBytes)
  }
  if (reply.body === undefined) return exchange.empty(reply.status, reply.headers)
  return exchange.json(reply.status, reply.body, reply.contentType ?? contentType, reply.headers)
}

type Access = "none" | "optional" | string | ReadonlyArray<string>

interface Input {
  readonly ctx: Ctx
  readonly token: TokenRecord | undefined
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: () => unknown
}

/** A JSON body, or a thrown 400 `invalidSyntax` (not UTF-8, nested too deep, not JSON). */
const jsonBody = (body: Body): unknown => {
  if (body._tag === "NotUtf8") return fail(400, "The request body is not valid UTF-8.", "invalidSyntax")
  if (body._tag !== "Text") return fail(400, "The request body could not be read.", "invalidSyntax")
  const parsed = parseJson(body.text)
  return parsed.ok ? parsed.value : fail(400, parsed.detail, "invalidSyntax")
}

/** 413 with a SCIM error body; the connection is closed, as the rest of the body was not read. */
const tooLarge = (limit: number): Answer =>
  toAnswer(errorReply(413, tooLargeDetail(limit), undefined, { Connection: "close" }))

const noBody: Body = { _tag: "Text", text: "" }

const unauthorized = (organization: string): Reply =>
  errorReply(
    401,
    "Authorization failure. Authorization information was invalid or missing from your request.",
    undefined,
    {
      "WWW-Authenticate": `Bearer realm="${organization}"`
    }
  )

const forbidden = (): Reply =>
  errorReply(403, "Operation is not permitted. You do not have permissions to make this request.")

const route = (
  engine: Engine,
  access: Access,
  readsBody: boolean,
  handler: (input: Input) => Reply
): Handler => {
  const answer = (input: RouteInput, body: Body, now: number) =>
    Effect.map(Ref.get(engine.store), (store) => {
      const { info, params, request } = input
      const organization = params["org"] ?? ""
      const sub = input.subOrganization === true
      const reply = guard(() => {
        const org = store.orgs.get(organization) ??
          fail(404, `Organization ${organization} not found.`)
        let token: TokenRecord | undefined = undefined
        if (access !== "none") {
          const auth = admit(store, organization, request.headers["authorization"], now, sub)
          if (typeof auth === "string") {
            if (access !== "optional") return unauthorized(organization)
          } else {
            token = auth
            info.clientId = auth.clientId
            if (access !== "optional") {
              const needed = typeof access === "string" ? [access] : access
              if (!needed.some((s) => auth.scopes.has(s))) return forbidden()
            }
          }
        }
        if (readsBody) {
          const type = request.headers["content-type"]
          if (type !== undefined && !/json/i.test(type)) {
            return errorReply(406, `Content type ${type} is not supported.`)
          }
        }
        const ctx: Ctx = sub
          ? { ...subTenant(store, organization, token, engine.origin), now, quirks: engine.quirks }
          : {
            org,
            now,
            scimBase: `${engine.origin}/t/${organization}/scim2`,
            quirks: engine.quirks,
            identity: rootIdentity(organization)
          }
        return handler({
          ctx,
          token,
          params,
          query: request.query,
          headers: request.headers,
          body: () => jsonBody(body)
        })
      })
      return toAnswer(reply)
    })
  return readsBody
    ? (input) =>
      Effect.flatMap(input.request.readBody(engine.options.maxBodyBytes), (body) =>
        body._tag === "TooLarge"
          ? Effect.succeed(tooLarge(body.limit))
          : Effect.flatMap(Clock.currentTimeMillis, (now) => answer(input, body, now)))
    : (input) =>
      input.now === undefined
        ? Effect.flatMap(Clock.currentTimeMillis, (now) => answer(input, noBody, now))
        : answer(input, noBody, input.now)
}

const token = (engine: Engine): Handler => ({ info, params, request }) =>
  Effect.flatMap(request.readBody(engine.options.maxBodyBytes), (body) => {
    if (body._tag === "TooLarge") return Effect.succeed(tooLarge(body.limit))
    if (body._tag !== "Text") {
      return Effect.succeed(toAnswer({
        status: 400,
        body: { error: "invalid_request", error_description: "The request body is not valid UTF-8 form data." }
      }, "application/json"))
    }
    const text = body.text
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(Ref.get(engine.store), (store) => {
        const organization = params["org"] ?? ""
        if (!store.orgs.has(organization)) return toAnswer(errorReply(404, `Organization ${organization} not found.`))
        const result = handleToken(store, organization, engine.apps, now, engine.options.tokenExpiresIn, {
          authorization: request.headers["authorization"],
          body: text
        }, engine.quirks.expiresInRounding)
        info.clientId = result.clientId
        info.issued = result.issued
        return toAnswer(result.reply, "application/json")
      }))
  })

const sizedReply = (sized: Sized): Reply => ({
  status: 200,
  text: sized.json,
  textBytes: sized.bytes,
  contentType: SCIM_JSON
})

/** `GET /Users/{id}` without a projection: the user's JSON text (`renderUserJson`). */
const userAsJson = (input: Input, id: string): Reply | undefined =>
  input.query.get("attributes") === null && input.query.get("excludedAttributes") === null
    ? sizedReply(getUserJson(input.ctx, id))
    : undefined

const projected = (input: Input, resource: unknown): Reply => ({
  status: 200,
  body: isObject(resource)
    ? project(
      resource,
      input.query.get("attributes")?.split(",").map((s) => s.trim()),
      input.query.get("excludedAttributes")?.split(",").map((s) => s.trim())
    )
    : resource
})

/** One resource type's endpoints: the scope each needs and the engine call that answers it. */
interface Resource {
  /** `Users` or `Groups`: the path under the SCIM base. */
  readonly name: string
  readonly scopes: {
    readonly list: string
    readonly create: string
    readonly get: string
    readonly update: string
    readonly delete: string
  }
  readonly list: (ctx: Ctx, params: ListParams) => Reply
  readonly create: (ctx: Ctx, body: unknown) => Reply
  readonly get: (ctx: Ctx, id: string) => JsonObject
  /** The resource's answer straight as JSON text, when the resource type can (and nothing is projected). */
  readonly getJson?: ((input: Input, id: string) => Reply | undefined) | undefined
  readonly replace: (ctx: Ctx, id: string, body: unknown) => Reply
  readonly patch: (input: Input, id: string) => Reply
  readonly remove: (ctx: Ctx, id: string) => Reply
}

const users: Resource = {
  name: "Users",
  scopes: {
    list: scopeTable["Users.list"],
    create: scopeTable["Users.create"],
    get: scopeTable["Users.get"],
    update: scopeTable["Users.update"],
    delete: scopeTable["Users.delete"]
  },
  list: listUsers,
  create: createUser,
  get: getUser,
  getJson: userAsJson,
  replace: replaceUser,
  patch: (i, id) => patchUser(i.ctx, id, i.body()),
  remove: removeUser
}

const groups: Resource = {
  name: "Groups",
  scopes: {
    list: scopeTable["Groups.view"],
    create: scopeTable["Groups.create"],
    get: scopeTable["Groups.view"],
    update: scopeTable["Groups.update"],
    delete: scopeTable["Groups.delete"]
  },
  list: listGroups,
  create: createGroup,
  get: getGroup,
  replace: replaceGroup,
  patch: (i, id) => patchGroup(i.ctx, id, i.body(), i.query.has("attributes")),
  remove: removeGroup
}

/** List, create, search, get, replace, patch and delete of one resource type. */
const resourceRoutes = (routes: Routes, engine: Engine, base: `/${string}`, resource: Resource): void => {
  const path = `${base}/${resource.name}` as const
  const id = (i: Input) => i.params["id"] ?? ""
  const { scopes } = resource
  // The ETag mode (`Options.etag`): versions on every resource answered, `If-Match` honoured.
  const etag = engine.options.etag
  const full = (i: Input) => (rid: string) => resource.get(i.ctx, rid)
  const one = (i: Input, reply: Reply) => etag ? Etags.withVersion(reply, full(i), i.ctx) : reply
  const many = (i: Input, reply: Reply) => etag ? Etags.withVersions(reply, full(i), i.ctx) : reply
  const write = (i: Input, apply: () => Reply): Reply => {
    if (!etag) return apply()
    const refused = Etags.precondition(
      i.headers["if-match"],
      () => resource.get(i.ctx, id(i)),
      Etags.revisionOf(i.ctx, id(i))
    )
    if (refused !== undefined) return refused
    const reply = apply()
    if (reply.status < 300) Etags.bump(i.ctx, id(i))
    return one(i, reply)
  }
  routes.on(
    "GET",
    path,
    route(engine, scopes.list, false, (i) => many(i, resource.list(i.ctx, paramsFromQuery(i.query, i.ctx))))
  )
  routes.on("POST", path, route(engine, scopes.create, true, (i) => one(i, resource.create(i.ctx, i.body()))))
  routes.on(
    "POST",
    `${path}/.search`,
    route(engine, scopes.list, true, (i) => many(i, resource.list(i.ctx, paramsFromBody(i.body()))))
  )
  routes.on(
    "GET",
    `${path}/:id`,
    route(engine, scopes.get, false, (i) =>
      etag
        ? one(i, projected(i, resource.get(i.ctx, id(i))))
        : resource.getJson?.(i, id(i)) ?? projected(i, resource.get(i.ctx, id(i))))
  )
  routes.on(
    "PUT",
    `${path}/:id`,
    route(engine, scopes.update, true, (i) => write(i, () => resource.replace(i.ctx, id(i), i.body())))
  )
  routes.on("PATCH", `${path}/:id`, route(engine, scopes.update, true, (i) => write(i, () => resource.patch(i, id(i)))))
  routes.on(
    "DELETE",
    `${path}/:id`,
    route(engine, scopes.delete, false, (i) => write(i, () => resource.remove(i.ctx, id(i))))
  )
}

/**
 * The route table that registers each SCIM route twice: at `/t/{root}/scim2/...` and, for the
 * sub-organization of a switched token, at `/t/{root}/o/scim2/...` (`orgFace.ts`).
 */
const withSubOrganizations = (routes: Routes): Routes => ({
  ...routes,
  on: (method, path, handler) => {
    routes.on(method, path, handler)
    if (path.startsWith("/t/:org/")) {
      routes.on(method, `/t/:org/o/${path.slice(8)}`, (input) => handler({ ...input, subOrganization: true }))
    }
  }
})

/** The route table. @internal */
export const makeRoutes = (engine: Engine): Routes => {
  const routes = FindMyWay.make<Handler>()
  const S = "/t/:org/scim2"
  const scim = withSubOrganizations(routes)
  routes.on("POST", "/t/:org/oauth2/token", token(engine))
  resourceRoutes(scim, engine, S, users)
  resourceRoutes(scim, engine, S, groups)
  // Roles v2/v3 (rolesRoutes.ts), on both faces: each route behind the gate with its own scope.
  const roleEnv = (ctx: Ctx) => roleEnvOf(engine, ctx)
  for (const r of roleRoutes(S, roleEnv)) scim.on(r.method, r.path, route(engine, r.scope, r.readsBody, r.handle))
  scim.on(
    "POST",
    `${S}/Bulk`,
    route(engine, bulkScopes, true, (i) => handleBulk(i.ctx, i.body(), i.token?.scopes ?? new Set(), roleEnv(i.ctx)))
  )
  scim.on(
    "GET",
    `${S}/ServiceProviderConfig`,
    route(engine, "optional", false, (i) => ({
      status: 200,
      body: serviceProviderConfig(i.ctx.scimBase, i.ctx.quirks, engine.options.maxBodyBytes, engine.options.etag),
      contentType: "application/json"
    }))
  )
  scim.on(
    "GET",
    `${S}/ResourceTypes`,
    route(engine, "optional", false, (i) => ({ status: 200, body: resourceTypes(i.ctx.scimBase) }))
  )
  scim.on(
    "GET",
    `${S}/ResourceTypes/:id`,
    route(engine, "optional", false, (i) => {
      const all = resourceTypes(i.ctx.scimBase)["Resources"] as ReadonlyArray<{ readonly id: string }>
      const found = all.find((r) => r.id === i.params["id"])
      return found === undefined
        ? errorReply(404, `Resource type ${i.params["id"]} not found.`)
        : { status: 200, body: found }
    })
  )
  scim.on(
    "GET",
    `${S}/Schemas`,
    route(engine, "optional", false, (i) => ({
      status: 200,
      body: schemas(i.ctx.scimBase),
      contentType: "application/json"
    }))
  )
  scim.on(
    "GET",
    `${S}/Schemas/:id`,
    route(engine, "optional", false, (i) => {
      const found = schemas(i.ctx.scimBase).find((s) => s["id"] === i.params["id"])
      return found === undefined
        ? errorReply(404, `Schema ${i.params["id"]} not found.`)
        : { status: 200, body: found }
    })
  )
  admin.routes(routes, engine)
  orgApi.routes(routes, engine)
  return routes
}

const corrupt = (answer: Answer): Answer => {
  const text = answer.body ?? "{\"schemas\":["
  return exchange.text(
    answer.status,
    text.slice(0, Math.max(1, Math.floor(text.length / 2))),
    answer.body !== undefined ? answer.contentType ?? "text/plain" : SCIM_JSON,
    answer.headers
  )
}

const notFound = toAnswer(errorReply(404, "The requested resource was not found."))

/**
 * The whole handler: faults, rate limits and the log around the route table.
 *
 * @internal
 */
export const makeHandler = (engine: Engine): (request: Incoming) => Effect.Effect<Answer, DropConnection> => {
  const routes = makeRoutes(engine)
  const dispatch = (request: Incoming, info: RequestInfo, now: number | undefined): Effect.Effect<Answer> => {
    const found = routes.find(request.method, request.target) ??
      (request.method === "HEAD" ? routes.find("GET", request.target) : undefined)
    if (found === undefined) return Effect.succeed(notFound)
    let handled: Effect.Effect<Answer>
    try {
      handled = found.handler({ request, params: found.params, info, now })
    } catch (defect) {
      handled = Effect.die(defect)
    }
    return Effect.catchAllDefect(
      handled,
      (defect) => Effect.succeed(toAnswer(errorReply(500, `Internal server error: ${String(defect)}`)))
    )
  }
  return (request) =>
    Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Answer, DropConnection> => {
      const path = request.path
      const info: RequestInfo = { clientId: undefined, issued: false }
      if (path.startsWith("/__emulator")) return dispatch(request, info, now)
      const m = /^\/t\/[^/]+(\/.*)?$/.exec(path)
      const orgPath = m === null ? path : (m[1] ?? "/")
      const selected = select(engine.faults, request.method, [path, orgPath])
      const bucket = bucketOf(orgPath)
      const wait = bucket === undefined ? undefined : take(engine.limiter, bucket, now)
      const action = selected.action
      const finish = (response: Answer | undefined): Effect.Effect<Answer, DropConnection> => {
        const dropped = action?._tag === "Drop"
        if (orgPath === "/oauth2/token") {
          engine.counters.tokenRequests++
          if (info.issued) engine.counters.tokensIssued++
        }
        record(engine, {
          method: request.method,
          path,
          query: request.search,
          status: dropped ? undefined : response?.status,
          time: now,
          clientId: info.clientId,
          faults: selected.names
        }, orgPath)
        if (dropped) return Effect.fail(new DropConnection({ phase: action.phase }))
        return Effect.succeed(response!)
      }
      const respond = (current: number | undefined): Effect.Effect<Answer, DropConnection> => {
        if (wait !== undefined) {
          return finish(
            exchange.json(
              429,
              errorBody(429, "Too many requests. Please try again later."),
              SCIM_JSON,
              engine.limiter.config.retryAfter ? { "Retry-After": String(Math.max(1, Math.ceil(wait / 1000))) } : {}
            )
          )
        }
        if (action?._tag === "Status") {
          const headers = action.retryAfter === undefined ? {} : { "Retry-After": String(action.retryAfter) }
          return finish(
            action.body !== undefined
              ? exchange.text(action.status, action.body, "text/plain", headers)
              : exchange.json(
                action.status,
                errorBody(action.status, `Injected fault: HTTP ${action.status}`),
                SCIM_JSON,
                headers
              )
          )
        }
        if (action?._tag === "Garbage") {
          return finish(
            exchange.text(action.status ?? 200, action.body ?? "<html><body>502 Bad Gateway</body></html>", "text/html")
          )
        }
        if (action?._tag === "Drop" && action.phase === "before") return finish(undefined)
        return Effect.flatMap(
          dispatch(request, info, current),
          (answered) => finish(action?._tag === "MalformedBody" ? corrupt(answered) : answered)
        )
      }
      return selected.latency > 0
        ? Effect.zipRight(Effect.sleep(Duration.millis(selected.latency)), Effect.suspend(() => respond(undefined)))
        : respond(now)
    })
}

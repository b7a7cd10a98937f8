/**
 * The emulator as one HTTP app: an `HttpRouter` with the token, SCIM, discovery and admin
 * routes, wrapped by the fault, rate-limit and logging layer. Both faces (in process and real
 * server) serve this app; a dropped connection is the `DropConnection` failure, which each face
 * turns into its own kind of broken connection.
 *
 * @internal
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as admin from "./admin.js"
import type { Body, Source } from "./body.js"
import { BodySource, parseJson, read, requestStream, tooLargeDetail } from "./body.js"
import { handleBulk } from "./bulk.js"
import type { Ctx } from "./context.js"
import { resourceTypes, schemas, serviceProviderConfig } from "./discovery.js"
import type { Engine } from "./engine.js"
import { defaultOrigin, record } from "./engine.js"
import { select } from "./faults.js"
import { createGroup, getGroup, removeGroup, replaceGroup } from "./groups.js"
import type { ListParams } from "./listing.js"
import { listGroups, listUsers, paramsFromBody, paramsFromQuery, project } from "./listing.js"
import { patchGroup, patchUser } from "./patch.js"
import { bucketOf, take } from "./rateLimit.js"
import type { JsonObject, Reply } from "./reply.js"
import { errorBody, errorReply, fail, guard, isObject } from "./reply.js"
import { bulkScopes, scopeTable } from "./scopes.js"
import type { TokenRecord } from "./store.js"
import { authenticate, handleToken } from "./token.js"
import { createUser, getUser, removeUser, replaceUser } from "./users.js"

/** The connection is to be dropped without an answer. @internal */
export class DropConnection extends Data.TaggedError("DropConnection")<{ readonly phase: "before" | "after" }> {}

/** Per-request facts the log needs, filled in by the route handlers. @internal */
export interface RequestInfo {
  clientId: string | undefined
  issued: boolean
}

/** @internal */
export const RequestInfo = Context.GenericTag<RequestInfo>("@asgardeo-scim/testkit/internal/RequestInfo")

const SCIM_JSON = "application/scim+json"

/** @internal */
export const toResponse = (reply: Reply, contentType = SCIM_JSON): HttpServerResponse.HttpServerResponse => {
  const options = { status: reply.status, ...(reply.headers === undefined ? {} : { headers: reply.headers }) }
  if (reply.text !== undefined) {
    return HttpServerResponse.text(reply.text, { ...options, contentType: reply.contentType ?? "text/plain" })
  }
  if (reply.body === undefined) return HttpServerResponse.empty(options)
  return HttpServerResponse.unsafeJson(reply.body, { ...options, contentType: reply.contentType ?? contentType })
}

type Access = "none" | "optional" | string | ReadonlyArray<string>

interface Input {
  readonly ctx: Ctx
  readonly token: TokenRecord | undefined
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
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
const tooLarge = (limit: number): HttpServerResponse.HttpServerResponse =>
  toResponse(errorReply(413, tooLargeDetail(limit), undefined, { Connection: "close" }))

/** Reads the request's body within the engine's limit, from the face's body source. */
const readBody = (engine: Engine) =>
  Effect.flatMap(
    Effect.all([HttpServerRequest.HttpServerRequest, BodySource]),
    ([request, source]) => read(request, source, engine.options.maxBodyBytes)
  )

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
) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const params = yield* HttpRouter.params
    const info = yield* RequestInfo
    const body = readsBody ? yield* readBody(engine) : noBody
    if (body._tag === "TooLarge") return tooLarge(body.limit)
    const now = yield* Clock.currentTimeMillis
    const store = yield* Ref.get(engine.store)
    const organization = params["org"] ?? ""
    const url = new URL(request.url, defaultOrigin)
    const reply = guard(() => {
      const org = store.orgs.get(organization) ??
        fail(404, `Organization ${organization} not found.`)
      let token: TokenRecord | undefined = undefined
      if (access !== "none") {
        const auth = authenticate(store, organization, request.headers["authorization"], now)
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
      const ctx: Ctx = { org, now, scimBase: `${engine.origin}/t/${organization}/scim2`, quirks: engine.quirks }
      return handler({ ctx, token, params, query: url.searchParams, body: () => jsonBody(body) })
    })
    return toResponse(reply)
  })

const token = (engine: Engine) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const params = yield* HttpRouter.params
    const info = yield* RequestInfo
    const body = yield* readBody(engine)
    if (body._tag === "TooLarge") return tooLarge(body.limit)
    if (body._tag !== "Text") {
      return toResponse({
        status: 400,
        body: { error: "invalid_request", error_description: "The request body is not valid UTF-8 form data." }
      }, "application/json")
    }
    const text = body.text
    const now = yield* Clock.currentTimeMillis
    const store = yield* Ref.get(engine.store)
    const organization = params["org"] ?? ""
    if (!store.orgs.has(organization)) return toResponse(errorReply(404, `Organization ${organization} not found.`))
    const result = handleToken(store, organization, engine.apps, now, engine.options.tokenExpiresIn, {
      authorization: request.headers["authorization"],
      body: text
    }, engine.quirks.expiresInRounding)
    info.clientId = result.clientId
    info.issued = result.issued
    return toResponse(result.reply, "application/json")
  })

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
const resourceRoutes = (engine: Engine, base: `/${string}`, resource: Resource) => {
  const path = `${base}/${resource.name}` as const
  const id = (i: Input) => i.params["id"] ?? ""
  const { scopes } = resource
  return HttpRouter.empty.pipe(
    HttpRouter.get(
      path,
      route(engine, scopes.list, false, (i) => resource.list(i.ctx, paramsFromQuery(i.query, i.ctx)))
    ),
    HttpRouter.post(path, route(engine, scopes.create, true, (i) => resource.create(i.ctx, i.body()))),
    HttpRouter.post(
      `${path}/.search`,
      route(engine, scopes.list, true, (i) => resource.list(i.ctx, paramsFromBody(i.body())))
    ),
    HttpRouter.get(`${path}/:id`, route(engine, scopes.get, false, (i) => projected(i, resource.get(i.ctx, id(i))))),
    HttpRouter.put(`${path}/:id`, route(engine, scopes.update, true, (i) => resource.replace(i.ctx, id(i), i.body()))),
    HttpRouter.patch(`${path}/:id`, route(engine, scopes.update, true, (i) => resource.patch(i, id(i)))),
    HttpRouter.del(`${path}/:id`, route(engine, scopes.delete, false, (i) => resource.remove(i.ctx, id(i))))
  )
}

/** The routes. @internal */
export const makeRouter = (engine: Engine) => {
  const S = "/t/:org/scim2"
  return HttpRouter.empty.pipe(
    HttpRouter.post("/t/:org/oauth2/token", token(engine)),
    HttpRouter.concat(resourceRoutes(engine, S, users)),
    HttpRouter.concat(resourceRoutes(engine, S, groups)),
    HttpRouter.post(
      `${S}/Bulk`,
      route(engine, bulkScopes, true, (i) => handleBulk(i.ctx, i.body(), i.token?.scopes ?? new Set()))
    ),
    HttpRouter.get(
      `${S}/ServiceProviderConfig`,
      route(engine, "optional", false, (i) => ({
        status: 200,
        body: serviceProviderConfig(i.ctx.scimBase, i.ctx.quirks, engine.options.maxBodyBytes),
        contentType: "application/json"
      }))
    ),
    HttpRouter.get(
      `${S}/ResourceTypes`,
      route(engine, "optional", false, (i) => ({ status: 200, body: resourceTypes(i.ctx.scimBase) }))
    ),
    HttpRouter.get(
      `${S}/ResourceTypes/:id`,
      route(engine, "optional", false, (i) => {
        const all = resourceTypes(i.ctx.scimBase)["Resources"] as ReadonlyArray<{ readonly id: string }>
        const found = all.find((r) => r.id === i.params["id"])
        return found === undefined
          ? errorReply(404, `Resource type ${i.params["id"]} not found.`)
          : { status: 200, body: found }
      })
    ),
    HttpRouter.get(
      `${S}/Schemas`,
      route(engine, "optional", false, (i) => ({
        status: 200,
        body: schemas(i.ctx.scimBase),
        contentType: "application/json"
      }))
    ),
    HttpRouter.get(
      `${S}/Schemas/:id`,
      route(engine, "optional", false, (i) => {
        const found = schemas(i.ctx.scimBase).find((s) => s["id"] === i.params["id"])
        return found === undefined
          ? errorReply(404, `Schema ${i.params["id"]} not found.`)
          : { status: 200, body: found }
      })
    ),
    HttpRouter.concat(admin.routes(engine))
  )
}

const corrupt = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  const text = response.body._tag === "Uint8Array" ? new TextDecoder().decode(response.body.body) : "{\"schemas\":["
  return HttpServerResponse.text(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
    status: response.status,
    headers: response.headers,
    contentType: response.body._tag === "Uint8Array" ? response.body.contentType : "application/scim+json"
  })
}

/**
 * The whole app: faults, rate limits and the log around the router. `source` is where request
 * bodies are read from (the server face reads its socket without closing it early).
 *
 * @internal
 */
export const makeApp = (engine: Engine, source: Source = requestStream) => {
  const router = makeRouter(engine)
  const runRouter = (info: RequestInfo) =>
    router.pipe(
      Effect.provideService(RequestInfo, info),
      Effect.provideService(BodySource, source),
      Effect.catchTag("RouteNotFound", () =>
        Effect.succeed(toResponse(errorReply(404, "The requested resource was not found.")))),
      Effect.catchAllDefect((defect) =>
        Effect.succeed(toResponse(errorReply(500, `Internal server error: ${String(defect)}`)))
      )
    )
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = new URL(request.url, defaultOrigin)
    const path = url.pathname
    const info: RequestInfo = { clientId: undefined, issued: false }
    if (path.startsWith("/__emulator")) return yield* runRouter(info)
    const now = yield* Clock.currentTimeMillis
    const m = /^\/t\/[^/]+(\/.*)?$/.exec(path)
    const orgPath = m === null ? path : (m[1] ?? "/")
    const selected = select(engine.faults, request.method, [path, orgPath])
    const bucket = bucketOf(orgPath)
    const wait = bucket === undefined ? undefined : take(engine.limiter, bucket, now)
    if (selected.latency > 0) yield* Effect.sleep(Duration.millis(selected.latency))
    let response: HttpServerResponse.HttpServerResponse | undefined = undefined
    const action = selected.action
    if (wait !== undefined) {
      response = HttpServerResponse.unsafeJson(errorBody(429, "Too many requests. Please try again later."), {
        status: 429,
        contentType: SCIM_JSON,
        ...(engine.limiter.config.retryAfter
          ? { headers: { "Retry-After": String(Math.max(1, Math.ceil(wait / 1000))) } }
          : {})
      })
    } else if (action?._tag === "Status") {
      response = action.body !== undefined
        ? HttpServerResponse.text(action.body, {
          status: action.status,
          ...(action.retryAfter === undefined ? {} : { headers: { "Retry-After": String(action.retryAfter) } })
        })
        : HttpServerResponse.unsafeJson(errorBody(action.status, `Injected fault: HTTP ${action.status}`), {
          status: action.status,
          contentType: SCIM_JSON,
          ...(action.retryAfter === undefined ? {} : { headers: { "Retry-After": String(action.retryAfter) } })
        })
    } else if (action?._tag === "Garbage") {
      response = HttpServerResponse.text(action.body ?? "<html><body>502 Bad Gateway</body></html>", {
        status: action.status ?? 200,
        contentType: "text/html"
      })
    } else if (!(action?._tag === "Drop" && action.phase === "before")) {
      const answered = yield* runRouter(info)
      response = action?._tag === "MalformedBody" ? corrupt(answered) : answered
    }
    const dropped = action?._tag === "Drop"
    if (orgPath === "/oauth2/token") {
      engine.counters.tokenRequests++
      if (info.issued) engine.counters.tokensIssued++
    }
    record(engine, {
      method: request.method,
      path,
      query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
      status: dropped ? undefined : response?.status,
      time: now,
      clientId: info.clientId,
      faults: selected.names
    }, orgPath)
    if (dropped) return yield* Effect.fail(new DropConnection({ phase: action.phase }))
    return response!
  })
}

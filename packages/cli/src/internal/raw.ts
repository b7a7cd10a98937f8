/**
 * The handlers of the raw resource commands (`get`, `create`, `replace`, `patch`, `delete`,
 * `search`): directory's `Resources` service on the endpoint the command names, JSON in (a file or
 * stdin, checked before anything is sent) and JSON out.
 *
 * @internal
 */
import * as Discovery from "@asgardeo-scim/core/Discovery"
import * as Resources from "@asgardeo-scim/directory/Resources"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Connection from "../Connection.js"
import { CliError, Usage } from "../ExitCode.js"
import { Io } from "../Io.js"
import * as Render from "../Render.js"
import * as Input from "./input.js"

type Args<A> = Connection.Flags & { readonly endpoint: string } & A

const usage = (message: string) => new CliError({ code: Usage, message })

/** `Users`, `/Users` and `/Users/` are `/Users`; anything that is not an endpoint path is a usage error. */
const endpointPath = (raw: string) => {
  const path = `/${raw.trim().replace(/^\/+/, "").replace(/\/+$/, "")}`
  return /^(?:\/[A-Za-z][A-Za-z0-9._-]{0,63}){1,4}$/.test(path)
    ? Effect.succeed(path)
    : Effect.fail(usage(`${JSON.stringify(raw)} is not an endpoint: expected a path such as /Users or /Groups`))
}

/**
 * The `Resources` service for an endpoint: `/Users` and `/Groups` with their definitions (and
 * scopes); any other endpoint only when the server's `/ResourceTypes` lists it.
 */
const service = (raw: string) =>
  Effect.gen(function*() {
    const path = yield* endpointPath(raw)
    if (path.toLowerCase() === "/users") return yield* Resources.make(Resources.users)
    if (path.toLowerCase() === "/groups") return yield* Resources.make(Resources.groups)
    const types = yield* (yield* Discovery.Discovery).resourceTypes
    const type = types.find((t) => t.endpoint.replace(/\/+$/, "").toLowerCase() === path.toLowerCase())
    if (type === undefined) {
      return yield* Effect.fail(usage(
        `${path} is not an endpoint the server lists in /ResourceTypes (it lists ${
          types.map((t) => t.endpoint).join(", ") || "none"
        })`
      ))
    }
    return yield* Resources.make({
      name: (type.name.replace(/[^A-Za-z0-9_-]/g, "") || "Resource").replace(/^[^A-Za-z]+/, "R"),
      path: type.endpoint.replace(/\/+$/, ""),
      schema: Resources.Projected,
      projection: Resources.Projected,
      ...(type.schema !== "" ? { schemaUrn: type.schema } : {})
    })
  })

const print = (value: unknown) => Effect.flatMap(Io, (io) => io.out(Render.json(value)))

const commaList = (value: Option.Option<string>) =>
  Option.map(value, (s) => s.split(",").map((a) => a.trim()).filter((a) => a !== ""))

export const get = (
  args: Args<{
    readonly id: string
    readonly attributes: Option.Option<string>
    readonly excludedAttributes: Option.Option<string>
  }>
) =>
  Effect.gen(function*() {
    const resources = yield* service(args.endpoint)
    const attributes = commaList(args.attributes)
    const excluded = commaList(args.excludedAttributes)
    if (Option.isSome(attributes) && Option.isSome(excluded)) {
      return yield* Effect.fail(usage("--attributes and --excluded-attributes: pass one"))
    }
    yield* print(
      Option.isSome(attributes)
        ? yield* resources.get(args.id, { attributes: attributes.value })
        : Option.isSome(excluded)
        ? yield* resources.get(args.id, { excludedAttributes: excluded.value })
        : yield* resources.get(args.id)
    )
  }).pipe(Effect.provide(Connection.layer(args)))

export const create = (args: Args<{ readonly data: string }>) =>
  Effect.flatMap(
    Input.readObject(args.data, "--data"),
    (body) =>
      Effect.flatMap(service(args.endpoint), (resources) => Effect.flatMap(resources.create(body), print)).pipe(
        Effect.provide(Connection.layer(args))
      )
  )

export const replace = (args: Args<{ readonly id: string; readonly data: string }>) =>
  Effect.flatMap(
    Input.readObject(args.data, "--data"),
    (body) =>
      Effect.flatMap(service(args.endpoint), (resources) => Effect.flatMap(resources.replace(args.id, body), print))
        .pipe(
          Effect.provide(Connection.layer(args))
        )
  )

export const patch = (args: Args<{ readonly id: string; readonly data: string }>) =>
  Effect.flatMap(
    Input.readOperations(args.data, "--data", "patch"),
    (operations) =>
      Effect.flatMap(service(args.endpoint), (resources) => Effect.flatMap(resources.patch(args.id, operations), print))
        .pipe(Effect.provide(Connection.layer(args)))
  )

export const del = (args: Args<{ readonly id: string }>) =>
  Effect.gen(function*() {
    const resources = yield* service(args.endpoint)
    yield* resources.delete(args.id)
    yield* print({ endpoint: yield* endpointPath(args.endpoint), id: args.id, deleted: true })
  }).pipe(Effect.provide(Connection.layer(args)))

const searchKeys = ["filter", "startIndex", "count", "attributes", "excludedAttributes", "sortBy", "sortOrder"]

type SearchArgs = Args<{
  readonly data: Option.Option<string>
  readonly filter: Option.Option<string>
  readonly count: Option.Option<number>
  readonly startIndex: Option.Option<number>
}>

/** A SearchRequest (RFC 7644 §3.4.3) from a file, with the flags on top. */
const searchRequest = (args: SearchArgs) =>
  Effect.gen(function*() {
    const body = Option.isSome(args.data) ? yield* Input.readObject(args.data.value, "--data") : {}
    const unknown = Object.keys(body).filter((k) => k !== "schemas" && !searchKeys.includes(k))
    if (unknown.length > 0) {
      return yield* Effect.fail(
        usage(
          `--data: ${unknown.join(", ")} ${unknown.length === 1 ? "is not a" : "are not"} SearchRequest ` +
            `attribute${unknown.length === 1 ? "" : "s"} (${searchKeys.join(", ")}); nothing was sent`
        )
      )
    }
    const { schemas: _, ...request } = body
    return {
      ...request,
      ...(Option.isSome(args.filter) ? { filter: args.filter.value } : {}),
      ...(Option.isSome(args.count) ? { count: args.count.value } : {}),
      ...(Option.isSome(args.startIndex) ? { startIndex: args.startIndex.value } : {})
    } as Resources.ListOptions
  })

export const search = (args: SearchArgs) =>
  Effect.flatMap(searchRequest(args), (request) =>
    Effect.gen(function*() {
      const resources = yield* service(args.endpoint)
      const page = yield* resources.search(request)
      yield* print({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        totalResults: page.totalResults,
        startIndex: page.startIndex,
        itemsPerPage: page.itemsPerPage,
        Resources: page.resources
      })
    }).pipe(Effect.provide(Connection.layer(args))))

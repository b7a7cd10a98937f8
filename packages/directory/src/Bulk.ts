/**
 * The `Bulk` service: typed operations in, typed per-operation results out (correlated by
 * `bulkId`, never by position: Asgardeo runs all `/Users` operations before `/Groups`, and those
 * before `/v2/Roles`, whatever the order sent), `failOnErrors`, and automatic chunking by the
 * server's limits: at most the
 * smaller of ServiceProviderConfig `bulk.maxOperations` and (on Asgardeo) the documented 100
 * operations, and at most `bulk.maxPayloadSize` bytes, per request. Operations that reference
 * another's `bulkId:xyz` stay in one chunk with it.
 *
 * Every operation's data is checked before any request by core's `Validation` rules (the deep
 * check `Validation.decodeJson`: control characters, lengths, depth; PATCH operations through
 * `Patch.decodeOperations`). A password is a `Redacted` string: a plain-string `password` in
 * POST or PUT data, or in a PATCH value, fails with `InvalidInput` naming the field; the
 * `Redacted` value is unwrapped only when the request body is serialized.
 *
 * A server whose `ServiceProviderConfig` says `bulk.supported: false` gets no Bulk request:
 * `execute` fails with `Unsupported` (`feature: "bulk"`) before sending anything (the HR
 * batches use single requests there on their own). A server without that endpoint (404/501) is
 * tried, with the default limits.
 *
 * In strict mode (`Directory.layerStrict`) every user and group operation's data is checked against
 * the server's schemas as a single write is, before the request (`InvalidAttribute` naming the
 * attribute).
 *
 * Roles (Asgardeo): operations on `/v2/Roles` (POST, PUT, PATCH, DELETE; `/v2/Roles` whichever
 * Roles API the application uses, as Asgardeo routes only that path to its roles), each checked
 * against its bulk role scope (`internal_bulk_role_create`, `_update`, `_delete`) before sending. A
 * new role's `users[].value` may be `bulkId:<id>` of a user created in the same request (see
 * {@link ref}). On a target without Asgardeo's Roles API a role operation fails with
 * `Unsupported` before anything is sent.
 *
 * Every operation gets a `bulkId` (one is generated when not given) so results can be matched.
 * Statuses come as numbers or strings, `status.code` or bare; `response` as an object or a JSON
 * string: both are normalised.
 *
 * @since 0.1.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Discovery from "@asgardeo-scim/core/Discovery"
import * as Patch from "@asgardeo-scim/core/Patch"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as ServiceProviderConfig from "@asgardeo-scim/core/ServiceProviderConfig"
import * as Target from "@asgardeo-scim/core/Target"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as BulkPrepare from "./internal/bulkPrepare.js"
import * as BulkWire from "./internal/bulkWire.js"
import * as internal from "./internal/common.js"
import * as StrictSchemas from "./StrictSchemas.js"

/**
 * A resource endpoint of a bulk operation: `Users`, `Groups`, or (since 0.4.0, Asgardeo) `Roles`,
 * sent to `/v2/Roles`.
 *
 * @since 0.1.0
 * @category models
 */
export type Resource = BulkPrepare.Resource

/**
 * One bulk operation. `path` is `/Users`, `/Groups` or `/v2/Roles` for POST, `/Users/{id}`,
 * `/Groups/{id}` or `/v2/Roles/{id}` otherwise. POST needs a `bulkId`; for the others one is
 * generated when missing.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation =
  | {
    readonly method: "POST"
    readonly path: "/Users" | "/Groups" | "/v2/Roles"
    readonly bulkId: string
    readonly data: { readonly [key: string]: unknown }
  }
  | {
    readonly method: "PUT"
    readonly path: string
    readonly bulkId?: string | undefined
    readonly data: { readonly [key: string]: unknown }
  }
  | {
    readonly method: "PATCH"
    readonly path: string
    readonly bulkId?: string | undefined
    readonly data: { readonly Operations: ReadonlyArray<Patch.PatchOperation> } | {
      readonly [key: string]: unknown
    }
  }
  | {
    readonly method: "DELETE"
    readonly path: string
    readonly bulkId?: string | undefined
  }

/**
 * @since 0.1.0
 * @category constructors
 */
export const create = (
  resource: Resource,
  bulkId: string,
  data: { readonly [key: string]: unknown }
): Operation => ({
  method: "POST",
  path: BulkPrepare.endpointOf(resource) as "/Users" | "/Groups" | "/v2/Roles",
  bulkId,
  data
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const replace = (
  resource: Resource,
  id: string,
  data: { readonly [key: string]: unknown },
  bulkId?: string
): Operation => ({
  method: "PUT",
  path: `${BulkPrepare.endpointOf(resource)}/${id}`,
  data,
  ...(bulkId !== undefined ? { bulkId } : {})
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const patch = (
  resource: Resource,
  id: string,
  operations: ReadonlyArray<Patch.PatchOperation>,
  bulkId?: string
): Operation => ({
  method: "PATCH",
  path: `${BulkPrepare.endpointOf(resource)}/${id}`,
  data: { schemas: [Patch.PatchOpUrn], Operations: operations },
  ...(bulkId !== undefined ? { bulkId } : {})
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const remove = (resource: Resource, id: string, bulkId?: string): Operation => ({
  method: "DELETE",
  path: `${BulkPrepare.endpointOf(resource)}/${id}`,
  ...(bulkId !== undefined ? { bulkId } : {})
})

/**
 * `bulkId:<id>`: refers, in another operation's data, to the resource an earlier POST creates.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ref = (bulkId: string): string => `bulkId:${bulkId}`

/**
 * The result of one operation.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationResult {
  readonly bulkId: string
  readonly method: Operation["method"]
  /** The path sent. */
  readonly path: string
  /** The HTTP status of the operation (a number, whatever the server sent). */
  readonly status: number
  /** 2xx */
  readonly ok: boolean
  readonly location: string | undefined
  /** The resource id: from `location`, else from the response body. */
  readonly id: string | undefined
  /** The operation's response body, parsed when it came as a JSON string. */
  readonly response: { readonly [key: string]: unknown } | undefined
  /** For failures: the SCIM `scimType` and `detail` of the response. */
  readonly scimType: string | undefined
  readonly detail: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  /** One per operation the server answered, in the order sent. */
  readonly results: ReadonlyArray<OperationResult>
  readonly byBulkId: ReadonlyMap<string, OperationResult>
  readonly failed: number
  /** bulkIds of operations without a result (not sent after `failOnErrors` was reached, or skipped by the server). */
  readonly notProcessed: ReadonlyArray<string>
  /** The number of HTTP requests sent. */
  readonly requests: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Stop after this many failed operations (across chunks). Default: process everything. */
  readonly failOnErrors?: number | undefined
}

/**
 * @since 0.1.0
 * @category errors
 */
export type Error =
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.Unsupported
  | StrictSchemas.WriteError

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly execute: (operations: ReadonlyArray<Operation>, options?: Options) => Effect.Effect<Result, Error>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Bulk extends Context.Tag("@asgardeo-scim/directory/Bulk")<Bulk, Service>() {}

/**
 * Asgardeo's documented operations per bulk request.
 *
 * @since 0.1.0
 * @category constants
 */
export const asgardeoMaxOperations = Target.defaultBulkOperations

const BulkRequestUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

/**
 * Splits prepared operations into chunks: groups linked by `bulkId:` references stay together;
 * each chunk has at most `maxOperations` operations and `maxBytes` bytes.
 *
 * @since 0.1.0
 * @category internals
 */
export const chunk: <
  A extends { readonly bulkId: string; readonly refs: ReadonlyArray<string>; readonly size: number }
>(
  operations: ReadonlyArray<A>,
  maxOperations: number,
  maxBytes: number
) => Either.Either<ReadonlyArray<ReadonlyArray<A>>, string> = BulkWire.chunk

/**
 * Builds the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  ScimClient.ScimClient | Discovery.Discovery | AccessToken.AccessToken
> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  const discovery = yield* Discovery.Discovery
  const tokens = yield* AccessToken.AccessToken
  // Strict mode (`Directory.layerStrict`): every operation's data is checked as a single write is.
  const strict = Option.getOrUndefined(yield* Effect.serviceOption(StrictSchemas.StrictSchemas))
  const target = client.target
  const op = "Bulk.execute"
  const validId = (u: unknown): string | undefined =>
    typeof u === "string" && Either.isRight(client.encodeId(u)) ? u : undefined

  const checkScopes = (prepared: ReadonlyArray<BulkWire.Prepared>) =>
    Effect.gen(function*() {
      const needed = Scopes.forOperations(new Set(prepared.map((p) => p.scope)))
      if (!target.scopes.checked) return needed[0]
      const granted = (yield* tokens.get()).scopes
      if (granted === undefined) return needed[0]
      // In a sub-organization each scope is granted in its `internal_org_*` form.
      const missing = needed.map(client.scopeOf).find((s) => !granted.has(s))
      if (missing !== undefined) {
        return yield* Effect.fail(
          new ScimError.MissingScope({ operation: op, scope: missing, granted: [...granted] })
        )
      }
      return needed[0]
    })

  const execute = (operations: ReadonlyArray<Operation>, options?: Options) =>
    Effect.gen(function*() {
      const failOnErrors = options?.failOnErrors
      if (failOnErrors !== undefined && !(Number.isSafeInteger(failOnErrors) && failOnErrors > 0)) {
        return yield* internal.fail(op, "failOnErrors", "must be a positive integer")
      }
      const prepared = yield* BulkPrepare.prepare(client, op, operations)
      // A server that says it has no Bulk gets no Bulk request. One without a configuration
      // endpoint is tried, with the default limits.
      const spc = yield* ServiceProviderConfig.ensureSupported(discovery.serviceProviderConfig, {
        operation: op,
        feature: "bulk",
        instead: "send the operations as single requests",
        absent: "tried"
      })
      if (strict !== undefined) {
        for (const p of prepared) {
          const data = p.wire.data
          // Strict mode checks users and groups (roles are no schema of /ResourceTypes it reads).
          if (data === undefined || p.resource === "Roles") continue
          const endpoint = BulkPrepare.endpointOf(p.resource)
          yield* strict.checkWrite(
            op,
            endpoint,
            p.method === "PATCH"
              ? { _tag: "patch", operations: (data as { Operations: ReadonlyArray<Patch.PatchOperation> }).Operations }
              : { _tag: p.method === "POST" ? "create" : "replace", body: data }
          )
        }
      }
      const scope = yield* checkScopes(prepared)
      // The server's advertised limit within the target's documented cap (Asgardeo: 100).
      const maxOperations = Target.bulkLimit(target, spc.bulk.maxOperations)
      const maxBytes = spc.bulk.maxPayloadSize !== undefined && spc.bulk.maxPayloadSize > 0
        ? spc.bulk.maxPayloadSize
        : Number.POSITIVE_INFINITY
      const chunks = chunk(prepared, maxOperations, maxBytes)
      if (Either.isLeft(chunks)) return yield* internal.fail(op, "operations", chunks.left)

      const byBulkId = new Map<string, OperationResult>()
      let failed = 0
      let requests = 0
      for (const part of chunks.right) {
        if (failOnErrors !== undefined && failed >= failOnErrors) break
        requests++
        const res = yield* client.execute({
          operation: op,
          scope,
          method: "POST",
          path: "/Bulk",
          bucket: "bulk",
          idempotent: false,
          body: {
            schemas: [BulkRequestUrn],
            ...(failOnErrors !== undefined ? { failOnErrors: failOnErrors - failed } : {}),
            Operations: part.map((p) => p.wire)
          }
        })
        const body = res.body
        const answered: unknown = internal.isRecord(body) ? (body.Operations ?? body.operations) : undefined
        if (!Array.isArray(answered)) {
          return yield* Effect.fail(
            new ScimError.InvalidResponse({
              method: "POST",
              path: "/Bulk",
              status: res.status,
              reason: "the BulkResponse has no Operations array"
            })
          )
        }
        const pending = new Map(part.map((p) => [p.bulkId, p]))
        for (const raw of answered) {
          if (!internal.isRecord(raw)) continue
          const location = typeof raw.location === "string" ? raw.location : undefined
          let sent = typeof raw.bulkId === "string" ? pending.get(raw.bulkId) : undefined
          if (sent === undefined) {
            // No bulkId echoed: match a non-POST by method and the id in its path.
            const target = BulkWire.lastSegment(location)
            const candidates = [...pending.values()].filter((p) =>
              p.method === raw.method && p.method !== "POST" && target !== undefined &&
              BulkWire.lastSegment(p.path) === target
            )
            if (candidates.length === 1) sent = candidates[0]
          }
          if (sent === undefined) continue
          pending.delete(sent.bulkId)
          const status = BulkWire.toStatus(raw.status) ?? 0
          // A per-operation answer may echo the operation, passwords included: scrubbed like any
          // body kept from an answer.
          const response = BulkWire.toResponse(BulkWire.scrubbed(raw.response, res.scrub))
          const ok = status >= 200 && status < 300
          if (!ok) failed++
          const detail = response?.detail
          const scimType = response?.scimType
          byBulkId.set(sent.bulkId, {
            bulkId: sent.bulkId,
            method: sent.method,
            path: sent.path,
            status,
            ok,
            location,
            // The id HR then adds to groups: only a well-formed id counts, whoever sent it.
            id: validId(BulkWire.lastSegment(location)) ?? validId(response?.id),
            response,
            scimType: typeof scimType === "string" ? scimType : undefined,
            detail: typeof detail === "string" ? detail : undefined
          })
        }
      }
      const results = prepared.flatMap((p) => {
        const r = byBulkId.get(p.bulkId)
        return r === undefined ? [] : [r]
      })
      return {
        results,
        byBulkId,
        failed,
        notProcessed: prepared.filter((p) => !byBulkId.has(p.bulkId)).map((p) => p.bulkId),
        requests
      } satisfies Result
    }).pipe(
      Effect.withSpan("Bulk.execute", {
        attributes: { "scim.bulk.operations": Array.isArray(operations) ? operations.length : 0 }
      })
    )

  return Bulk.of({ execute })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Bulk, never, ScimClient.ScimClient | Discovery.Discovery | AccessToken.AccessToken> =
  Layer.effect(Bulk, make)

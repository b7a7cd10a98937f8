/**
 * A server's `ServiceProviderConfig` (RFC 7643 §5): which optional features it offers (PATCH,
 * Bulk and its limits, filters, sorting, ETags, password change, and RFC 9865 pagination). Decoded tolerantly: booleans
 * sent as strings are read as booleans, numeric strings as numbers, and anything missing takes
 * the RFC's conservative default (not supported). The client reads it once
 * (`ScimClient.Service.serviceProviderConfig`); every feature decision that depends on it reads
 * it through `advertised`.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Loose from "./internal/loose.js"
import type * as ScimClient from "./ScimClient.js"
import * as ScimError from "./ScimError.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface ServiceProviderConfig {
  readonly patch: { readonly supported: boolean }
  readonly bulk: {
    readonly supported: boolean
    readonly maxOperations: number | undefined
    readonly maxPayloadSize: number | undefined
  }
  readonly filter: { readonly supported: boolean; readonly maxResults: number | undefined }
  readonly changePassword: { readonly supported: boolean }
  readonly sort: { readonly supported: boolean }
  readonly etag: { readonly supported: boolean }
  readonly authenticationSchemes: ReadonlyArray<{ readonly type: string; readonly name: string | undefined }>
  /**
   * How lists may be paged (RFC 9865 `pagination`). Absent from the body: index paging only (RFC
   * 7644's), no cursors.
   *
   * @since 0.3.0
   */
  readonly pagination: Pagination
  /** The body as received. */
  readonly raw: Readonly<Record<string, unknown>>
}

/**
 * RFC 9865 `pagination`: which paging methods the server offers and its limits.
 *
 * @since 0.3.0
 * @category models
 */
export interface Pagination {
  /** Cursor paging (`cursor` and `nextCursor`). Absent: false. */
  readonly cursor: boolean
  /** Index paging (`startIndex`). Absent: true (RFC 7644's own paging). */
  readonly index: boolean
  /** The method used when a request names neither `cursor` nor `startIndex`. */
  readonly defaultPaginationMethod: "index" | "cursor" | undefined
  /** The page size used when a request has no `count`. */
  readonly defaultPageSize: number | undefined
  /** The largest `count` the server honours. */
  readonly maxPageSize: number | undefined
  /** Seconds a cursor stays valid after the page that gave it. */
  readonly cursorTimeout: number | undefined
}

const decodePagination = (u: unknown): Pagination => {
  const o = Loose.obj(u)
  const method = Loose.str(o.defaultPaginationMethod)?.toLowerCase()
  const positive = (v: unknown) => {
    const n = Loose.num(v)
    return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined
  }
  return {
    cursor: Loose.bool(o.cursor, false),
    index: Loose.bool(o.index, true),
    defaultPaginationMethod: method === "index" || method === "cursor" ? method : undefined,
    defaultPageSize: positive(o.defaultPageSize),
    maxPageSize: positive(o.maxPageSize),
    cursorTimeout: positive(o.cursorTimeout)
  }
}

/**
 * Decodes a `ServiceProviderConfig` body; never fails (a body that is no object offers nothing).
 *
 * @example
 * ```ts
 * import { ServiceProviderConfig } from "@asgardeo-scim/core"
 *
 * const spc = ServiceProviderConfig.decode({ sort: { supported: "true" }, bulk: { maxOperations: "100" } })
 * assert.strictEqual(spc.sort.supported, true)
 * assert.strictEqual(spc.bulk.supported, false)
 * assert.strictEqual(spc.bulk.maxOperations, 100)
 * // No `pagination` (RFC 9865): index paging only.
 * assert.strictEqual(spc.pagination.cursor, false)
 * assert.strictEqual(spc.pagination.index, true)
 * ```
 *
 * @since 0.3.0
 * @category decoding
 */
export const decode = (body: unknown): ServiceProviderConfig => {
  const o = Loose.obj(body)
  const bulk = Loose.obj(o.bulk)
  const filter = Loose.obj(o.filter)
  return {
    patch: { supported: Loose.bool(Loose.obj(o.patch).supported, false) },
    bulk: {
      supported: Loose.bool(bulk.supported, false),
      maxOperations: Loose.num(bulk.maxOperations),
      maxPayloadSize: Loose.num(bulk.maxPayloadSize)
    },
    filter: { supported: Loose.bool(filter.supported, false), maxResults: Loose.num(filter.maxResults) },
    changePassword: { supported: Loose.bool(Loose.obj(o.changePassword).supported, false) },
    sort: { supported: Loose.bool(Loose.obj(o.sort).supported, false) },
    etag: { supported: Loose.bool(Loose.obj(o.etag).supported, false) },
    authenticationSchemes: (Array.isArray(o.authenticationSchemes) ? o.authenticationSchemes : []).map((s) => ({
      type: Loose.str(Loose.obj(s).type) ?? "unknown",
      name: Loose.str(Loose.obj(s).name)
    })),
    pagination: decodePagination(o.pagination),
    raw: o
  }
}

/**
 * What a server without a `ServiceProviderConfig` endpoint offers: nothing optional.
 *
 * @since 0.3.0
 * @category constructors
 */
export const none: ServiceProviderConfig = decode({})

/**
 * What the server advertises, for deciding whether to use a feature: its configuration, or
 * `none` when it has no such endpoint (404 or 501); other failures (transport, 401, ...) stay
 * failures.
 *
 * @since 0.3.0
 * @category combinators
 */
export const advertised = <R>(
  read: Effect.Effect<ServiceProviderConfig, ScimClient.Error, R>
): Effect.Effect<ServiceProviderConfig, Exclude<ScimClient.Error, ScimError.NotFound | ScimError.NotImplemented>, R> =>
  Effect.catchTags(read, {
    NotFound: () => Effect.succeed(none),
    NotImplemented: () => Effect.succeed(none)
  })

/**
 * The optional features a `ServiceProviderConfig` advertises with `supported`.
 *
 * @since 0.3.0
 * @category models
 */
export type Feature = "patch" | "bulk" | "filter" | "changePassword" | "sort" | "etag"

/**
 * What the server advertises, failing with `Unsupported` (naming the feature and why) when it
 * does not offer `feature`: its configuration says `supported: false`, or it has none (404/501)
 * and `absent` is `"refused"` (the default). With `absent: "tried"` a server without the endpoint
 * gets `none` back and the operation goes ahead (RFC 7644 requires the endpoint, so nothing says
 * the feature is missing). The one place an operation refuses a feature the server lacks.
 *
 * @since 0.3.0
 * @category combinators
 */
export const ensureSupported = <R>(
  read: Effect.Effect<ServiceProviderConfig, ScimClient.Error, R>,
  options: {
    readonly operation: string
    readonly feature: Feature
    /** What to do instead, appended to the error's reason. */
    readonly instead?: string | undefined
    readonly absent?: "refused" | "tried" | undefined
  }
): Effect.Effect<
  ServiceProviderConfig,
  Exclude<ScimClient.Error, ScimError.NotFound | ScimError.NotImplemented> | ScimError.Unsupported,
  R
> =>
  Effect.flatMap(
    advertised(read),
    (spc) =>
      spc[options.feature].supported || (spc === none && options.absent === "tried")
        ? Effect.succeed(spc)
        : Effect.fail(
          new ScimError.Unsupported({
            operation: options.operation,
            feature: options.feature,
            reason: (spc === none
              ? "it has no ServiceProviderConfig to say it does"
              : `its ServiceProviderConfig has ${options.feature}.supported false`) +
              (options.instead !== undefined ? `; ${options.instead}` : "")
          })
        )
  )

/**
 * Asgardeo's organizations API (B2B): the sub-organizations below the organization the client
 * acts in, a page at a time or as a `Stream` that follows the API's cursors, one organization by
 * id, and the one organization of a name.
 *
 * Needs `internal_organization_view` in the root organization (`internal_org_organization_view`
 * inside a sub-organization). On a generic SCIM target every operation fails with `InvalidInput`
 * before sending.
 *
 * Cursors are followed as cursors only: a `next` link is never used as an address (a hostile
 * server could point it at another host and collect the bearer token); a cursor answered twice
 * ends the stream with `PagingAborted`, as do more than `maxPageRequests` pages; a next link
 * without a usable cursor is `InvalidResponse` (never taken for the last page). An organization
 * answered again on a later page is streamed once.
 *
 * @example
 * ```ts
 * import { Organizations } from "@asgardeo-scim/core"
 * import { Effect, Stream } from "effect"
 *
 * // The names of every sub-organization, the whole tree.
 * export const names = Effect.flatMap(Organizations.Organizations, (organizations) =>
 *   organizations.stream({ recursive: true }).pipe(
 *     Stream.map((organization) => organization.name),
 *     Stream.runCollect
 *   ))
 * ```
 *
 * @since 0.4.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as OrganizationsApi from "./internal/organizationsApi.js"
import * as ScimClient from "./ScimClient.js"
import * as ScimError from "./ScimError.js"

/**
 * A sub-organization as the listing shows it (unknown fields are kept).
 *
 * @since 0.4.0
 * @category schemas
 */
export const Organization: Schema.Schema<Organization, OrganizationEncoded> = OrganizationsApi.Organization

/**
 * @since 0.4.0
 * @category models
 */
export interface Organization {
  readonly id: string
  readonly name: string
  readonly orgHandle?: string | undefined
  /** `ACTIVE` or `DISABLED`. */
  readonly status?: string | undefined
  readonly hasChildren?: boolean | undefined
  readonly ref?: string | undefined
  readonly parentId?: string | undefined
  readonly attributes?: ReadonlyArray<{ readonly key: string; readonly value: string }> | undefined
}

/**
 * @since 0.4.0
 * @category models
 */
export type OrganizationEncoded = Organization

/**
 * One organization read by id: the listing's fields and `created`, `lastModified`, `type`,
 * `parent`.
 *
 * @since 0.4.0
 * @category schemas
 */
export const OrganizationDetails = Schema.Struct({
  ...OrganizationsApi.Organization.fields,
  created: Schema.optional(Schema.String),
  lastModified: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  parent: Schema.optional(Schema.Struct({ id: Schema.String, ref: Schema.optional(Schema.String) }))
})

/**
 * @since 0.4.0
 * @category models
 */
export type OrganizationDetails = typeof OrganizationDetails.Type

/**
 * What to list: `filter` in the API's own syntax (`name sw Acme`, `status eq ACTIVE`; attributes
 * `id`, `name`, `parentId`, `status`, `created`, `lastModified`; joined with `and`), `limit` the
 * page size (1 to 1,000), `recursive` the whole tree instead of the direct children.
 *
 * @since 0.4.0
 * @category models
 */
export interface ListOptions {
  readonly filter?: string | undefined
  readonly limit?: number | undefined
  readonly recursive?: boolean | undefined
}

/**
 * One page and the cursors around it.
 *
 * @since 0.4.0
 * @category models
 */
export interface Page {
  readonly organizations: ReadonlyArray<Organization>
  readonly after: string | undefined
  readonly before: string | undefined
}

/**
 * The errors of the organizations API.
 *
 * @since 0.4.0
 * @category models
 */
export type Error = ScimClient.Error | ScimError.InvalidInput | ScimError.PagingAborted

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /** One page; `after` or `before` is a cursor of a page answered before. */
  readonly list: (
    options?: ListOptions & { readonly after?: string | undefined; readonly before?: string | undefined }
  ) => Effect.Effect<Page, Error>
  /** Every organization of the listing, following the cursors. */
  readonly stream: (options?: ListOptions) => Stream.Stream<Organization, Error>
  readonly get: (id: string) => Effect.Effect<OrganizationDetails, Error>
  /**
   * The one organization of exactly this name anywhere below (the whole tree): none is
   * `OrganizationNotFound`, several are `AmbiguousOrganization` (names are unique among siblings
   * only).
   */
  readonly findByName: (
    name: string
  ) => Effect.Effect<Organization, Error | ScimError.OrganizationNotFound | ScimError.AmbiguousOrganization>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class Organizations extends Context.Tag("@asgardeo-scim/core/Organizations")<Organizations, Service>() {}

const printable = /^[^\u0000-\u001f\u007f]*$/

const Options = Schema.Struct({
  filter: Schema.optional(
    Schema.String.pipe(Schema.maxLength(1024), Schema.pattern(printable, { message: () => "printable text" }))
  ),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000))),
  recursive: Schema.optional(Schema.Boolean),
  after: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2048))),
  before: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2048)))
})

const decodeOptions = Schema.decodeUnknownEither(Options, { onExcessProperty: "error" })

const checked = <A>(
  operation: string,
  decoded: Either.Either<A, ParseResult.ParseError>
): Effect.Effect<A, ScimError.InvalidInput> =>
  Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(
    new ScimError.InvalidInput({
      operation,
      field: "options",
      reason: ParseResult.TreeFormatter.formatErrorSync(decoded.left)
    })
  )

const Name = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(256),
  Schema.pattern(printable, { message: () => "printable text" })
)

/**
 * The service over a SCIM client of an Asgardeo organization.
 *
 * @since 0.4.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ScimClient.ScimClient> = Effect.map(
  ScimClient.ScimClient,
  (client): Service => {
    const maxPages = client.settings.maxPageRequests
    return Organizations.of({
      list: (options) =>
        Effect.flatMap(
          checked("Organizations.list", decodeOptions(options ?? {})),
          (o) => OrganizationsApi.listPage(client.execute, "Organizations.list", o)
        ).pipe(Effect.withSpan("Organizations.list")),
      stream: (options) =>
        Stream.unwrap(
          Effect.map(
            checked("Organizations.stream", decodeOptions(options ?? {})),
            (o) => {
              if (o.after !== undefined || o.before !== undefined) {
                return Stream.fail(
                  new ScimError.InvalidInput({
                    operation: "Organizations.stream",
                    field: "options",
                    reason: "a stream starts at the first page: pass no cursor"
                  })
                )
              }
              return OrganizationsApi.stream(client.execute, "Organizations.stream", o, maxPages)
            }
          )
        ).pipe(Stream.withSpan("Organizations.stream")),
      get: (id) =>
        client.executeDecode({
          operation: "Organizations.get",
          api: "organization",
          scope: OrganizationsApi.scope,
          method: "GET",
          path: OrganizationsApi.path,
          id
        }, OrganizationDetails).pipe(Effect.withSpan("Organizations.get")),
      findByName: (name) =>
        Effect.flatMap(
          Effect.mapError(
            Schema.decodeUnknown(Name)(name),
            (error) =>
              new ScimError.InvalidInput({
                operation: "Organizations.findByName",
                field: "name",
                reason: ParseResult.TreeFormatter.formatErrorSync(error)
              })
          ),
          (checkedName) =>
            OrganizationsApi.findByName(client.execute, "Organizations.findByName", checkedName.trim(), maxPages)
        ).pipe(Effect.withSpan("Organizations.findByName"))
    })
  }
)

/**
 * The service, from the program's `ScimClient`.
 *
 * @since 0.4.0
 * @category layers
 */
export const layer: Layer.Layer<Organizations, never, ScimClient.ScimClient> = Layer.effect(Organizations, make)

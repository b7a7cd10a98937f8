/**
 * SCIM discovery: `ServiceProviderConfig`, `ResourceTypes` and `Schemas`, decoded tolerantly
 * and normalised. Asgardeo returns `/Schemas` as a bare array with UPPERCASE attribute
 * characteristics (`STRING`, `READ_WRITE`); other servers return a ListResponse in RFC
 * camelCase. Both come out the same. Booleans sent as strings are read as booleans, numbers as
 * numeric strings as numbers, and anything missing takes the RFC's conservative default.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { cacheSuccess } from "./internal/cacheSuccess.js"
import * as Loose from "./internal/loose.js"
import * as ScimClient from "./ScimClient.js"
import * as ScimError from "./ScimError.js"
import * as SPC from "./ServiceProviderConfig.js"

/**
 * The server's configuration (see `ServiceProviderConfig`).
 *
 * @since 0.1.0
 * @category models
 */
export type ServiceProviderConfig = SPC.ServiceProviderConfig

/**
 * @since 0.1.0
 * @category models
 */
export interface ResourceType {
  readonly id: string
  readonly name: string
  readonly endpoint: string
  readonly schema: string
  readonly description: string | undefined
  readonly schemaExtensions: ReadonlyArray<{ readonly schema: string; readonly required: boolean }>
}

/**
 * An attribute definition, normalised to RFC 7643 spelling (`string`, `readWrite`, `default`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Attribute {
  readonly name: string
  readonly type: string
  readonly multiValued: boolean
  readonly required: boolean
  readonly caseExact: boolean
  readonly mutability: string
  readonly returned: string
  readonly uniqueness: string
  readonly description: string | undefined
  readonly subAttributes: ReadonlyArray<Attribute>
  /**
   * The values the schema suggests (RFC 7643 §7), empty when none are declared. Only strict mode
   * (`SchemaCheck`) enforces them.
   *
   * @since 0.3.0
   */
  readonly canonicalValues: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SchemaDefinition {
  readonly id: string
  readonly name: string | undefined
  readonly description: string | undefined
  readonly attributes: ReadonlyArray<Attribute>
}

const { bool, isObj, str } = Loose
type Obj = Loose.Obj

const list = (u: unknown): ReadonlyArray<unknown> => {
  if (Array.isArray(u)) return u
  if (isObj(u) && Array.isArray(u.Resources)) return u.Resources
  if (isObj(u) && u.Resources === undefined && typeof u.totalResults !== "undefined") return []
  return []
}

/** RFC 7643 §7's attribute characteristics, by their lower-case form without underscores. */
const keywords: ReadonlyMap<string, string> = new Map(
  [
    "string",
    "boolean",
    "decimal",
    "integer",
    "dateTime",
    "binary",
    "reference",
    "complex",
    "readOnly",
    "readWrite",
    "immutable",
    "writeOnly",
    "always",
    "never",
    "default",
    "request",
    "none",
    "server",
    "global"
  ].map((k) => [k.toLowerCase(), k] as const)
)

/**
 * `READ_WRITE` → `readWrite`, `STRING` → `string`, `Complex` → `complex`, `readOnly` stays.
 *
 * @since 0.1.0
 * @category normalisation
 */
export const normaliseCharacteristic = (value: unknown, fallback: string): string => {
  if (typeof value !== "string" || value === "") return fallback
  // RFC 7643's keywords in any case or with underscores (`Complex`, `ReadOnly`, `READ_ONLY`).
  const known = keywords.get(value.replace(/_/g, "").toLowerCase())
  if (known !== undefined) return known
  if (value !== value.toUpperCase()) return value
  const words = value.toLowerCase().split("_")
  return words[0] + words.slice(1).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")
}

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeServiceProviderConfig: (body: unknown) => ServiceProviderConfig = SPC.decode

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeResourceTypes = (body: unknown): ReadonlyArray<ResourceType> =>
  list(body).filter(isObj).map((r) => ({
    id: str(r.id) ?? str(r.name) ?? "",
    name: str(r.name) ?? str(r.id) ?? "",
    endpoint: str(r.endpoint) ?? "",
    schema: str(r.schema) ?? "",
    description: str(r.description),
    schemaExtensions: (Array.isArray(r.schemaExtensions) ? r.schemaExtensions : []).filter(isObj).map((e) => ({
      schema: str(e.schema) ?? "",
      required: bool(e.required, false)
    }))
  }))

const decodeAttribute = (a: Obj): Attribute => ({
  name: str(a.name) ?? "",
  type: normaliseCharacteristic(a.type, "string"),
  multiValued: bool(a.multiValued, false),
  required: bool(a.required, false),
  caseExact: bool(a.caseExact, false),
  mutability: normaliseCharacteristic(a.mutability, "readWrite"),
  returned: normaliseCharacteristic(a.returned, "default"),
  uniqueness: normaliseCharacteristic(a.uniqueness, "none"),
  description: str(a.description),
  subAttributes: (Array.isArray(a.subAttributes) ? a.subAttributes : []).filter(isObj).map(decodeAttribute),
  canonicalValues: (Array.isArray(a.canonicalValues) ? a.canonicalValues : []).filter(
    (v): v is string => typeof v === "string"
  )
})

/**
 * @since 0.1.0
 * @category decoding
 */
export const decodeSchemas = (body: unknown): ReadonlyArray<SchemaDefinition> =>
  (isObj(body) && typeof body.id === "string" && Array.isArray(body.attributes) ? [body] : list(body))
    .filter(isObj)
    .map((s) => ({
      id: str(s.id) ?? "",
      name: str(s.name),
      description: str(s.description),
      attributes: (Array.isArray(s.attributes) ? s.attributes : []).filter(isObj).map(decodeAttribute)
    }))

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * The server's configuration: the client's (`ScimClient.Service.serviceProviderConfig`), read
   * once for the life of the client.
   */
  readonly serviceProviderConfig: Effect.Effect<ServiceProviderConfig, ScimClient.Error>
  /**
   * `/ResourceTypes`, read once (single flight; a success is kept, and so is a 404 or 501 from a
   * server without the endpoint; other failures are tried again by the next caller).
   */
  readonly resourceTypes: Effect.Effect<ReadonlyArray<ResourceType>, ScimClient.Error>
  /** `/Schemas`, read once, as `resourceTypes` is. */
  readonly schemas: Effect.Effect<ReadonlyArray<SchemaDefinition>, ScimClient.Error>
  /**
   * One schema by URN (compared without regard to case); `SchemaNotFound` when the server's
   * `/Schemas` does not list it.
   */
  readonly schema: (urn: string) => Effect.Effect<SchemaDefinition, ScimClient.Error | ScimError.SchemaNotFound>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Discovery extends Context.Tag("@asgardeo-scim/core/Discovery")<Discovery, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, ScimClient.ScimClient> = Effect.gen(function*() {
  const client = yield* ScimClient.ScimClient
  // Read once by the client (single flight, only a success kept): one cache for every user of it.
  const serviceProviderConfig = client.serviceProviderConfig
  // The same rule for the other two: a server without the endpoint (404, 501) will not grow one.
  const permanent = (error: ScimClient.Error) => error._tag === "NotFound" || error._tag === "NotImplemented"
  const resourceTypes = yield* cacheSuccess(
    client.execute({ operation: "Discovery.resourceTypes", method: "GET", path: "/ResourceTypes" })
      .pipe(Effect.map((res) => decodeResourceTypes(res.body))),
    permanent
  )
  const schemas = yield* cacheSuccess(
    client.execute({ operation: "Discovery.schemas", method: "GET", path: "/Schemas" }).pipe(
      Effect.map((res) => decodeSchemas(res.body))
    ),
    permanent
  )
  const schema = (urn: string) =>
    // Plain-JS callers pass anything: a URN that is not a non-empty string fails before any request.
    typeof urn !== "string" || urn.trim() === "" ?
      Effect.fail(
        new ScimError.InvalidInput({
          operation: "Discovery.schema",
          field: "urn",
          reason: typeof urn === "string"
            ? "the URN is empty"
            : `expected a string, got ${urn === null ? "null" : typeof urn}`
        })
      ) :
      Effect.flatMap(schemas, (all) => {
        const found = all.find((s) => s.id.toLowerCase() === urn.toLowerCase())
        // `/Schemas` answered: a URN missing from it is not a 404 the server sent.
        return found !== undefined ? Effect.succeed(found) : Effect.fail(
          new ScimError.SchemaNotFound({ urn, available: all.map((s) => s.id) })
        )
      })
  return Discovery.of({ serviceProviderConfig, resourceTypes, schemas, schema })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Discovery, never, ScimClient.ScimClient> = Layer.effect(Discovery, make)

/**
 * Replies of the emulator's engine: a status, an optional JSON body and headers. The engine is
 * synchronous and pure over its store; the router turns replies into `HttpServerResponse`s.
 *
 * @internal
 */

/** @internal */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** @internal */
export type JsonObject = { [key: string]: Json }

/** @internal */
export interface Reply {
  readonly status: number
  readonly body?: unknown
  /** A body given as text (plain text, or JSON already serialized). */
  readonly text?: string
  /** The text's length in UTF-8 bytes, when it is known already. */
  readonly textBytes?: number
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** @internal */
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
/** @internal */
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
/** @internal */
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
/** @internal */
export const BULK_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
/** @internal */
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
/** @internal */
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
/** @internal */
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
/** @internal */
export const WSO2_SCHEMA = "urn:scim:wso2:schema"
/** @internal */
export const CUSTOM_SCHEMA = "urn:scim:schemas:extension:custom:User"
/** @internal */
export const EXTENSION_SCHEMAS: ReadonlyArray<string> = [ENTERPRISE_SCHEMA, WSO2_SCHEMA, CUSTOM_SCHEMA]

/**
 * A SCIM error, thrown inside the engine and turned into a reply at its edge.
 *
 * @internal
 */
export class ScimFailure extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: string,
    readonly headers?: Readonly<Record<string, string>>
  ) {
    super(detail)
  }
}

/** The detail of a 403 for a missing scope. @internal */
export const FORBIDDEN_DETAIL = "Operation is not permitted. You do not have permissions to make this request."

/** @internal */
export const fail = (status: number, detail: string, scimType?: string): never => {
  throw new ScimFailure(status, detail, scimType)
}

/** @internal */
export const errorBody = (status: number, detail: string, scimType?: string): JsonObject => ({
  schemas: [ERROR_SCHEMA],
  ...(scimType === undefined ? {} : { scimType }),
  detail,
  status: String(status)
})

/** @internal */
export const errorReply = (
  status: number,
  detail: string,
  scimType?: string,
  headers?: Readonly<Record<string, string>>
): Reply => ({
  status,
  body: errorBody(status, detail, scimType),
  ...(headers === undefined ? {} : { headers })
})

/** @internal */
export const failureReply = (failure: ScimFailure): Reply =>
  errorReply(failure.status, failure.detail, failure.scimType, failure.headers)

/** Runs `f`, turning a thrown `ScimFailure` into its reply. Other exceptions propagate. @internal */
export const guard = (f: () => Reply): Reply => {
  try {
    return f()
  } catch (e) {
    if (e instanceof ScimFailure) return failureReply(e)
    throw e
  }
}

/** @internal */
export const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const copy = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null) {
    // structuredClone refuses functions and symbols (a DataCloneError): so does this.
    return typeof value === "function" || typeof value === "symbol" ? structuredClone(value) : value
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length)
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copy(value[i])
    return out
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return structuredClone(value)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key])
  return out
}

/**
 * A deep copy, as `structuredClone` makes it, walking plain objects and arrays itself (several
 * times faster on JSON data); anything else (a `Date`, a `Map`, a class instance) goes to
 * `structuredClone`.
 *
 * @internal
 */
export const clone = <A>(a: A): A => copy(a) as A

/** Looks a key up case-insensitively. @internal */
export const findKey = (obj: object, key: string): string | undefined => {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return key
  const lower = key.toLowerCase()
  return Object.keys(obj).find((k) => k.toLowerCase() === lower)
}

/** @internal */
export const stripDomain = (name: string): string => {
  const i = name.indexOf("/")
  return i === -1 ? name : name.slice(i + 1)
}

/** @internal */
export const domainOf = (name: string): string | undefined => {
  const i = name.indexOf("/")
  return i === -1 ? undefined : name.slice(0, i)
}

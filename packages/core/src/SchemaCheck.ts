/**
 * Strict mode's rules: a resource body, PATCH operations or an answer checked against the
 * server's own `/Schemas` and `/ResourceTypes` (as `Discovery` decodes them, Asgardeo's bare
 * UPPERCASE array included). Pure functions: the first problem comes back as `InvalidAttribute`
 * naming the schema URN and the attribute's dotted path (`emails.0.type`); values are never
 * quoted, so a password cannot end up in a message.
 *
 * The rules (RFC 7643 §2, §3.1, §7; RFC 7644 §3.3, §3.5):
 * - names compare without regard to case; an attribute the schema does not declare is refused;
 * - extension attributes sit under an extension URN the resource type declares in
 *   `schemaExtensions` and `schemas` lists; a required extension must be present;
 * - `id`, `meta` and `readOnly` attributes are the server's: refused in a create and as PATCH
 *   targets or values; a replace may carry them (the server ignores them, §3.5.1), so a
 *   get-modify-replace passes; `immutable` attributes are refused as PATCH targets;
 * - required attributes (those not `readOnly`) must be present in a create and a replace;
 * - multi-valued attributes are arrays; each type is checked (string, boolean, decimal, integer,
 *   dateTime, reference, binary, complex with its sub-attributes, recursively);
 * - where an attribute declares `canonicalValues`, a string must be one of them (case ignored):
 *   the RFC calls them suggestions, so only strict mode enforces them.
 *
 * @since 0.3.0
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Discovery from "./Discovery.js"
import * as ScimError from "./ScimError.js"

/**
 * What a body is checked as: a POST, a PUT, or a server's answer (types and names only).
 *
 * @since 0.3.0
 * @category models
 */
export type Mode = "create" | "replace" | "response"

/**
 * A resource type with its schemas, as `forEndpoint` finds them.
 *
 * @since 0.3.0
 * @category models
 */
export interface ResourceSchemas {
  readonly resourceType: Discovery.ResourceType
  readonly core: Discovery.SchemaDefinition
  /** The declared extensions; `schema` is undefined when `/Schemas` does not describe it. */
  readonly extensions: ReadonlyArray<{
    readonly urn: string
    readonly required: boolean
    readonly schema: Discovery.SchemaDefinition | undefined
  }>
}

/**
 * One PATCH operation, as `Patch.decodeOperations` gives it.
 *
 * @since 0.3.0
 * @category models
 */
export interface Operation {
  readonly op: string
  readonly path?: string | undefined
  readonly value?: unknown
}

type Check = ScimError.InvalidAttribute | undefined
type Obj = Record<string, unknown>
/** `patchNew`: a value of a multi-valued attribute a PATCH writes (a new record: immutable may be set). */
type PatchMode = Mode | "patch" | "patchNew"

const lc = (s: string) => s.toLowerCase()
const isObj = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)
const kind = (u: unknown) => (u === null ? "null" : Array.isArray(u) ? "an array" : typeof u)
const fail = (urn: string, attribute: string, reason: string) =>
  new ScimError.InvalidAttribute({ urn, attribute, reason })
const join = (path: string, key: string) => (path === "" ? key : `${path}.${key}`)
const lastSegment = (endpoint: string) => lc(endpoint.replace(/\/+$/, "").split("/").pop() ?? "")
const entryOf = (o: Obj, name: string) => Object.keys(o).find((k) => lc(k) === lc(name))

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/
const base64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/**
 * The resource type served at an endpoint (`/Users`, compared by its last segment and without
 * regard to case) with its core schema and extensions; a reason when discovery does not describe
 * it.
 *
 * @since 0.3.0
 * @category constructors
 */
export const forEndpoint = (
  resourceTypes: ReadonlyArray<Discovery.ResourceType>,
  schemas: ReadonlyArray<Discovery.SchemaDefinition>,
  endpoint: string
): Either.Either<ResourceSchemas, string> => {
  const resourceType = resourceTypes.find((r) => lastSegment(r.endpoint) === lastSegment(endpoint))
  if (resourceType === undefined) {
    return Either.left(`/ResourceTypes declares no resource type at ${endpoint}`)
  }
  const byUrn = (urn: string) => schemas.find((s) => lc(s.id) === lc(urn))
  const core = byUrn(resourceType.schema)
  if (core === undefined) return Either.left(`/Schemas does not describe ${resourceType.schema}`)
  return Either.right({
    resourceType,
    core,
    extensions: resourceType.schemaExtensions.map((e) => ({
      urn: e.schema,
      required: e.required,
      schema: byUrn(e.schema)
    }))
  })
}

/** Attributes `relax` marked: declared, but their type and canonical values are not checked. */
const unchecked = new WeakSet<Discovery.Attribute>()

/**
 * Schemas in which the attributes `names` lists keep their declaration (an undeclared name is
 * still refused, mutability still applies) but lose their type and `canonicalValues` checks: the
 * escape hatch for a server whose `/Schemas` misdescribes an attribute (a boolean declared as a
 * string, say). A name is a core attribute (`active`, `name.givenName`) or an extension's,
 * URN-qualified (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`);
 * names compare without regard to case. Returns the names it found no attribute for.
 *
 * @since 0.3.0
 * @category constructors
 */
export const relax = (
  schemas: ReadonlyArray<Discovery.SchemaDefinition>,
  names: ReadonlyArray<string>
): { readonly schemas: ReadonlyArray<Discovery.SchemaDefinition>; readonly unknown: ReadonlyArray<string> } => {
  const wanted = new Map(names.map((n) => [lc(n), n]))
  const found = new Set<string>()
  const mark = (urn: string, core: boolean, a: Discovery.Attribute, prefix: string): Discovery.Attribute => {
    const path = prefix === "" ? a.name : `${prefix}.${a.name}`
    const keys = [lc(`${urn}:${path}`), ...(core ? [lc(path)] : [])]
    const subAttributes = a.subAttributes.map((sub) => mark(urn, core, sub, path))
    const hit = keys.find((k) => wanted.has(k))
    const next = { ...a, subAttributes }
    if (hit !== undefined) {
      found.add(hit)
      unchecked.add(next)
    }
    return next
  }
  const out = schemas.map((schema) => {
    const core = lc(schema.id).includes(":core:")
    return { ...schema, attributes: schema.attributes.map((a) => mark(schema.id, core, a, "")) }
  })
  return { schemas: out, unknown: [...wanted].filter(([k]) => !found.has(k)).map(([, n]) => n) }
}

const typeProblem = (a: Discovery.Attribute, v: unknown): string | undefined => {
  if (unchecked.has(a)) return undefined
  // A password stays Redacted in a body: it is a string, and it is never read here.
  if (Redacted.isRedacted(v)) return a.type === "string" ? undefined : `expected ${a.type}, got a Redacted value`
  const expected = (ok: boolean, what: string) => (ok ? undefined : `expected ${what}, got ${kind(v)}`)
  switch (a.type) {
    case "string":
    case "reference":
      return expected(typeof v === "string", "a string")
    case "binary":
      return expected(typeof v === "string", "a string") ??
        (base64.test(v as string) ? undefined : "expected base64 (binary)")
    case "boolean":
      return expected(typeof v === "boolean", "a boolean")
    case "integer":
      return expected(typeof v === "number" && Number.isInteger(v), "an integer")
    case "decimal":
      return expected(typeof v === "number" && Number.isFinite(v), "a number")
    case "dateTime":
      return expected(typeof v === "string", "a string") ??
        (dateTime.test(v as string) && !Number.isNaN(Date.parse(v as string))
          ? undefined
          : "expected an xsd:dateTime (2026-01-31T12:00:00Z)")
    case "complex":
      return expected(isObj(v), "an object")
    default:
      // A type strict mode does not know is not "anything goes".
      return `the schema declares the type ${JSON.stringify(a.type.slice(0, 40))}, which strict mode does not know`
  }
}

const checkSingle = (urn: string, a: Discovery.Attribute, v: unknown, path: string, mode: PatchMode): Check => {
  const problem = typeProblem(a, v)
  if (problem !== undefined) return fail(urn, path, problem)
  if (unchecked.has(a)) return undefined
  if (a.type === "complex") return checkAttributes(urn, a.subAttributes, v as Obj, path, mode)
  if (typeof v === "string" && a.canonicalValues.length > 0 && !a.canonicalValues.some((c) => lc(c) === lc(v))) {
    return fail(urn, path, `not one of the canonical values (${a.canonicalValues.join(", ")})`)
  }
  return undefined
}

const checkAttribute = (urn: string, a: Discovery.Attribute, v: unknown, path: string, mode: PatchMode): Check => {
  if (a.mutability === "readOnly") {
    if (mode === "create" || mode === "patch" || mode === "patchNew") {
      return fail(urn, path, "is readOnly: the server sets it")
    }
    // RFC 7644 §3.5.1: a replace's readOnly values are ignored; they are the server's to check.
    if (mode === "replace") return undefined
  }
  // Immutable: set at creation (or, multi-valued, when a value is added); a PATCH value that
  // names it (a path-less value, a whole extension, a complex attribute's sub-attribute) changes it.
  if (a.mutability === "immutable" && mode === "patch" && !a.multiValued) {
    return fail(urn, path, "is immutable: a PATCH cannot change it")
  }
  // null clears a value (a replace); a required one is caught by the required check.
  if (v === null) return undefined
  if (!a.multiValued) {
    return Array.isArray(v) ? fail(urn, path, "is single-valued: expected one value, got an array") : checkSingle(
      urn,
      a,
      v,
      path,
      mode
    )
  }
  if (!Array.isArray(v)) return fail(urn, path, `is multi-valued: expected an array, got ${kind(v)}`)
  for (let i = 0; i < v.length; i++) {
    const bad = checkSingle(urn, a, v[i], join(path, String(i)), mode === "patch" ? "patchNew" : mode)
    if (bad !== undefined) return bad
  }
  return undefined
}

const absent = (o: Obj, name: string) => {
  const key = entryOf(o, name)
  return key === undefined || o[key] === null || o[key] === undefined
}

function checkAttributes(
  urn: string,
  defs: ReadonlyArray<Discovery.Attribute>,
  o: Obj,
  path: string,
  mode: PatchMode
): Check {
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined) continue
    const def = defs.find((d) => lc(d.name) === lc(key))
    if (def === undefined) return fail(urn, join(path, key), "not an attribute of the schema")
    const bad = checkAttribute(urn, def, v, join(path, key), mode)
    if (bad !== undefined) return bad
  }
  if (mode === "create" || mode === "replace") {
    const missing = defs.find((d) => d.required && d.mutability !== "readOnly" && absent(o, d.name))
    if (missing !== undefined) return fail(urn, join(path, missing.name), "is required")
  }
  return undefined
}

/** `id`, `externalId`, `meta` and `schemas` (RFC 7643 §3.1), whatever a schema says of them. */
const common = (urn: string, key: string, v: unknown, mode: PatchMode): Check | "not common" => {
  switch (lc(key)) {
    case "id":
      if (mode === "create" || mode === "patch") return fail(urn, "id", "is readOnly: the server assigns it")
      return typeof v === "string" ? undefined : fail(urn, "id", `expected a string, got ${kind(v)}`)
    case "meta":
      if (mode === "create" || mode === "patch") return fail(urn, "meta", "is readOnly: the server sets it")
      return isObj(v) ? undefined : fail(urn, "meta", `expected an object, got ${kind(v)}`)
    case "externalid":
      return v === null || typeof v === "string"
        ? undefined
        : fail(urn, "externalId", `expected a string, got ${kind(v)}`)
    case "schemas":
      return mode === "patch" ? fail(urn, "schemas", "is set by the client library, not by a PATCH") : undefined
    default:
      return "not common"
  }
}

/** One top-level entry of a body or of a PATCH value without a path. */
const checkEntry = (s: ResourceSchemas, key: string, v: unknown, mode: PatchMode, listed: ReadonlyArray<string>) => {
  const urn = s.core.id
  const c = common(urn, key, v, mode)
  if (c !== "not common") return c
  if (!lc(key).startsWith("urn:")) {
    const def = s.core.attributes.find((d) => lc(d.name) === lc(key))
    return def === undefined
      ? fail(urn, key, "not an attribute of the schema")
      : checkAttribute(urn, def, v, key, mode)
  }
  if (lc(key).startsWith(`${lc(urn)}:`)) return checkEntry(s, key.slice(urn.length + 1), v, mode, listed)
  const ext = s.extensions.find((e) => lc(e.urn) === lc(key))
  if (ext === undefined) {
    return fail(
      key,
      "",
      `not a schema extension of ${s.resourceType.endpoint} (declared: ${
        s.extensions.map((e) => e.urn).join(", ") || "none"
      })`
    )
  }
  if (ext.schema === undefined) return fail(ext.urn, "", "/Schemas does not describe this extension")
  if (mode !== "patch" && mode !== "response" && !listed.includes(lc(ext.urn))) {
    return fail(ext.urn, "", "the extension's URN is missing from schemas")
  }
  if (v === null && mode !== "create") return undefined
  if (!isObj(v)) return fail(ext.urn, "", `expected an object of the extension's attributes, got ${kind(v)}`)
  return checkAttributes(ext.schema.id, ext.schema.attributes, v, "", mode)
}

/**
 * Checks a resource body: a create's or a replace's before it is sent, or a server's answer.
 *
 * @since 0.3.0
 * @category checks
 */
export const checkResource = (
  s: ResourceSchemas,
  body: unknown,
  mode: Mode
): ScimError.InvalidAttribute | undefined => {
  const urn = s.core.id
  if (!isObj(body)) return fail(urn, "", `expected a resource object, got ${kind(body)}`)
  const schemasKey = entryOf(body, "schemas")
  const schemas: unknown = schemasKey === undefined ? undefined : body[schemasKey]
  if (schemas !== undefined || mode !== "response") {
    if (!Array.isArray(schemas) || schemas.some((u) => typeof u !== "string")) {
      return fail(urn, "schemas", "expected an array of schema URNs")
    }
    const known = [lc(urn), ...s.extensions.map((e) => lc(e.urn))]
    const unknown = schemas.find((u: string) => !known.includes(lc(u)))
    if (unknown !== undefined) {
      return fail(unknown, "schemas", `not the schema of ${s.resourceType.endpoint} nor one of its extensions`)
    }
    if (!schemas.some((u: string) => lc(u) === lc(urn))) return fail(urn, "schemas", "the core schema is missing")
  }
  const listed = Array.isArray(schemas) ? schemas.filter((u) => typeof u === "string").map(lc) : []
  for (const [key, v] of Object.entries(body)) {
    if (v === undefined) continue
    const bad = checkEntry(s, key, v, mode, listed)
    if (bad !== undefined) return bad
  }
  if (mode === "response") return undefined
  const missing = s.core.attributes.find((d) =>
    d.required && d.mutability !== "readOnly" && common(urn, d.name, "", "replace") === "not common" &&
    absent(body, d.name)
  )
  if (missing !== undefined) return fail(urn, missing.name, "is required")
  const extension = s.extensions.find((e) => e.required && absent(body, e.urn))
  return extension === undefined ? undefined : fail(extension.urn, "", "the resource type requires this extension")
}

interface Target {
  readonly urn: string
  readonly attribute: Discovery.Attribute
  readonly sub: Discovery.Attribute | undefined
  readonly filtered: boolean
  readonly display: string
}

/** A path without its value filter: a filter's literal may be a value (a password), never echoed. */
const withoutFilter = (path: string): string => {
  const i = path.indexOf("[")
  return i === -1 ? path.slice(0, 200) : `${path.slice(0, Math.min(i, 200))}[…]`
}

const pathPattern = /^([A-Za-z$][\w$-]*)(\[.*\])?(?:\.([A-Za-z$][\w$-]*))?$/s

/** What a PATCH path names: an attribute (perhaps filtered, perhaps a sub-attribute) or a whole extension. */
const resolvePath = (
  s: ResourceSchemas,
  path: string
): ScimError.InvalidAttribute | Target | { readonly extension: string } | { readonly common: string } => {
  const scopes = [
    { urn: s.core.id, attributes: s.core.attributes },
    ...s.extensions.map((e) => ({ urn: e.urn, attributes: e.schema?.attributes }))
  ].sort((a, b) => b.urn.length - a.urn.length)
  let scope: { readonly urn: string; readonly attributes: ReadonlyArray<Discovery.Attribute> | undefined } = scopes
    .at(-1)!
  let rest = path
  const prefixed = scopes.find((c) => lc(path) === lc(c.urn) || lc(path).startsWith(`${lc(c.urn)}:`))
  if (prefixed !== undefined) {
    if (lc(path) === lc(prefixed.urn)) {
      return prefixed.urn === s.core.id ? fail(path, "", "a PATCH path names an attribute") : { extension: path }
    }
    scope = prefixed
    rest = path.slice(prefixed.urn.length + 1)
  } else if (lc(path).startsWith("urn:")) {
    return fail(withoutFilter(path), "", `not a schema of ${s.resourceType.endpoint}`)
  } else {
    scope = { urn: s.core.id, attributes: s.core.attributes }
  }
  if (scope.attributes === undefined) return fail(scope.urn, rest, "/Schemas does not describe this extension")
  const m = pathPattern.exec(rest)
  if (m === null) return fail(scope.urn, withoutFilter(rest), "not an attribute path")
  const name = m[1] ?? ""
  const filter = m[2]
  const subName = m[3]
  if (scope.urn === s.core.id && common(scope.urn, name, "", "replace") !== "not common") return { common: name }
  const attribute = scope.attributes.find((d) => lc(d.name) === lc(name))
  if (attribute === undefined) return fail(scope.urn, name, "not an attribute of the schema")
  if (filter !== undefined && !attribute.multiValued) {
    return fail(scope.urn, name, "a value filter needs a multi-valued attribute")
  }
  const sub = subName === undefined ? undefined : attribute.subAttributes.find((d) => lc(d.name) === lc(subName))
  if (subName !== undefined && sub === undefined) {
    return fail(scope.urn, `${name}.${subName}`, "not a sub-attribute of the schema")
  }
  return {
    urn: scope.urn,
    attribute,
    sub,
    filtered: filter !== undefined,
    display: subName === undefined ? name : `${name}.${subName}`
  }
}

const checkOperation = (s: ResourceSchemas, o: Operation): Check => {
  const op = lc(o.op)
  if (o.path === undefined || o.path === "") {
    if (op === "remove") return undefined
    if (!isObj(o.value)) return fail(s.core.id, "", `expected an object of attributes, got ${kind(o.value)}`)
    for (const [key, v] of Object.entries(o.value)) {
      const bad = checkEntry(s, key, v, "patch", [])
      if (bad !== undefined) return bad
    }
    return undefined
  }
  const target = resolvePath(s, o.path)
  if (target instanceof ScimError.InvalidAttribute) return target
  if ("common" in target) {
    // externalId is the client's (readWrite): set, replaced or removed; id, meta, schemas are not.
    if (lc(target.common) === "externalid") {
      return op === "remove" ? undefined : common(s.core.id, target.common, o.value, "patch") as Check
    }
    return fail(
      s.core.id,
      target.common,
      op === "remove" ? "cannot be removed by a PATCH" : "is readOnly: the server sets it"
    )
  }
  if ("extension" in target) {
    if (op === "remove") return undefined
    return checkEntry(s, target.extension, o.value, "patch", [])
  }
  const { attribute, display, filtered, sub, urn } = target
  for (const a of [attribute, sub]) {
    // An immutable multi-valued attribute takes new values (`add`), never changes old ones.
    const adding = op === "add" && a === attribute && a.multiValued && !filtered && sub === undefined
    if (a !== undefined && (a.mutability === "readOnly" || (a.mutability === "immutable" && !adding))) {
      return fail(urn, display, `is ${a.mutability}: a PATCH cannot change it`)
    }
  }
  if (op === "remove") {
    return attribute.required && !filtered && sub === undefined
      ? fail(urn, display, "is required: it cannot be removed")
      : undefined
  }
  if (sub !== undefined) {
    // `emails[type eq "work"].value`, `name.givenName`, `emails.value`: the sub-attribute's value.
    return checkAttribute(urn, sub, o.value, display, "patch")
  }
  if (filtered) return checkSingle(urn, attribute, o.value, display, "patch")
  // An `add` to a multi-valued attribute may carry one value or an array of them.
  const value = attribute.multiValued && !Array.isArray(o.value) && o.value !== null ? [o.value] : o.value
  return checkAttribute(urn, attribute, value, display, "patch")
}

/**
 * Checks PATCH operations: each path names a declared attribute that a PATCH may change (not
 * `readOnly`, not `immutable`, not `id` or `meta`), each value has the declared shape, and a
 * required attribute is not removed. The error's attribute is the path (`emails.value`); its
 * reason names the operation (`Operations.1: …`).
 *
 * @since 0.3.0
 * @category checks
 */
export const checkPatch = (
  s: ResourceSchemas,
  operations: ReadonlyArray<Operation>
): ScimError.InvalidAttribute | undefined => {
  if (!Array.isArray(operations)) return fail(s.core.id, "", `expected an array of operations, got ${kind(operations)}`)
  for (let i = 0; i < operations.length; i++) {
    const o: unknown = operations[i]
    if (!isObj(o) || typeof o.op !== "string" || (o.path !== undefined && typeof o.path !== "string")) {
      return fail(s.core.id, "", `Operations.${i}: expected { op, path?, value? }`)
    }
    const bad = checkOperation(s, operations[i]!)
    if (bad !== undefined) {
      return fail(bad.urn, bad.attribute, `Operations.${i}: ${bad.reason}`)
    }
  }
  return undefined
}

/**
 * The wire side of `Bulk`: splitting operations into requests, and reading the per-operation
 * answers (statuses as numbers or strings, responses as objects or JSON strings, ids from
 * `location`), scrubbed of the request's secrets.
 *
 * @internal
 */
import type * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Tolerant from "@asgardeo-scim/core/Tolerant"
import * as Either from "effect/Either"
import * as internal from "./common.js"

/** One operation checked and ready to send. @internal */
export interface Prepared {
  readonly bulkId: string
  readonly method: "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  readonly wire: Record<string, unknown>
  readonly size: number
  readonly refs: ReadonlyArray<string>
  readonly scope: Scopes.Operation
  /** The endpoint's resource: `Users`, `Groups` or `Roles` (`/v2/Roles`). */
  readonly resource: "Users" | "Groups" | "Roles"
}

/**
 * Splits prepared operations into chunks: groups linked by `bulkId:` references stay together;
 * each chunk has at most `maxOperations` operations and `maxBytes` bytes.
 *
 * @internal
 */
export const chunk = <
  A extends { readonly bulkId: string; readonly refs: ReadonlyArray<string>; readonly size: number }
>(
  operations: ReadonlyArray<A>,
  maxOperations: number,
  maxBytes: number
): Either.Either<ReadonlyArray<ReadonlyArray<A>>, string> => {
  const parent = operations.map((_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!
    return i
  }
  const index = new Map(operations.map((o, i) => [o.bulkId, i]))
  operations.forEach((o, i) => {
    for (const r of o.refs) {
      const j = index.get(r)
      if (j !== undefined) parent[find(i)] = find(j)
    }
  })
  const groups = new Map<number, Array<A>>()
  operations.forEach((o, i) => {
    const root = find(i)
    const g = groups.get(root)
    if (g) g.push(o)
    else groups.set(root, [o])
  })
  const envelope = 120
  const chunks: Array<Array<A>> = []
  let current: Array<A> = []
  let bytes = envelope
  for (const g of groups.values()) {
    const size = g.reduce((n, o) => n + o.size + 1, 0)
    if (g.length > maxOperations || size + envelope > maxBytes) {
      return Either.left(
        `the operations linked by bulkId references to ${g[0]!.bulkId} (${g.length} operations, ${size} bytes) ` +
          `do not fit in one request (at most ${maxOperations} operations and ${maxBytes} bytes)`
      )
    }
    if (current.length + g.length > maxOperations || bytes + size > maxBytes) {
      chunks.push(current)
      current = []
      bytes = envelope
    }
    for (const o of g) current.push(o)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return Either.right(chunks)
}

/** @internal */
export const refPattern = /"bulkId:([^"\\]+)"/g

/** @internal */
export const toStatus = (u: unknown): number | undefined => {
  const v = internal.isRecord(u) ? u.code : u
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN
  return Number.isInteger(n) ? n : undefined
}

/** @internal */
export const toResponse = (u: unknown): { readonly [key: string]: unknown } | undefined => {
  if (internal.isRecord(u)) return u
  if (typeof u === "string" && u.trim() !== "") {
    try {
      const parsed: unknown = Tolerant.parseJson(u)
      return internal.isRecord(parsed) ? parsed : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/** `decodeURIComponent`, or `undefined` for a malformed escape (it throws). */
/** @internal */
export const percentDecoded = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}

/** @internal */
export const lastSegment = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const parts = s.replace(/\/+$/, "").split("/")
  const last = parts[parts.length - 1]
  return last === undefined || last === "" ? undefined : percentDecoded(last)
}

/** Every string of a per-operation answer, through `scrub` (the answer may echo the request). */
/** @internal */
export const scrubbed = (u: unknown, scrub: (text: string) => string): unknown =>
  typeof u === "string"
    ? scrub(u)
    : Array.isArray(u)
    ? u.map((v) => scrubbed(v, scrub))
    : internal.isRecord(u)
    ? Object.fromEntries(Object.entries(u).map(([k, v]) => [k, scrubbed(v, scrub)]))
    : u

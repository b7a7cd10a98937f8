/**
 * RFC 9865 cursors for the opt-in cursor mode (`quirks.cursorPaging`): opaque strings that carry
 * the position in a list, the time they were issued and a hash of the query they belong to.
 * Nothing is stored: a cursor is checked when it comes back (`invalidCursor` when it is not one
 * of ours or belongs to another query, `expiredCursor` past `quirks.cursorTimeoutSeconds`).
 *
 * Asgardeo itself has no cursor paging on SCIM: the mode is off by default.
 *
 * @internal
 */
import { fail } from "./reply.js"

/** Where a page starts and the query it belongs to. @internal */
export interface Position {
  /** Records of the filtered list before the page (0 for the first page). */
  readonly offset: number
  /** The hash of the query (resource type, filter, domain). */
  readonly query: string
}

const MARK = "emu1"

/** FNV-1a of a string, as 8 hex digits: ties a cursor to its query without carrying the filter. @internal */
export const hash = (s: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, "0")
}

/** The hash a list's cursors carry. @internal */
export const queryKey = (kind: string, filter: string | undefined, domain: string | undefined): string =>
  hash(JSON.stringify([kind, filter ?? null, domain?.toUpperCase() ?? null]))

const toBase64Url = (s: string): string => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const fromBase64Url = (s: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined
  try {
    return atob(s.replace(/-/g, "+").replace(/_/g, "/"))
  } catch {
    return undefined
  }
}

/** A cursor for the page that starts after `offset` records, issued at `now` (ms). @internal */
export const encode = (offset: number, query: string, now: number): string =>
  toBase64Url(`${MARK}.${offset}.${Math.floor(now)}.${query}`)

/**
 * The position a cursor names: an empty cursor is the first page; anything not made by
 * {@link encode} for this query fails with 400 `invalidCursor`, one older than `timeoutSeconds`
 * with 400 `expiredCursor`.
 *
 * @internal
 */
export const decode = (cursor: string, query: string, now: number, timeoutSeconds: number): Position => {
  if (cursor === "") return { offset: 0, query }
  const parts = fromBase64Url(cursor)?.split(".")
  const offset = Number(parts?.[1])
  const issued = Number(parts?.[2])
  if (
    parts === undefined || parts.length !== 4 || parts[0] !== MARK || !Number.isSafeInteger(offset) || offset < 0 ||
    !Number.isSafeInteger(issued) || parts[3] !== query
  ) {
    return fail(400, "The cursor is not valid for this query.", "invalidCursor")
  }
  if (now - issued > timeoutSeconds * 1000) {
    return fail(400, `The cursor has expired (cursors last ${timeoutSeconds} seconds).`, "expiredCursor")
  }
  return { offset, query }
}

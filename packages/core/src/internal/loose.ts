/**
 * Loose readers for discovery documents: servers send booleans as strings, numbers as numeric
 * strings, and leave things out; anything missing or malformed takes the given default.
 *
 * @internal
 */

/** @internal */
export type Obj = Readonly<Record<string, unknown>>

/** @internal */
export const isObj = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

/** @internal */
export const obj = (u: unknown): Obj => (isObj(u) ? u : {})

/** @internal */
export const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

/** @internal */
export const bool = (u: unknown, fallback: boolean): boolean =>
  typeof u === "boolean" ? u : typeof u === "string" ? u.trim().toLowerCase() === "true" : fallback

/** @internal */
export const num = (u: unknown): number | undefined => {
  const n = typeof u === "number" ? u : typeof u === "string" && u.trim() !== "" ? Number(u) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/**
 * Fault injection: which registered faults apply to a request (method and path pattern, the
 * next N matches, or a seeded percentage with a deterministic PRNG).
 *
 * @internal
 */
import type * as Public from "./types.js"

/** @internal */
export type FaultAction = Public.FaultAction

/** @internal */
export type FaultSpec = Public.Fault

/** @internal */
export interface RegisteredFault {
  readonly id: number
  readonly spec: FaultSpec
  readonly pattern: RegExp | undefined
  remaining: number | undefined
  rngState: number
}

/** mulberry32: a small deterministic PRNG. @internal */
export const nextRandom = (fault: RegisteredFault): number => {
  fault.rngState = (fault.rngState + 0x6D2B79F5) | 0
  let t = fault.rngState
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** `*` matches anything; otherwise the pattern must match the whole path. @internal */
export const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)

/** @internal */
export const register = (id: number, spec: FaultSpec): RegisteredFault => ({
  id,
  spec,
  pattern: spec.path === undefined ? undefined : typeof spec.path === "string" ? globToRegExp(spec.path) : spec.path,
  remaining: spec.times,
  rngState: spec.seed ?? 1
})

const matches = (fault: RegisteredFault, method: string, paths: ReadonlyArray<string>): boolean => {
  if (fault.spec.method !== undefined && fault.spec.method.toUpperCase() !== method.toUpperCase()) return false
  if (fault.pattern === undefined) return true
  return paths.some((p) => fault.pattern!.test(p))
}

/** @internal */
export interface Selected {
  readonly latency: number
  readonly action: Exclude<FaultAction, { readonly _tag: "Latency" }> | undefined
  readonly names: ReadonlyArray<string>
}

/** Picks the faults for one request and consumes them. `paths`: the full path and the org-relative one. @internal */
export const select = (faults: Array<RegisteredFault>, method: string, paths: ReadonlyArray<string>): Selected => {
  let latency = 0
  let action: Selected["action"] = undefined
  const names: Array<string> = []
  for (const fault of faults) {
    if (fault.remaining !== undefined && fault.remaining <= 0) continue
    if (!matches(fault, method, paths)) continue
    const a = fault.spec.action
    if (a._tag !== "Latency" && action !== undefined) continue
    if (fault.spec.percentage !== undefined && nextRandom(fault) * 100 >= fault.spec.percentage) continue
    if (fault.remaining !== undefined) fault.remaining--
    if (a._tag === "Latency") latency += a.millis
    else action = a
    names.push(a._tag === "Status" ? `Status(${a.status})` : a._tag === "Drop" ? `Drop(${a.phase})` : a._tag)
  }
  for (let i = faults.length - 1; i >= 0; i--) {
    const f = faults[i]!
    if (f.remaining !== undefined && f.remaining <= 0) faults.splice(i, 1)
  }
  return { latency, action, names }
}

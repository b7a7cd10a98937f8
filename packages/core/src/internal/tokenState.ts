/**
 * The token cache's state and its transitions, as pure functions of the state and the clock's
 * time (milliseconds). `AccessToken` keeps the state in a `SynchronizedRef`; everything here is
 * tested without I/O. The in-flight request is any handle `D` (a `Deferred` in `AccessToken`).
 *
 * Rules:
 * - A token is sent until its send-by time: the moment the token request was sent, plus its
 *   lifetime, less a margin: `min(1 s, lifetime / 20)`, or 1 s on a server that hands back its
 *   tokens (their `expires_in` is a remaining lifetime in whole seconds, possibly rounded up).
 * - On a server that does not hand back tokens, a token is refreshed `min(buffer, lifetime / 2)`
 *   before its send-by time, in the background. A server seen handing back a still-valid token
 *   (Asgardeo always does) gets no early refresh: asking early only gets the same token again.
 * - A token handed back keeps its first send-by time: a rounded-up `expires_in` cannot extend it.
 * - When a token handed back reaches its send-by time, the next request waits until the server
 *   surely let it expire (the answer's arrival, plus its lifetime, plus a second of rounding, plus
 *   a little skew) instead of asking again and again for the same token.
 * - `invalidated` is compare-and-set: only the current token is dropped, and a dropped token
 *   (refused with 401) is not waited for.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type { Token } from "../AccessToken.js"

/** One answer of the token endpoint. @internal */
export interface Received {
  readonly value: Redacted.Redacted<string>
  readonly scopes: ReadonlySet<string>
  /** `expires_in`, in milliseconds. */
  readonly lifetimeMillis: number
  /** When the token request was sent. */
  readonly sentAt: number
  /** When its answer arrived. */
  readonly receivedAt: number
}

/** The last token received, kept after it expires. @internal */
export interface Issued {
  readonly token: Token
  /** When asking again surely gets another token (on a server that hands back its tokens). */
  readonly reaskAt: number
  /** Refused with a 401: not waited for. */
  readonly invalidated: boolean
}

/** The state of one scope set. @internal */
export interface Entry<D> {
  /** The token being served, until its `expiresAt`. */
  readonly current: Token | undefined
  /** From when a new token is fetched (in the background while `current` is valid). */
  readonly refreshAt: number
  readonly last: Issued | undefined
  /** The server hands back a still-valid token when asked again. */
  readonly reuses: boolean
  /** The token request in flight (single flight). */
  readonly inflight: D | undefined
}

/** @internal */
export interface State<D> {
  /** The layer was released: no more tokens. */
  readonly closed: boolean
  /** By scope key. */
  readonly entries: ReadonlyMap<string, Entry<D>>
}

/** @internal */
export interface Policy {
  /** Whether the server is known to hand back still-valid tokens (Asgardeo). */
  readonly knownToReuse: boolean
  /** The most a token is refreshed ahead of its send-by time. */
  readonly bufferMillis: number
}

/** Whole-second `expires_in`: the real remaining lifetime can differ by up to this much. @internal */
export const roundingMillis = 1000

/** Added after a reused token's estimated expiry before asking again (clock skew). @internal */
export const skewMillis = 50

/** The longest a background refresh that failed waits before the next try. @internal */
export const retryRefreshMillis = 30_000

/** @internal */
export const empty = <D>(): State<D> => ({ closed: false, entries: new Map() })

/** @internal */
export const initial = <D>(policy: Policy): Entry<D> => ({
  current: undefined,
  refreshAt: 0,
  last: undefined,
  reuses: policy.knownToReuse,
  inflight: undefined
})

/** @internal */
export const entry = <D>(state: State<D>, key: string, policy: Policy): Entry<D> =>
  state.entries.get(key) ?? initial(policy)

/** @internal */
export const setEntry = <D>(state: State<D>, key: string, next: Entry<D>): State<D> => ({
  ...state,
  entries: new Map(state.entries).set(key, next)
})

/** Whether two tokens carry the same value. @internal */
export const sameToken = (a: Token, b: { readonly value: Redacted.Redacted<string> }): boolean =>
  a.value === b.value || Redacted.value(a.value) === Redacted.value(b.value)

// -------------------------------------------------------------------------------------------------
// serving
// -------------------------------------------------------------------------------------------------

/** What `get` does. @internal */
export type Decision<D> =
  /** Serve the current token. */
  | { readonly _tag: "Serve"; readonly token: Token }
  /** Wait for the request in flight. */
  | { readonly _tag: "Await"; readonly inflight: D }
  /** Start a token request; serve `token` meanwhile when it is still valid (background refresh). */
  | { readonly _tag: "Fetch"; readonly serve: Token | undefined }

/** @internal */
export const decide = <D>(entry: Entry<D>, now: number): Decision<D> => {
  const token = entry.current
  const valid = token !== undefined && now < token.expiresAt
  if (valid && now < entry.refreshAt) return { _tag: "Serve", token }
  if (entry.inflight !== undefined) {
    return valid
      ? { _tag: "Serve", token }
      : { _tag: "Await", inflight: entry.inflight }
  }
  return { _tag: "Fetch", serve: valid ? token : undefined }
}

/** A token request started. @internal */
export const started = <D>(entry: Entry<D>, inflight: D): Entry<D> => ({ ...entry, inflight })

/**
 * How long to wait before sending a token request. On a server that hands back its tokens, after
 * the last one reached its send-by time (or arrived unusable: `again`), asking before the server
 * let it expire would only get it back.
 *
 * @internal
 */
export const waitBeforeAsking = <D>(entry: Entry<D>, now: number, again: boolean): number => {
  const last = entry.last
  if (last === undefined || last.invalidated || now < last.token.expiresAt) return 0
  if (!entry.reuses && !again) return 0
  return Math.max(0, last.reaskAt - now)
}

// -------------------------------------------------------------------------------------------------
// answers
// -------------------------------------------------------------------------------------------------

/** What a token answer gave. @internal */
export type Outcome =
  | { readonly _tag: "Usable"; readonly token: Token }
  /** Already past its send-by time on arrival: ask again (after `waitBeforeAsking`). */
  | { readonly _tag: "Unusable" }

const margin = (lifetimeMillis: number, reuses: boolean): number =>
  reuses ? roundingMillis : Math.min(roundingMillis, Math.max(0, lifetimeMillis) / 20)

/**
 * A token answer arrived (at `received.receivedAt`). Detects a token handed back (same value as
 * the last one: it keeps its first send-by time, and the server is known to reuse from now on),
 * computes the send-by and re-ask times and when to refresh.
 *
 * @internal
 */
export const received = <D>(entry: Entry<D>, r: Received, policy: Policy): readonly [Outcome, Entry<D>] => {
  const handedBack = entry.last !== undefined && sameToken(entry.last.token, r)
  const reuses = entry.reuses || handedBack
  let expiresAt = r.sentAt + r.lifetimeMillis - margin(r.lifetimeMillis, reuses)
  let reaskAt = r.receivedAt + Math.max(0, r.lifetimeMillis) + roundingMillis + skewMillis
  if (handedBack) {
    expiresAt = Math.min(entry.last!.token.expiresAt, expiresAt)
    reaskAt = Math.min(entry.last!.reaskAt, reaskAt)
  }
  const token: Token = { value: r.value, scopes: r.scopes, expiresAt }
  const last: Issued = { token, reaskAt, invalidated: false }
  const now = r.receivedAt
  if (expiresAt <= now) {
    const current = entry.current !== undefined && sameToken(entry.current, r) ? undefined : entry.current
    return [{ _tag: "Unusable" }, { ...entry, current, last, reuses }]
  }
  const refreshAt = reuses
    ? expiresAt
    : expiresAt - Math.min(policy.bufferMillis, (expiresAt - now) / 2)
  return [{ _tag: "Usable", token }, { ...entry, current: token, refreshAt, last, reuses }]
}

/**
 * The request in flight ended. A background refresh that failed while the current token is
 * still valid is tried again later (half the time left, at most 30 s), not on every call.
 *
 * @internal
 */
export const settled = <D>(entry: Entry<D>, now: number, failedInBackground: boolean): Entry<D> => {
  const current = entry.current
  if (failedInBackground && current !== undefined && now < current.expiresAt) {
    return {
      ...entry,
      inflight: undefined,
      refreshAt: now + Math.min(retryRefreshMillis, (current.expiresAt - now) / 2)
    }
  }
  return { ...entry, inflight: undefined }
}

/**
 * A token was refused (401): dropped when it is still the current one (compare-and-set). Returns
 * whether it was.
 *
 * @internal
 */
export const invalidated = <D>(entry: Entry<D>, token: Token): readonly [boolean, Entry<D>] => {
  const current = entry.current
  if (current === undefined || !sameToken(current, token)) return [false, entry]
  const last = entry.last !== undefined && sameToken(entry.last.token, token)
    ? { ...entry.last, invalidated: true }
    : entry.last
  return [true, { ...entry, current: undefined, refreshAt: 0, last }]
}

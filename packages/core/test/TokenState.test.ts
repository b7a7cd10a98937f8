// The token cache's transitions, without I/O: each is a function of the state and the time.
import type { AccessToken } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import * as TokenState from "../src/internal/tokenState.js"

const asgardeo: TokenState.Policy = { knownToReuse: true, bufferMillis: 300_000 }
const generic: TokenState.Policy = { knownToReuse: false, bufferMillis: 300_000 }

const answer = (value: string, expiresIn: number, sentAt: number, latency = 100): TokenState.Received => ({
  value: Redacted.make(value),
  scopes: new Set(["x"]),
  lifetimeMillis: expiresIn * 1000,
  sentAt,
  receivedAt: sentAt + latency
})

const usable = (outcome: TokenState.Outcome): AccessToken.Token => {
  assert.strictEqual(outcome._tag, "Usable")
  if (outcome._tag !== "Usable") throw new Error("unreachable")
  return outcome.token
}

describe("token state", () => {
  it("an empty entry fetches; a fresh token is served until its refresh time", () => {
    const entry = TokenState.initial<string>(generic)
    assert.deepStrictEqual(TokenState.decide(entry, 0), { _tag: "Fetch", serve: undefined })
    const [outcome, next] = TokenState.received(TokenState.started(entry, "d1"), answer("t1", 3600, 0), generic)
    const token = usable(outcome)
    assert.strictEqual(token.expiresAt, 3_599_000) // sent at 0, 3,600 s, less 1 s
    assert.strictEqual(next.refreshAt, 3_599_000 - 300_000)
    const settled = TokenState.settled(next, 100, false)
    assert.deepStrictEqual(TokenState.decide(settled, 1000), { _tag: "Serve", token })
    // Inside the buffer: served while a background refresh starts.
    assert.deepStrictEqual(TokenState.decide(settled, 3_300_000), { _tag: "Fetch", serve: token })
    // Past the send-by time: no token to serve.
    assert.deepStrictEqual(TokenState.decide(settled, 3_599_000), { _tag: "Fetch", serve: undefined })
  })

  it("single flight: a request in flight is awaited, or the still-valid token served", () => {
    const entry = TokenState.started(TokenState.initial<string>(generic), "d1")
    assert.deepStrictEqual(TokenState.decide(entry, 0), { _tag: "Await", inflight: "d1" })
    const [outcome, next] = TokenState.received(entry, answer("t1", 3600, 0), generic)
    const token = usable(outcome)
    const refreshing = TokenState.started(TokenState.settled(next, 0, false), "d2")
    assert.deepStrictEqual(TokenState.decide(refreshing, 3_400_000), { _tag: "Serve", token })
    assert.deepStrictEqual(TokenState.decide(refreshing, 3_599_500), { _tag: "Await", inflight: "d2" })
  })

  it("a short-lived token is refreshed at half its lifetime", () => {
    const [outcome, next] = TokenState.received(TokenState.initial<string>(generic), answer("t", 60, 0, 0), generic)
    const token = usable(outcome)
    assert.strictEqual(token.expiresAt, 59_000)
    assert.strictEqual(next.refreshAt, 59_000 - 29_500)
  })

  it("Asgardeo: no early refresh, a 1 s margin, and a token at its end waits for the real expiry", () => {
    const [outcome, next] = TokenState.received(TokenState.initial<string>(asgardeo), answer("t1", 3600, 0), asgardeo)
    const token = usable(outcome)
    assert.strictEqual(next.refreshAt, token.expiresAt)
    const entry = TokenState.settled(next, 100, false)
    assert.deepStrictEqual(TokenState.decide(entry, 3_598_999), { _tag: "Serve", token })
    assert.strictEqual(TokenState.waitBeforeAsking(entry, 3_598_999, false), 0)
    // At its send-by time: ask only once the server surely let it expire (arrival + lifetime +
    // 1 s of rounding + 50 ms of skew).
    assert.strictEqual(TokenState.waitBeforeAsking(entry, 3_599_000, false), 100 + 3_600_000 + 1000 + 50 - 3_599_000)
  })

  it("a token handed back keeps its first send-by time and marks the server as reusing", () => {
    const [first, e1] = TokenState.received(TokenState.initial<string>(generic), answer("same", 60, 0, 0), generic)
    assert.strictEqual(usable(first).expiresAt, 59_000)
    assert.isFalse(e1.reuses)
    // Asked early (background refresh at 30 s): the same token, with a rounded-up expires_in.
    const [again, e2] = TokenState.received(e1, answer("same", 32, 30_000, 0), generic)
    assert.strictEqual(usable(again).expiresAt, 59_000, "not extended")
    assert.isTrue(e2.reuses)
    assert.strictEqual(e2.refreshAt, 59_000, "no more early refreshes")
  })

  it("a token handed back with 0 or 1 s left is unusable: wait, never fail, never a burst", () => {
    const [first, e1] = TokenState.received(TokenState.initial<string>(asgardeo), answer("t", 3600, 0, 0), asgardeo)
    usable(first)
    for (const left of [1, 0]) {
      // The server still counts it valid for up to `left` s: it hands it back.
      const [outcome, e2] = TokenState.received(e1, answer("t", left, 3_599_500, 0), asgardeo)
      assert.strictEqual(outcome._tag, "Unusable")
      const wait = TokenState.waitBeforeAsking(e2, 3_599_500, true)
      assert.isAtLeast(wait, 1000, "the next request waits past the rounding")
      assert.isAtMost(3_599_500 + wait, 3_600_000 + 1000 + 50)
    }
  })

  it("a first answer that is already expired (another process's token) waits until it is gone", () => {
    const [outcome, entry] = TokenState.received(
      TokenState.initial<string>(asgardeo),
      answer("old", 1, 0, 10),
      asgardeo
    )
    assert.strictEqual(outcome._tag, "Unusable")
    assert.strictEqual(TokenState.waitBeforeAsking(entry, 10, true), 10 + 1000 + 1000 + 50 - 10)
  })

  it("invalidate is compare-and-set, and a refused token is not waited for", () => {
    const [outcome, next] = TokenState.received(TokenState.initial<string>(asgardeo), answer("t1", 3600, 0), asgardeo)
    const token = usable(outcome)
    const entry = TokenState.settled(next, 100, false)
    const [was, dropped] = TokenState.invalidated(entry, token)
    assert.isTrue(was)
    assert.isUndefined(dropped.current)
    assert.deepStrictEqual(TokenState.decide(dropped, 1000), { _tag: "Fetch", serve: undefined })
    assert.strictEqual(TokenState.waitBeforeAsking(dropped, 1000, false), 0)
    // Again (another fiber's 401 on the same token): nothing to do.
    const [again, same] = TokenState.invalidated(dropped, token)
    assert.isFalse(again)
    assert.strictEqual(same, dropped)
    // A stale token (another value) does not drop the current one.
    const [stale] = TokenState.invalidated(entry, { ...token, value: Redacted.make("t0") })
    assert.isFalse(stale)
  })

  it("a failed background refresh is tried again later, not on every call", () => {
    const [outcome, next] = TokenState.received(TokenState.initial<string>(generic), answer("t1", 3600, 0, 0), generic)
    const token = usable(outcome)
    const refreshing = TokenState.started(TokenState.settled(next, 0, false), "d")
    const failed = TokenState.settled(refreshing, 3_300_000, true)
    assert.isUndefined(failed.inflight)
    assert.deepStrictEqual(TokenState.decide(failed, 3_300_001), { _tag: "Serve", token })
    assert.strictEqual(failed.refreshAt, 3_300_000 + 30_000)
  })
})

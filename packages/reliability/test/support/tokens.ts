// The cases of the token, throttling, interruption and secrets suites (Tokens.test.ts and
// Secrets.test.ts): no 401 or 429 reaches a caller while the server can still serve, an
// interrupted call aborts its request, and no encoding of a secret survives a reflecting server.
import type { CaseInfo } from "./catalog.js"

export const tokenCases: ReadonlyArray<CaseInfo> = [
  {
    id: "tokens.reuse-near-expiry",
    what: "5 s tokens handed back until they expire (expires_in rounded up, then down), callers every 500 ms",
    guarantee: "AccessToken: no early refresh on a reusing server; a token handed back keeps its first expiry; " +
      "the next request waits until the server surely let it expire"
  },
  {
    id: "tokens.leftover",
    what: "a token another process took earlier, handed back with 0–3 s left (rounded up or down)",
    guarantee: "AccessToken: a 1 s margin on reused tokens; an answer already expired on arrival waits for the " +
      "real expiry, never fails the caller"
  },
  {
    id: "tokens.static-401",
    what: "a wrong static bearer token (generic target)",
    guarantee: "ScimClient: a static token cannot be refreshed, so its 401 is final (sent once)"
  },
  {
    id: "tokens.revoked-repeatedly",
    what: "every token revoked at 100, 300 and 600 ms under 200 concurrent operations (real server, 250 ms latency)",
    guarantee: "ScimClient: a 401 on the current token drops it (compare-and-set) and retries, maxAttempts; " +
      "a 401 on an already replaced token costs no attempt"
  },
  {
    id: "throttle.burst",
    what: "60 requests at once against a server allowing 20 per 2 s, 429 without Retry-After",
    guarantee: "RateLimiter: adaptive rate (AWS SDK adaptive mode) and a shared probe pause; 429s are not attempts, " +
      "bounded by retry.maxRateLimitWait"
  },
  {
    id: "throttle.forever",
    what: "a server that answers 429 forever",
    guarantee: "retry.maxRateLimitWait bounds the time an operation spends on 429s: RateLimited, no hang"
  },
  {
    id: "interrupt.timeout-aborts",
    what: "a caller's Effect.timeout on a request the server holds for 5 s",
    guarantee: "each attempt's scope is closed on interruption, which aborts the request"
  }
]

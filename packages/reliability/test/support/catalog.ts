// Every case of RELIABILITY.md's table: id, what is tried, and what guarantees the outcome. The
// hostile, emulator, CLI, token, secrets, names and batch cases come from their own lists; the
// chaos, lost-answer and token-endpoint cases of Chaos.test.ts are listed here. `suiteCases` says
// which suite observes which cases: each suite's recorder fails the suite when a run of the whole
// file did not try one of its cases (support/results.ts), and Table.test.ts checks that the suites
// together cover exactly this catalog and that the table lists it.
import { batchCases } from "./batch.js"
import { cliCases } from "./cli.js"
import { emulatorCases } from "./emulator.js"
import { hostileCases } from "./hostile.js"
import { namesCases } from "./names.js"
import { secretsCases } from "./secrets.js"
import { tokenCases } from "./tokens.js"

export interface CaseInfo {
  readonly id: string
  readonly what: string
  readonly guarantee: string
}

const retry = "ScimClient retry policy (idempotent requests; backoff with jitter)"

export const chaosCases: ReadonlyArray<CaseInfo> = [
  {
    id: "chaos.onboard",
    what: "onboardMany of CHAOS_EMPLOYEES employees under the fault mix below",
    guarantee: "idempotent reconciliation (Users.ensure, role groups found or created), retries, re-run"
  },
  {
    id: "chaos.onboard-bulk",
    what: "onboardMany of CHAOS_EMPLOYEES other employees with Bulk (the default on Asgardeo) under the fault mix",
    guarantee: "Bulk results by bulkId; whatever a Bulk request cannot settle is settled singly (idempotent), re-run"
  },
  {
    id: "chaos.role-change",
    what: "changeRole of every employee (bounded concurrency) under the fault mix",
    guarantee: "add-before-remove, idempotent member PATCHes retried, Incomplete on a failed removal"
  },
  {
    id: "chaos.offboard",
    what: "offboard of every employee, half with delete, under the fault mix",
    guarantee: "idempotent PATCHes; a retried DELETE treats 404 after a lost answer as deleted"
  },
  {
    id: "chaos.ensure-passwords",
    what: "Users.ensure with passwords for CHAOS_EMPLOYEES/3 users under the fault mix",
    guarantee: "Users.ensure: a 5xx or lost POST is looked up before any new create"
  },
  { id: "chaos.requests", what: "requests sent in the onboard/role/offboard batches", guarantee: "-" },
  { id: "fault.500", what: "HTTP 500 (CHAOS_5XX_PCT/2 %)", guarantee: retry },
  { id: "fault.503", what: "HTTP 503 (CHAOS_5XX_PCT/2 %)", guarantee: retry },
  {
    id: "fault.429",
    what: "HTTP 429 (CHAOS_429_PCT %), half with Retry-After",
    guarantee:
      "not attempts: Retry-After pauses every fiber; without one the adaptive limiter slows every fiber; retry.maxRateLimitWait"
  },
  {
    id: "fault.drop-before",
    what: "connection dropped before the server applied the request",
    guarantee: `${retry}; POSTs reconciled by their callers`
  },
  {
    id: "fault.drop-after",
    what: "connection dropped after the server applied the request (lost answer)",
    guarantee: "idempotent reconciliation (Users.ensure, role groups, DELETE 404)"
  },
  {
    id: "fault.latency",
    what: "latency of 5, 30 or 120 ms (CHAOS_LATENCY_PCT %)",
    guarantee: "timeouts well above it"
  },
  {
    id: "fault.token-expiry",
    what: "every token expired each CHAOS_TOKEN_EXPIRY_MS ms",
    guarantee:
      "401: compare-and-set invalidate, retried with the new token (maxAttempts; a 401 on a replaced token costs none)"
  },
  {
    id: "lost.ensure",
    what: "POST /Users applied, answer lost; then the 409 of a later ensure",
    guarantee: "Users.ensure: lookup by userName; typed { created: false }"
  },
  {
    id: "lost.onboard",
    what: "onboardEmployee whose POST /Users answer is lost",
    guarantee: "Users.ensure inside onboardEmployee; owner check by employeeNumber"
  },
  {
    id: "lost.bulk",
    what: "POST /Bulk applied, answer lost",
    guarantee: "onboardMany settles each employee singly (ensure) after a failed Bulk"
  },
  {
    id: "token.down",
    what: "token endpoint answers 503",
    guarantee: "AccessToken retries transient errors, then TokenError; single flight"
  },
  {
    id: "token.slow",
    what: "token endpoint answers after 5 s (timeout 400 ms)",
    guarantee: "AccessToken per-attempt timeout: TransportError(Timeout)"
  },
  {
    id: "token.garbage",
    what: "token endpoint answers an HTML page with 200",
    guarantee: "AccessToken parses strictly: InvalidResponse, not retried"
  },
  {
    id: "secrets.client-secret",
    what: "client secret (and the Basic header) searched in every log line at debug, span and error",
    guarantee: "Redacted config; scrub() of bodies and engine errors; HttpClient tracer off"
  },
  {
    id: "secrets.tokens",
    what: "every access token issued, searched in every log line, span and error",
    guarantee: "Token.value is Redacted; error bodies scrubbed; no headers in errors"
  },
  {
    id: "secrets.passwords",
    what: "user passwords searched in every log line, span and error",
    guarantee: "NewUser.password must be Redacted; bodies never logged"
  },
  {
    id: "secrets.filter-values",
    what: "filter values (emails) searched in span attributes and log lines",
    guarantee: "spans carry url.path only (no query); errors carry the path without query"
  }
]

/** The cases each suite (`<Name>.test.ts`, `recorder("<name>")`) observes. */
export const suiteCases = {
  chaos: chaosCases,
  tokens: tokenCases,
  secrets: secretsCases,
  names: namesCases,
  batch: batchCases,
  hostile: hostileCases,
  emulator: emulatorCases,
  cli: cliCases
} satisfies Record<string, ReadonlyArray<Pick<CaseInfo, "id">>>

/** A suite's name: `recorder("<name>")` in `<Name>.test.ts`. */
export type SuiteName = keyof typeof suiteCases

export const allCases: ReadonlyArray<CaseInfo> = [
  ...chaosCases,
  ...tokenCases,
  ...secretsCases,
  ...namesCases,
  ...batchCases,
  ...hostileCases.map((c) => ({ id: c.id, what: c.what, guarantee: c.guarantee })),
  ...emulatorCases,
  ...cliCases
]

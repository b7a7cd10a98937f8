// The engine's small helpers: answers and their headers (internal/exchange.ts), the JSON deep
// copy (internal/reply.ts), the request log kept in batches (internal/engine.ts).
import { assert, describe, it } from "@effect/vitest"
import { defaultQuirks } from "../src/internal/context.js"
import { logEntries, makeEngine } from "../src/internal/engine.js"
import * as exchange from "../src/internal/exchange.js"
import { defaultRateLimits } from "../src/internal/rateLimit.js"
import { clone } from "../src/internal/reply.js"

describe("answers", () => {
  it("utf8Length counts UTF-8 bytes as TextEncoder encodes them, lone surrogates included", () => {
    for (
      const s of [
        "",
        "abc",
        "é",
        "€",
        "😀",
        "zoë@example.com",
        "a\ud800b",
        "\udc00",
        "\ud800",
        "x😀é€",
        "ü".repeat(300)
      ]
    ) {
      assert.strictEqual(exchange.utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s))
    }
  })

  it("headersOf: the answer's headers (lower-case) with the body's type and length; none without a body", () => {
    const answer = exchange.json(201, { name: "zoë" }, "application/scim+json", { Location: "https://x/1" })
    assert.deepStrictEqual(exchange.headersOf(answer), {
      location: "https://x/1",
      "content-type": "application/scim+json",
      "content-length": String(new TextEncoder().encode("{\"name\":\"zoë\"}").length)
    })
    assert.deepStrictEqual(exchange.headersOf(exchange.empty(204, { "Retry-After": "3" })), { "retry-after": "3" })
    // An empty text has a type but, like HttpServerResponse, no length.
    assert.deepStrictEqual(exchange.headersOf(exchange.text(200, "", "text/plain")), { "content-type": "text/plain" })
  })
})

describe("clone", () => {
  it("copies JSON data deeply: the copy is equal and shares nothing", () => {
    const original = { a: [1, { b: "c" }, null], d: { e: { f: true } }, g: undefined }
    const copy = clone(original)
    assert.deepStrictEqual(copy, original)
    assert.isTrue("g" in copy)
    copy.a[1] = { b: "changed" }
    copy.d.e.f = false
    assert.deepStrictEqual(original, { a: [1, { b: "c" }, null], d: { e: { f: true } }, g: undefined })
  })

  it("keeps holes, and hands anything but plain objects, arrays and primitives to structuredClone", () => {
    const sparse = [1, , 3]
    const copy = clone({ sparse, when: new Date(0), tags: new Set(["x"]) })
    assert.isFalse(1 in copy.sparse)
    assert.strictEqual(copy.sparse.length, 3)
    assert.instanceOf(copy.when, Date)
    assert.strictEqual(copy.when.getTime(), 0)
    assert.notStrictEqual(copy.tags, undefined)
    assert.deepStrictEqual([...copy.tags], ["x"])
    assert.throws(() => clone({ f: () => 1 } as unknown as object))
    assert.throws(() => clone({ s: Symbol("s") } as unknown as object))
  })
})

describe("the request log", () => {
  const engine = () =>
    makeEngine({
      organizations: ["acme"],
      apps: [],
      tokenExpiresIn: 3600,
      quirks: defaultQuirks,
      rateLimits: defaultRateLimits,
      origin: "https://emulator.invalid",
      maxBodyBytes: 1024,
      etag: false
    })
  const entry = (i: number) => ({
    method: "GET",
    path: `/t/acme/scim2/Users/${i}`,
    query: "",
    status: 200,
    time: i,
    clientId: undefined,
    faults: []
  })

  it("answers the last maxLogEntries entries; the array is trimmed in batches, never past twice that", async () => {
    const { record } = await import("../src/internal/engine.js")
    const e = engine()
    e.maxLogEntries = 3
    for (let i = 1; i <= 10; i++) {
      record(e, entry(i), "/scim2/Users")
      assert.isBelow(e.log.length, 6)
      assert.deepStrictEqual(logEntries(e).map((x) => x.time), [i - 2, i - 1, i].filter((t) => t >= 1))
    }
    assert.strictEqual(e.counters.requests, 10)
    e.maxLogEntries = 0
    assert.deepStrictEqual(logEntries(e), [])
  })
})

// Cursor paging (RFC 9865) end to end on the emulator's opt-in cursor mode (SCIMMY has no
// cursors): a target that reads the advertisement streams by cursor; Asgardeo's own target never
// reads it and keeps index paging, request for request.
import { Scopes, Target } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Stream, TestClock } from "effect"
import * as Emulated from "./utils/Emulated.js"

const base = `${AsgardeoEmulator.defaultBaseUrl}/t/acme`

/** Asgardeo's dialect, but reading the server's paging advertisement (`paging.cursor`). */
const cursorTarget = Target.make({ name: "asgardeo-with-cursors", paging: { cursor: "advertised" } }, Target.asgardeo)

const withCursors = (options: AsgardeoEmulator.Options, clock: "auto" | "manual" = "auto") =>
  Directory.layerGeneric({
    scimBaseUrl: `${base}/scim2`,
    auth: {
      tokenUrl: `${base}/oauth2/token`,
      clientId: AsgardeoEmulator.defaultCredentials.clientId,
      clientSecret: Redacted.make(AsgardeoEmulator.defaultCredentials.clientSecret),
      scopes: Scopes.all
    },
    target: cursorTarget,
    pageSize: 10
  }).pipe(
    Layer.orDie,
    Layer.provideMerge(AsgardeoEmulator.layerClient(options)),
    Layer.provideMerge(clock === "auto" ? AsgardeoEmulator.layerAutoClock : Layer.empty)
  )

const cursorMode = { quirks: { cursorPaging: true } } as const

const seed = (n: number) =>
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (e) =>
    e.seedUsers(Array.from({ length: n }, (_, i) => ({
      userName: `user${String(i + 1).padStart(3, "0")}@example.com`,
      emails: [{ value: `user${i + 1}@example.com` }]
    }))))

const lists = Effect.map(
  Emulated.scimLog,
  (log) => log.filter((e) => e.path.endsWith("/Users") || e.path.endsWith("/ServiceProviderConfig"))
)

describe("cursor paging on the emulator's cursor mode", () => {
  it.effect("stream pages by cursor: every user once, one request a page, the config read once", () =>
    Effect.gen(function*() {
      yield* seed(25)
      const users = yield* Users.Users
      const all = yield* Stream.runCollect(users.stream({ filter: "userName sw \"user\"" }))
      assert.strictEqual(Chunk.size(all), 25)
      assert.strictEqual(new Set(Chunk.toArray(all).map((u) => u.id)).size, 25)
      const log = yield* lists
      assert.deepStrictEqual(log.map((e) => e.path.replace(`/t/acme/scim2`, "")), [
        "/ServiceProviderConfig",
        "/Users",
        "/Users",
        "/Users"
      ])
      assert.isTrue(log.slice(1).every((e) => e.query.includes("cursor=") && !e.query.includes("startIndex")))
      yield* Emulated.clearLog
      assert.strictEqual(Chunk.size(yield* Stream.runCollect(users.stream({ paging: "index" }))), 25)
      assert.isTrue((yield* lists).every((e) => e.query.includes("startIndex") && !e.query.includes("cursor")))
    }).pipe(Effect.provide(withCursors(cursorMode))))

  it.effect("list by cursor to the end: nextCursor, then none", () =>
    Effect.gen(function*() {
      yield* seed(3)
      const users = yield* Users.Users
      const first = yield* users.list({ cursor: "", count: 2 })
      assert.strictEqual(first.resources.length, 2)
      assert.isString(first.nextCursor)
      const last = yield* users.list({ cursor: first.nextCursor!, count: 2 })
      assert.strictEqual(last.resources.length, 1)
      assert.isUndefined(last.nextCursor)
      assert.isString(last.previousCursor)
      const bad = yield* Effect.flip(users.list({ cursor: "forged" }))
      assert.strictEqual(bad._tag === "BadRequest" ? bad.scimType : bad._tag, "invalidCursor")
    }).pipe(Effect.provide(withCursors(cursorMode))))

  it.effect("a cursor that expires between two pages fails with BadRequest expiredCursor (TestClock)", () =>
    Effect.gen(function*() {
      yield* seed(3)
      const users = yield* Users.Users
      const first = yield* users.list({ cursor: "", count: 1 })
      yield* TestClock.adjust("61 seconds")
      const error = yield* Effect.flip(users.list({ cursor: first.nextCursor!, count: 1 }))
      assert.strictEqual(error._tag === "BadRequest" ? error.scimType : error._tag, "expiredCursor")
    }).pipe(Effect.provide(withCursors({ quirks: { cursorPaging: true, cursorTimeoutSeconds: 60 } }, "manual"))))

  it.effect("the same target on the emulator without cursor mode: index paging, cursor refused", () =>
    Effect.gen(function*() {
      yield* seed(12)
      const users = yield* Users.Users
      assert.strictEqual(Chunk.size(yield* Stream.runCollect(users.stream())), 12)
      assert.isTrue((yield* lists).slice(1).every((e) => e.query.includes("startIndex")))
      const error = yield* Effect.flip(users.list({ cursor: "" }))
      assert.strictEqual(error._tag === "Unsupported" ? error.feature : error._tag, "cursor paging")
    }).pipe(Effect.provide(withCursors({}))))
})

describe("Asgardeo's target on the cursor-mode emulator: unchanged", () => {
  it.effect("stream pages by index with no ServiceProviderConfig read; cursor refused with no request", () =>
    Effect.gen(function*() {
      yield* seed(150)
      const users = yield* Users.Users
      assert.strictEqual(Chunk.size(yield* Stream.runCollect(users.stream())), 150)
      const log = yield* Emulated.scimLog
      assert.deepStrictEqual(log.map((e) => e.query), [
        "startIndex=1&count=100",
        "startIndex=101&count=100",
        "startIndex=151&count=100"
      ])
      yield* Emulated.clearLog
      const viaStream = yield* Effect.flip(Stream.runDrain(users.stream({ paging: "cursor" })))
      const viaList = yield* Effect.flip(users.list({ cursor: "" }))
      for (const error of [viaStream, viaList]) {
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") assert.include(error.reason, "asgardeo pages by index only")
      }
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    }).pipe(Effect.provide(Emulated.layer(cursorMode))))
})

// A hostile review of forEachSubOrganization (issue 16): its input checked before any request, an
// organizations API repeating an organization across pages, the concurrency bound, the error
// policy (one organization's failure never stops the others; a listing failure fails the call).
import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer, Ref } from "effect"
import * as Mock from "./utils/Mock.js"

const A = "0b8f2c1e-1111-4a5b-9c3d-000000000001"
const B = "0b8f2c1e-2222-4a5b-9c3d-000000000002"
const C = "0b8f2c1e-3333-4a5b-9c3d-000000000003"

const tree: AsgardeoEmulator.Options = {
  subOrganizations: [{ name: "One" }, { name: "Two" }, { name: "Three" }, { name: "Four" }, { name: "Five" }]
}
const root = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(tree)))
const log = Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.log)

/** An organizations API answering these pages (the cursor is the page index), and /o/scim2. */
const organizationsApi = (
  pages: ReadonlyArray<
    { readonly organizations: ReadonlyArray<unknown>; readonly next?: string; readonly status?: number }
  >
) =>
  Mock.asgardeo((req) => {
    if (req.url.pathname === "/t/acme/api/server/v1/organizations") {
      const page = pages[Number(req.url.searchParams.get("after") ?? "0")] ?? { organizations: [] }
      if (page.status !== undefined) return { status: page.status, body: { code: "ORG-65000", message: "down" } }
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: {
          organizations: page.organizations,
          ...(page.next === undefined ? {} : { links: [{ rel: "next", href: page.next }] })
        }
      }
    }
    return { status: 200, body: { schemas: [], totalResults: 0, Resources: [] } }
  })

const org = (id: string, name: string) => ({ id, name, status: "ACTIVE" })

describe("forEachSubOrganization, hostile", () => {
  it.effect("a program that is not a function is InvalidInput before any request", () =>
    Effect.gen(function*() {
      for (const program of [undefined, null, "x", Effect.void]) {
        const exit = yield* Effect.exit(
          Directory.forEachSubOrganization(program as unknown as () => Effect.Effect<void>)
        )
        assert.isTrue(exit._tag === "Failure" && exit.cause._tag === "Fail", String(exit))
        if (exit._tag === "Failure" && exit.cause._tag === "Fail") {
          assert.strictEqual(exit.cause.error._tag, "InvalidInput")
        }
      }
      const options = yield* Effect.flip(Directory.forEachSubOrganization(() => Effect.void, "x" as never))
      assert.strictEqual(options._tag, "InvalidInput")
      assert.deepStrictEqual(yield* log, [])
    }).pipe(Effect.provide(root)))

  it.effect("an organization repeated on the next page is visited once", () => {
    const m = organizationsApi([
      { organizations: [org(A, "a"), org(B, "b")], next: "?after=1" },
      { organizations: [org(B, "b"), org(C, "c")] }
    ])
    return Effect.gen(function*() {
      const results = yield* Directory.forEachSubOrganization((o) => Effect.succeed(o.id))
      assert.deepStrictEqual(results.map((r) => Either.getOrThrow(r.result)), [A, B, C])
    }).pipe(Effect.provide(Layer.merge(m.layer, m.http)))
  })

  it.effect("a listing that fails after a first page fails the call", () => {
    const m = organizationsApi([{ organizations: [org(A, "a")], next: "?after=1" }, { organizations: [], status: 500 }])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Directory.forEachSubOrganization((o) => Effect.succeed(o.id)))
      assert.strictEqual(error._tag, "ServerError")
    }).pipe(Effect.provide(Layer.merge(m.layer, m.http)))
  })

  it.effect("at most `concurrency` programs at a time; one organization's failure leaves the others running", () =>
    Effect.gen(function*() {
      const running = yield* Ref.make(0)
      const most = yield* Ref.make(0)
      const results = yield* Directory.forEachSubOrganization(
        (o) =>
          Effect.gen(function*() {
            const now = yield* Ref.updateAndGet(running, (n) => n + 1)
            yield* Ref.update(most, (m) => Math.max(m, now))
            const users = yield* Effect.flatMap(Users.Users, (u) => u.list({ count: 1 }))
            yield* Ref.update(running, (n) => n - 1)
            if (o.name === "Two") return yield* Effect.fail("two failed" as const)
            return users.totalResults
          }),
        { recursive: true, concurrency: 2 }
      )
      assert.strictEqual(results.length, 5)
      assert.isAtMost(yield* Ref.get(most), 2)
      assert.deepStrictEqual(
        results.filter((r) => Either.isLeft(r.result)).map((r) => r.organization.name),
        ["Two"]
      )
    }).pipe(Effect.provide(root)))
})

// The emulator's opt-in ETag mode (RFC 7644 §3.14; Asgardeo has none): versions on every resource
// answered, the ETag header on single resources, If-Match honoured on PUT, PATCH and DELETE.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, newUser, scim, withEmulator } from "./helpers.js"

const etag = { etag: true } as const

const rename = (title: string) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: [{ op: "replace", path: "title", value: title }]
})

describe("the emulator's ETag mode", () => {
  it.effect("the ServiceProviderConfig says etag.supported; a GET carries meta.version and the same ETag", () =>
    withEmulator(
      Effect.gen(function*() {
        const spc = yield* scim("GET", "/ServiceProviderConfig")
        assert.strictEqual(spc.json.etag.supported, true)
        const user = yield* createUser("kim")
        const got = yield* scim("GET", `/Users/${user.id}`)
        const version = got.json.meta.version
        assert.match(version, /^W\/"\d+-[0-9a-f]+"$/)
        assert.strictEqual(got.headers["etag"], version)
        // The create's answer and a list carry the same version.
        const listed = yield* scim("GET", "/Users")
        assert.strictEqual(listed.json.Resources[0].meta.version, version)
        const searched = yield* scim("POST", "/Users/.search", { body: { filter: "userName eq \"kim\"" } })
        assert.strictEqual(searched.json.Resources[0].meta.version, version)
        // A projection carries the version of the whole resource.
        const projected = yield* scim("GET", `/Users/${user.id}`, { query: { attributes: "userName" } })
        assert.strictEqual(projected.headers["etag"], version)
      }),
      etag
    ))

  it.effect("a write changes the version; a stale If-Match is 412 and changes nothing; * and the current one pass", () =>
    withEmulator(
      Effect.gen(function*() {
        const user = yield* createUser("kim")
        const v1 = (yield* scim("GET", `/Users/${user.id}`)).json.meta.version as string
        const patched = yield* scim("PATCH", `/Users/${user.id}`, { body: rename("A"), headers: { "if-match": v1 } })
        assert.strictEqual(patched.status, 200)
        const v2 = patched.json.meta.version as string
        assert.notStrictEqual(v2, v1)
        assert.strictEqual(patched.headers["etag"], v2)
        const stale = yield* scim("PATCH", `/Users/${user.id}`, { body: rename("B"), headers: { "if-match": v1 } })
        assert.strictEqual(stale.status, 412)
        assert.strictEqual(stale.json.status, "412")
        assert.strictEqual((yield* scim("GET", `/Users/${user.id}`)).json.title, "A")
        const put = yield* scim("PUT", `/Users/${user.id}`, {
          body: { ...newUser("kim"), title: "C" },
          headers: { "if-match": v1 }
        })
        assert.strictEqual(put.status, 412)
        // A list of tags, the weak prefix left out, and * all name the current version.
        const bare = v2.replace(/^W\//, "")
        const listed = yield* scim("PATCH", `/Users/${user.id}`, {
          body: rename("D"),
          headers: { "if-match": `"other", ${bare}` }
        })
        assert.strictEqual(listed.status, 200)
        const any = yield* scim("PATCH", `/Users/${user.id}`, { body: rename("E"), headers: { "if-match": "*" } })
        assert.strictEqual(any.status, 200)
        const v3 = any.json.meta.version as string
        assert.strictEqual((yield* scim("DELETE", `/Users/${user.id}`, { headers: { "if-match": v2 } })).status, 412)
        assert.strictEqual((yield* scim("DELETE", `/Users/${user.id}`, { headers: { "if-match": v3 } })).status, 204)
        assert.strictEqual((yield* scim("GET", `/Users/${user.id}`)).status, 404)
      }),
      etag
    ))

  it.effect("a write that restores an earlier state gets a new version: the earlier one stays stale", () =>
    withEmulator(
      Effect.gen(function*() {
        const user = yield* createUser("kim", { title: "A" })
        const first = (yield* scim("GET", `/Users/${user.id}`)).json.meta.version as string
        yield* scim("PATCH", `/Users/${user.id}`, { body: rename("B") })
        const back = yield* scim("PATCH", `/Users/${user.id}`, { body: rename("A") })
        assert.notStrictEqual(back.json.meta.version, first)
        const stale = yield* scim("PATCH", `/Users/${user.id}`, { body: rename("C"), headers: { "if-match": first } })
        assert.strictEqual(stale.status, 412)
      }),
      etag
    ))

  it.effect("a membership change changes the group's version and the member's", () =>
    withEmulator(
      Effect.gen(function*() {
        const user = yield* createUser("kim")
        const group = (yield* scim("POST", "/Groups", {
          body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Team" }
        })).json
        const before = (yield* scim("GET", `/Groups/${group.id}`)).json.meta.version
        const userBefore = (yield* scim("GET", `/Users/${user.id}`)).json.meta.version
        const added = yield* scim("PATCH", `/Groups/${group.id}`, {
          body: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [{ op: "add", value: { members: [{ value: user.id, display: "kim" }] } }]
          },
          headers: { "if-match": before }
        })
        assert.isBelow(added.status, 300)
        assert.notStrictEqual((yield* scim("GET", `/Groups/${group.id}`)).json.meta.version, before)
        assert.notStrictEqual((yield* scim("GET", `/Users/${user.id}`)).json.meta.version, userBefore)
      }),
      etag
    ))

  it.effect("without the mode (Asgardeo): no version, no ETag, If-Match ignored", () =>
    withEmulator(Effect.gen(function*() {
      assert.strictEqual((yield* scim("GET", "/ServiceProviderConfig")).json.etag.supported, false)
      const user = yield* createUser("kim")
      const got = yield* scim("GET", `/Users/${user.id}`)
      assert.isUndefined(got.json.meta.version)
      assert.isUndefined(got.headers["etag"])
      const patched = yield* scim("PATCH", `/Users/${user.id}`, {
        body: rename("A"),
        headers: { "if-match": "W/\"x\"" }
      })
      assert.strictEqual(patched.status, 200)
    })))

  it("a mode that is not a boolean is refused when the emulator is made", () => {
    assert.throws(
      () => Effect.runSync(AsgardeoEmulator.make({ etag: "yes" as never })),
      /etag must be a boolean/
    )
  })
})

import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, createUser, newUser, SCIM, scim, token } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
const bulk = (Operations: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
  schemas: [BULK],
  Operations,
  ...extra
})

describe("bulk", () => {
  it.effect("users before groups whatever the order; bulkId references; 200 with numeric codes and string responses", () =>
    run(Effect.gen(function*() {
      const a = yield* scim("POST", "/Bulk", {
        body: bulk([
          {
            method: "POST",
            path: "/Groups",
            bulkId: "g1",
            data: { displayName: "team", members: [{ value: "bulkId:u1", display: "bk1" }] }
          },
          { method: "POST", path: "/Users", bulkId: "u1", data: newUser("bk1") },
          { method: "POST", path: "/Users", bulkId: "u2", data: newUser("bk2") }
        ])
      })
      assert.strictEqual(a.status, 200)
      assert.deepStrictEqual(a.json.schemas, ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
      const ops = a.json.Operations
      assert.deepStrictEqual(ops.map((o: any) => o.bulkId), ["u1", "u2", "g1"])
      assert.deepStrictEqual(ops.map((o: any) => o.status.code), [201, 201, 201])
      assert.isString(ops[0].response)
      const user = JSON.parse(ops[0].response)
      const group = JSON.parse(ops[2].response)
      assert.strictEqual(group.members[0].value, user.id)
      assert.strictEqual(ops[0].location, user.meta.location)
    })))

  it.effect("bulkId references in a group PATCH's members; an unknown reference fails that operation only", () =>
    run(Effect.gen(function*() {
      const created = yield* scim("POST", "/Groups", { body: { displayName: "patched" } })
      const groupId = created.json.id
      const addMembers = (refs: ReadonlyArray<[string, string]>) => ({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", value: { members: refs.map(([value, display]) => ({ value, display })) } }]
      })
      const a = yield* scim("POST", "/Bulk", {
        body: bulk([
          {
            method: "PATCH",
            path: `/Groups/${groupId}`,
            bulkId: "p1",
            data: addMembers([["bulkId:r1", "ref1"], ["bulkId:r2", "ref2"]])
          },
          { method: "POST", path: "/Users", bulkId: "r1", data: newUser("ref1") },
          { method: "POST", path: "/Users", bulkId: "r2", data: newUser("ref2") },
          { method: "PATCH", path: `/Groups/${groupId}`, bulkId: "p2", data: addMembers([["bulkId:nope", "ref1"]]) }
        ])
      })
      const ops = a.json.Operations
      assert.deepStrictEqual(ops.map((o: any) => [o.bulkId, o.status.code]), [["r1", 201], ["r2", 201], ["p1", 200], [
        "p2",
        400
      ]])
      const group = yield* scim("GET", `/Groups/${groupId}`)
      assert.deepStrictEqual(group.json.members.map((m: any) => m.display).sort(), ["DEFAULT/ref1", "DEFAULT/ref2"])
    })))

  it.effect("bulkId required for POST, duplicate bulkId 400, over maxOperations 413", () =>
    run(
      Effect.gen(function*() {
        const noId = yield* scim("POST", "/Bulk", {
          body: bulk([{ method: "POST", path: "/Users", data: newUser("x") }])
        })
        assert.strictEqual(noId.status, 400)
        const dup = yield* scim("POST", "/Bulk", {
          body: bulk([
            { method: "POST", path: "/Users", bulkId: "a", data: newUser("x") },
            { method: "POST", path: "/Users", bulkId: "a", data: newUser("y") }
          ])
        })
        assert.strictEqual(dup.status, 400)
        assert.strictEqual(dup.json.scimType, "invalidValue")
        const many = yield* scim("POST", "/Bulk", {
          body: bulk(Array.from({ length: 4 }, (_, i) => ({ method: "DELETE", path: `/Users/${i}` })))
        })
        assert.strictEqual(many.status, 413)
        assert.match(many.json.detail, /exceeds the maximum total number of operations count: 3/)
        const users = yield* scim("GET", "/Users")
        assert.strictEqual(users.json.totalResults, 0)
      }),
      { quirks: { maxBulkOperations: 3 } }
    ))

  it.effect("failOnErrors stops after n failures; earlier operations stay; PUT/PATCH/DELETE", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("keep")
      const a = yield* scim("POST", "/Bulk", {
        body: bulk([
          {
            method: "PATCH",
            path: `/Users/${u.id}`,
            data: { Operations: [{ op: "replace", path: "nickName", value: "nn" }] }
          },
          { method: "POST", path: "/Users", bulkId: "dup", data: newUser("keep") },
          { method: "POST", path: "/Users", bulkId: "weak", data: { ...newUser("w"), password: "x" } },
          { method: "POST", path: "/Users", bulkId: "never", data: newUser("never") }
        ], { failOnErrors: 2 })
      })
      assert.deepStrictEqual(a.json.Operations.map((o: any) => o.status.code), [200, 409, 400])
      assert.strictEqual(JSON.parse(a.json.Operations[1].response).status, "409")
      const list = yield* scim("GET", "/Users")
      assert.strictEqual(list.json.totalResults, 1)
      assert.strictEqual(list.json.Resources[0].nickName, "nn")
      const b = yield* scim("POST", "/Bulk", {
        body: bulk([
          { method: "PUT", path: `/Users/${u.id}`, data: { userName: "keep", title: "t" } },
          { method: "DELETE", path: `/Users/${u.id}` }
        ])
      })
      assert.deepStrictEqual(b.json.Operations.map((o: any) => o.status.code), [200, 204])
      assert.isUndefined(b.json.Operations[1].location)
    })))

  it.effect("per-operation scopes; the legacy bulk scope allows all; no bulk scope at all is 403", () =>
    run(Effect.gen(function*() {
      const body = bulk([
        { method: "POST", path: "/Users", bulkId: "u", data: newUser("sc") },
        { method: "POST", path: "/Groups", bulkId: "g", data: { displayName: "sg" } }
      ])
      const userOnly = yield* token(["internal_bulk_user_create"])
      const a = yield* call("POST", `${SCIM}/Bulk`, { token: userOnly, body })
      assert.deepStrictEqual(a.json.Operations.map((o: any) => o.status.code), [201, 403])
      const none = yield* token(["internal_user_mgt_create"])
      assert.strictEqual((yield* call("POST", `${SCIM}/Bulk`, { token: none, body })).status, 403)
      const legacy = yield* token(["internal_bulk_resource_create"])
      const c = yield* call("POST", `${SCIM}/Bulk`, {
        token: legacy,
        body: bulk([{ method: "POST", path: "/Groups", bulkId: "g2", data: { displayName: "sg2" } }])
      })
      assert.deepStrictEqual(c.json.Operations.map((o: any) => o.status.code), [201])
    })))
})

describe("discovery", () => {
  it.effect("ServiceProviderConfig, ResourceTypes and Schemas need no token (but accept one)", () =>
    run(Effect.gen(function*() {
      const spc = yield* call("GET", `${SCIM}/ServiceProviderConfig`)
      assert.strictEqual(spc.status, 200)
      assert.strictEqual(spc.json.bulk.maxOperations, 100)
      assert.isFalse(spc.json.sort.supported)
      assert.isFalse(spc.json.etag.supported)
      assert.isTrue(spc.json.patch.supported)
      const rt = yield* call("GET", `${SCIM}/ResourceTypes`, { token: yield* token() })
      assert.strictEqual(rt.json.totalResults, 2)
      assert.deepStrictEqual(rt.json.Resources.map((r: any) => r.id), ["User", "Group"])
      const schemas = yield* call("GET", `${SCIM}/Schemas`, { token: "not-a-token" })
      assert.strictEqual(schemas.status, 200)
      assert.isTrue(Array.isArray(schemas.json))
      const user = schemas.json.find((s: any) => s.id === "urn:ietf:params:scim:schemas:core:2.0:User")
      const userName = user.attributes.find((a: any) => a.name === "userName")
      assert.strictEqual(userName.type, "STRING")
      assert.strictEqual(userName.mutability, "READ_WRITE")
      assert.strictEqual(userName.returned, "DEFAULT")
      const one = yield* call("GET", `${SCIM}/Schemas/urn:scim:wso2:schema`)
      assert.strictEqual(one.json.id, "urn:scim:wso2:schema")
      const missing = yield* call("GET", `${SCIM}/Nothing`)
      assert.strictEqual(missing.status, 404)
    })))
})

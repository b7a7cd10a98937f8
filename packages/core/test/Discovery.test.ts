import { Discovery } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { clientLayer, scimCalls } from "./utils/MockServer.js"
import type { Reply } from "./utils/MockServer.js"

// Shapes as Asgardeo returns them (asgardeo-api.md §8): SPC with string-or-boolean flags,
// ResourceTypes as a ListResponse, Schemas as a bare array with UPPERCASE characteristics.
const asgardeo: Record<string, Reply> = {
  "/t/acme/scim2/ServiceProviderConfig": {
    status: 200,
    body: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [{ type: "oauthbearertoken", name: "OAuth Bearer Token", primary: true }]
    }
  },
  "/t/acme/scim2/ResourceTypes": {
    status: 200,
    body: {
      totalResults: 2,
      Resources: [
        {
          id: "User",
          name: "User",
          endpoint: "/Users",
          schema: "urn:ietf:params:scim:schemas:core:2.0:User",
          schemaExtensions: [{
            schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            required: "false"
          }]
        },
        { name: "Group", endpoint: "/Groups", schema: "urn:ietf:params:scim:schemas:core:2.0:Group" }
      ]
    }
  },
  "/t/acme/scim2/Schemas": {
    status: 200,
    body: [
      {
        id: "urn:ietf:params:scim:schemas:core:2.0:User",
        name: "User",
        attributes: [
          {
            name: "userName",
            type: "STRING",
            multiValued: false,
            required: true,
            caseExact: false,
            mutability: "READ_WRITE",
            returned: "DEFAULT",
            uniqueness: "SERVER"
          },
          {
            name: "name",
            type: "COMPLEX",
            subAttributes: [{ name: "givenName", type: "STRING", mutability: "READ_WRITE", returned: "DEFAULT" }]
          }
        ]
      }
    ]
  }
}

const layer = () => {
  const { layer, received } = clientLayer((req) =>
    Effect.succeed(asgardeo[req.url.pathname] ?? { status: 404, body: { detail: "no" } })
  )
  return { layer: Discovery.layer.pipe(Layer.provideMerge(layer)), received }
}

describe("Discovery", () => {
  it.effect("ServiceProviderConfig is decoded and cached", () => {
    const { layer: l, received } = layer()
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      const [spc] = yield* Effect.all([d.serviceProviderConfig, d.serviceProviderConfig], { concurrency: "unbounded" })
      assert.isTrue(spc.patch.supported)
      assert.strictEqual(spc.bulk.maxOperations, 1000)
      assert.strictEqual(spc.filter.maxResults, 200)
      assert.isFalse(spc.sort.supported)
      assert.strictEqual(spc.authenticationSchemes[0]?.type, "oauthbearertoken")
      yield* Effect.all([d.serviceProviderConfig, d.serviceProviderConfig, d.serviceProviderConfig], {
        concurrency: "unbounded"
      })
      assert.strictEqual(scimCalls(received).length, 1)
    }).pipe(Effect.provide(l))
  })

  it.effect("ResourceTypes from a ListResponse; string booleans read as booleans", () => {
    const { layer: l } = layer()
    return Effect.gen(function*() {
      const types = yield* (yield* Discovery.Discovery).resourceTypes
      assert.deepStrictEqual(types.map((t) => t.id), ["User", "Group"])
      assert.isFalse(types[0]!.schemaExtensions[0]!.required)
    }).pipe(Effect.provide(l))
  })

  it.effect("Schemas from a bare array with UPPERCASE characteristics, normalised", () => {
    const { layer: l } = layer()
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      const user = yield* d.schema("urn:ietf:params:scim:schemas:core:2.0:User")
      const userName = user.attributes[0]!
      assert.strictEqual(userName.type, "string")
      assert.strictEqual(userName.mutability, "readWrite")
      assert.strictEqual(userName.returned, "default")
      assert.strictEqual(userName.uniqueness, "server")
      assert.strictEqual(user.attributes[1]!.subAttributes[0]!.name, "givenName")
      // Matched without regard to case.
      assert.strictEqual((yield* d.schema("URN:IETF:params:scim:schemas:core:2.0:user")).name, "User")
    }).pipe(Effect.provide(l))
  })

  it.effect("a URN missing from /Schemas is SchemaNotFound: no status the server never sent", () => {
    const { layer: l, received } = layer()
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      const missing = yield* Effect.flip(d.schema("urn:nope"))
      if (missing._tag !== "SchemaNotFound") return assert.fail(`expected SchemaNotFound, got ${missing._tag}`)
      assert.strictEqual(missing.urn, "urn:nope")
      assert.deepStrictEqual(missing.available, ["urn:ietf:params:scim:schemas:core:2.0:User"])
      assert.notProperty(missing, "status")
      assert.notProperty(missing, "method")
      assert.strictEqual(
        missing.message,
        "The server does not define the schema \"urn:nope\": its /Schemas lists 1: " +
          "\"urn:ietf:params:scim:schemas:core:2.0:User\""
      )
      // The one request sent was answered 200.
      assert.deepStrictEqual(scimCalls(received).map((r) => r.url.pathname), ["/t/acme/scim2/Schemas"])
    }).pipe(Effect.provide(l))
  })

  it.effect("a URN that is not a non-empty string fails with InvalidInput before any request", () => {
    const { layer: l, received } = layer()
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      for (const urn of [42, null, undefined, "", "  ", { id: "x" }]) {
        const error = yield* Effect.flip(d.schema(urn as string))
        if (error._tag !== "InvalidInput") return assert.fail(`expected InvalidInput, got ${error._tag}`)
        assert.strictEqual(error.operation, "Discovery.schema")
        assert.strictEqual(error.field, "urn")
      }
      assert.strictEqual(scimCalls(received).length, 0)
    }).pipe(Effect.provide(l))
  })

  it.effect("a 404 the server did send on /Schemas stays NotFound", () => {
    const { layer: base, received } = clientLayer(() => Effect.succeed({ status: 404, body: { detail: "no" } }))
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      const error = yield* Effect.flip(d.schema("urn:ietf:params:scim:schemas:core:2.0:User"))
      if (error._tag !== "NotFound") return assert.fail(`expected NotFound, got ${error._tag}`)
      assert.strictEqual(error.status, 404)
      assert.strictEqual(error.path, "/Schemas")
      assert.strictEqual(scimCalls(received).length, 1)
    }).pipe(Effect.provide(Discovery.layer.pipe(Layer.provideMerge(base))))
  })

  it.effect("Schemas and ResourceTypes are read once (single flight)", () => {
    const { layer: l, received } = layer()
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      yield* Effect.all([d.schemas, d.schemas, d.resourceTypes, d.resourceTypes], { concurrency: "unbounded" })
      yield* d.schema("urn:ietf:params:scim:schemas:core:2.0:User")
      assert.deepStrictEqual(scimCalls(received).map((r) => r.url.pathname).sort(), [
        "/t/acme/scim2/ResourceTypes",
        "/t/acme/scim2/Schemas"
      ])
      const user = (yield* d.schemas)[0]!
      assert.deepStrictEqual(user.attributes[0]!.canonicalValues, [])
    }).pipe(Effect.provide(l))
  })

  it.effect("a 404 on /Schemas is kept; a 400 is not", () => {
    let status = 404
    const { layer: base, received } = clientLayer(() => Effect.succeed({ status, body: { detail: "no" } }))
    return Effect.gen(function*() {
      const d = yield* Discovery.Discovery
      assert.strictEqual((yield* Effect.flip(d.schemas))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(d.schemas))._tag, "NotFound")
      assert.strictEqual(scimCalls(received).length, 1)
      status = 400
      assert.strictEqual((yield* Effect.flip(d.resourceTypes))._tag, "BadRequest")
      const after = scimCalls(received).length
      status = 200
      assert.deepStrictEqual(yield* d.resourceTypes, [])
      assert.strictEqual(scimCalls(received).length, after + 1)
    }).pipe(Effect.provide(Discovery.layer.pipe(Layer.provideMerge(base))))
  })

  it("canonicalValues are decoded (strings only)", () => {
    const [s] = Discovery.decodeSchemas([{
      id: "x",
      attributes: [{ name: "type", type: "STRING", canonicalValues: ["work", 7, "home"] }]
    }])
    assert.deepStrictEqual(s!.attributes[0]!.canonicalValues, ["work", "home"])
  })

  it("decoders are tolerant of RFC and odd shapes", () => {
    assert.deepStrictEqual(
      Discovery.decodeSchemas({ Resources: [{ id: "x", attributes: [{ name: "a", type: "string" }] }] }).map((s) =>
        s.id
      ),
      ["x"]
    )
    assert.deepStrictEqual(Discovery.decodeResourceTypes({ totalResults: 0 }), [])
    const spc = Discovery.decodeServiceProviderConfig({ bulk: { supported: "true", maxOperations: "10" } })
    assert.isTrue(spc.bulk.supported)
    assert.strictEqual(spc.bulk.maxOperations, 10)
    assert.isFalse(Discovery.decodeServiceProviderConfig("garbage").patch.supported)
    assert.strictEqual(Discovery.normaliseCharacteristic("READ_ONLY", ""), "readOnly")
    assert.strictEqual(Discovery.normaliseCharacteristic("immutable", ""), "immutable")
  })
})

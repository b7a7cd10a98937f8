import { ScimError } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"

describe("AmbiguousUser / AmbiguousGroup", () => {
  it("name the candidates and the fix; server values are quoted, bounded and listed up to ten", () => {
    const user = new ScimError.AmbiguousUser({
      operation: "Users.findByUserName",
      userName: "kim@example.com",
      candidates: [
        { id: "u1", userName: "DEFAULT/kim@example.com" },
        { id: "u2", userName: "PARTNERS/kim@example.com" }
      ]
    })
    assert.strictEqual(user._tag, "AmbiguousUser")
    assert.isTrue(ScimError.isScimError(user))
    assert.strictEqual(
      user.message,
      "Users.findByUserName: the userName \"kim@example.com\" matches 2 users: \"DEFAULT/kim@example.com\" (id \"u1\"), " +
        "\"PARTNERS/kim@example.com\" (id \"u2\"); qualify the name with its store (e.g. \"DEFAULT/kim@example.com\") " +
        "or use the user's id"
    )
    const group = new ScimError.AmbiguousGroup({
      operation: "Groups.findByName",
      displayName: "Eng",
      candidates: Array.from({ length: 12 }, (_, i) => ({ id: `g${i}`, displayName: `S${i}/Eng\n` }))
    })
    assert.include(group.message, "matches 12 groups")
    assert.include(group.message, "\"S0/Eng\\n\" (id \"g0\")")
    assert.include(group.message, "and 2 more")
    assert.notInclude(group.message, "g10")
    assert.notInclude(group.message, "\n")
    assert.include(group.message, "qualify the name with its store")
  })
})

describe("SchemaNotFound / InvalidAttribute", () => {
  it("carry no HTTP status; SchemaNotFound lists what the server defines, quoted and bounded", () => {
    const missing = new ScimError.SchemaNotFound({
      urn: "urn:x\n",
      available: Array.from({ length: 12 }, (_, i) => `urn:s${i}`)
    })
    assert.isTrue(ScimError.isScimError(missing))
    assert.notProperty(missing, "status")
    assert.include(missing.message, "\"urn:x\\n\"")
    assert.include(missing.message, "lists 12: \"urn:s0\"")
    assert.include(missing.message, "and 2 more")
    assert.notInclude(missing.message, "urn:s10")
    assert.include(new ScimError.SchemaNotFound({ urn: "u", available: [] }).message, "lists no schema")
    const invalid = new ScimError.InvalidAttribute({ urn: "urn:e", attribute: "badge", reason: "Expected string" })
    assert.isTrue(ScimError.isScimError(invalid))
    assert.notProperty(invalid, "status")
    assert.strictEqual(invalid.message, "The attributes under urn:e do not match their schema: badge: Expected string")
  })
})

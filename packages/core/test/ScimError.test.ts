import { ScimError } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"

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

describe("AmbiguousRole", () => {
  it("names the candidates with their audience, and the fix: the audience or the id", () => {
    const role = new ScimError.AmbiguousRole({
      operation: "Roles.findByName",
      displayName: "auditor",
      candidates: [
        { id: "r1", displayName: "auditor", audienceType: "organization", audienceValue: "o1" },
        { id: "r2", displayName: "Auditor", audienceType: "application", audienceValue: "a1" },
        { id: "r3", displayName: "auditor" }
      ]
    })
    assert.strictEqual(role._tag, "AmbiguousRole")
    assert.isTrue(ScimError.isScimError(role))
    assert.strictEqual(
      role.message,
      "Roles.findByName: the role name \"auditor\" matches 3 roles: \"auditor [organization o1]\" (id \"r1\"), " +
        "\"Auditor [application a1]\" (id \"r2\"), \"auditor\" (id \"r3\"); give its audience " +
        "({ audience: { type, value } }) or use the role's id"
    )
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

// Every error class, pinned: its tag, its namespaced identifier, its fields, its message, the guard,
// and a Schema round trip that gives back an instance of the same class with the same message.
const classes: ReadonlyArray<readonly [string, Record<string, unknown>, string, ReadonlyArray<string>]> = [
  [
    "PreconditionFailed",
    { "method": "PUT", "path": "/Users/x", "status": 412, "detail": "changed" },
    "PUT /Users/x answered 412: changed. The resource changed since it was read: read it again and reapply the change",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "Unsupported",
    { "operation": "Bulk.execute", "feature": "bulk", "reason": "its ServiceProviderConfig has bulk.supported false" },
    "Bulk.execute: the server does not support bulk: its ServiceProviderConfig has bulk.supported false",
    ["_tag", "operation", "feature", "reason"]
  ],
  [
    "BadRequest",
    { "method": "GET", "path": "/Users/x", "status": 400, "scimType": "invalidValue", "detail": "nope", "body": "{}" },
    "GET /Users/x answered 400 (invalidValue): nope",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "BadRequest",
    { "method": "GET", "path": "/Users/x", "status": 422 },
    "GET /Users/x answered 422",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "Unauthorized",
    { "method": "GET", "path": "/Users/x", "status": 401 },
    "GET /Users/x answered 401. The server refused the access token (a client-credentials token is refreshed and retried first): check the application's credentials, or the static token",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "Forbidden",
    { "method": "GET", "path": "/Users/x", "status": 403, "scimType": "invalidValue", "detail": "nope", "body": "{}" },
    "GET /Users/x answered 403 (invalidValue): nope. The application is not allowed this operation: grant it the scopes it needs (on Asgardeo: authorize the API resource and its scopes on the application's API Authorization tab)",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "NotFound",
    { "method": "GET", "path": "/Users/x", "status": 404, "scimType": "invalidValue", "detail": "nope", "body": "{}" },
    "GET /Users/x answered 404 (invalidValue): nope",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "Conflict",
    { "method": "GET", "path": "/Users/x", "status": 409, "scimType": "uniqueness", "detail": "nope", "body": "{}" },
    "GET /Users/x answered 409 (uniqueness): nope",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "PayloadTooLarge",
    { "method": "GET", "path": "/Users/x", "status": 413 },
    "GET /Users/x answered 413",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "RateLimited",
    { "method": "GET", "path": "/Users/x", "status": 429, "retryAfterMillis": 2500 },
    "GET /Users/x answered 429. The server asked to wait 3 s",
    ["_tag", "method", "path", "status", "scimType", "detail", "body", "retryAfterMillis"]
  ],
  [
    "RateLimited",
    { "method": "GET", "path": "/Users/x", "status": 429 },
    "GET /Users/x answered 429. The retries ran out",
    ["_tag", "method", "path", "status", "scimType", "detail", "body", "retryAfterMillis"]
  ],
  [
    "ServerError",
    { "method": "GET", "path": "/Users/x", "status": 500 },
    "GET /Users/x answered 500",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "NotImplemented",
    { "method": "GET", "path": "/Users/x", "status": 501, "detail": "sorting" },
    "GET /Users/x answered 501: sorting",
    ["_tag", "method", "path", "status", "scimType", "detail", "body"]
  ],
  [
    "TransportError",
    { "method": "POST", "path": "/Bulk", "reason": "Timeout" },
    "POST /Bulk got no answer (Timeout)",
    ["_tag", "method", "path", "reason", "description"]
  ],
  [
    "TransportError",
    { "method": "POST", "path": "/Bulk", "reason": "Transport", "description": "ECONNRESET" },
    "POST /Bulk got no answer (Transport): ECONNRESET",
    ["_tag", "method", "path", "reason", "description"]
  ],
  [
    "InvalidResponse",
    { "method": "GET", "path": "/Groups", "status": 200, "reason": "not JSON", "body": "<html>" },
    "GET /Groups answered 200 with an invalid response: not JSON",
    ["_tag", "method", "path", "status", "reason", "body"]
  ],
  [
    "InvalidClient",
    { "status": 401, "error": "invalid_client" },
    "The token endpoint refused the client credentials (invalid_client). Check ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET and ASGARDEO_ORG",
    ["_tag", "status", "error", "errorDescription"]
  ],
  [
    "InvalidClient",
    { "status": 401, "error": "invalid_client", "errorDescription": "bad secret" },
    "The token endpoint refused the client credentials (invalid_client: bad secret). Check ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET and ASGARDEO_ORG",
    ["_tag", "status", "error", "errorDescription"]
  ],
  [
    "TokenError",
    { "status": 400, "error": "invalid_scope", "errorDescription": "no such scope" },
    "The token endpoint answered 400 (invalid_scope: no such scope)",
    ["_tag", "status", "error", "errorDescription"]
  ],
  [
    "TokenError",
    { "status": 400, "error": "unauthorized_client" },
    "The token endpoint answered 400 (unauthorized_client). Enable the Client Credential grant on the application",
    ["_tag", "status", "error", "errorDescription"]
  ],
  [
    "MissingScope",
    { "operation": "Users.create", "scope": "internal_user_mgt_create", "granted": ["a", "b"] },
    "Users.create needs the scope internal_user_mgt_create, which the token was not granted. Authorize it on the application's API Authorization tab in the Asgardeo console",
    ["_tag", "operation", "scope", "granted"]
  ],
  [
    "InvalidFilter",
    { "filter": "userName eq", "position": 11, "reason": "expected a value" },
    "Invalid filter at position 11: expected a value",
    ["_tag", "filter", "position", "reason"]
  ],
  [
    "UnsupportedFilter",
    { "profile": "asgardeo-users", "reason": "or is not supported" },
    "The asgardeo-users filter profile does not support this filter: or is not supported",
    ["_tag", "profile", "reason"]
  ],
  [
    "InvalidId",
    { "id": "../x", "reason": "not a UUID" },
    "Invalid resource id \"../x\": not a UUID",
    ["_tag", "id", "reason"]
  ],
  [
    "InvalidInput",
    { "operation": "Users.create", "field": "", "reason": "expected an object" },
    "Users.create: invalid input: expected an object",
    ["_tag", "operation", "field", "reason"]
  ],
  [
    "InvalidInput",
    { "operation": "Users.create", "field": "emails.0.value", "reason": "not an email" },
    "Users.create: invalid emails.0.value: not an email",
    ["_tag", "operation", "field", "reason"]
  ],
  [
    "PagingAborted",
    { "path": "/Users", "requests": 3, "resources": 250, "reason": "the cap" },
    "Paging /Users aborted after 3 requests and 250 resources: the cap",
    ["_tag", "path", "requests", "resources", "reason"]
  ],
  [
    "AmbiguousUser",
    {
      "operation": "Users.find",
      "userName": "kim",
      "candidates": [{ "id": "1", "userName": "A/kim" }, { "id": "2", "userName": "B/kim" }]
    },
    "Users.find: the userName \"kim\" matches 2 users: \"A/kim\" (id \"1\"), \"B/kim\" (id \"2\"); qualify the name with its store (e.g. \"A/kim\") or use the user's id",
    ["_tag", "operation", "userName", "candidates"]
  ],
  [
    "AmbiguousGroup",
    {
      "operation": "Groups.find",
      "displayName": "Eng",
      "candidates": [{ "id": "1", "displayName": "A/Eng" }, { "id": "2", "displayName": "B/Eng" }]
    },
    "Groups.find: the group name \"Eng\" matches 2 groups: \"A/Eng\" (id \"1\"), \"B/Eng\" (id \"2\"); qualify the name with its store (e.g. \"A/Eng\") or use the group's id",
    ["_tag", "operation", "displayName", "candidates"]
  ],
  [
    "AmbiguousRole",
    {
      "operation": "Roles.find",
      "displayName": "admin",
      "candidates": [
        { "id": "1", "displayName": "admin", "audienceType": "organization", "audienceValue": "o" },
        { "id": "2", "displayName": "admin", "audienceType": "application", "audienceValue": "a" }
      ]
    },
    "Roles.find: the role name \"admin\" matches 2 roles: \"admin [organization o]\" (id \"1\"), \"admin [application a]\" (id \"2\"); give its audience ({ audience: { type, value } }) or use the role's id",
    ["_tag", "operation", "displayName", "candidates"]
  ],
  [
    "SchemaNotFound",
    { "urn": "urn:x", "available": ["urn:a", "urn:b"] },
    "The server does not define the schema \"urn:x\": its /Schemas lists 2: \"urn:a\", \"urn:b\"",
    ["_tag", "urn", "available"]
  ],
  [
    "InvalidAttribute",
    { "urn": "urn:e", "attribute": "", "reason": "Expected string" },
    "The attributes under urn:e do not match their schema: the object: Expected string",
    ["_tag", "urn", "attribute", "reason"]
  ]
]

describe("every error class", () => {
  it("keeps its tag, identifier, fields, message, guard and Schema round trip", () => {
    const all: Record<string, unknown> = ScimError
    for (const [name, props, message, fields] of classes) {
      const Class = all[name] as any
      const error = new Class(props)
      assert.strictEqual(error._tag, name)
      assert.strictEqual(Class.identifier, `@asgardeo-scim/core/ScimError/${name}`)
      assert.deepStrictEqual(Object.keys(Class.fields), fields)
      assert.strictEqual(error.message, message)
      assert.isTrue(ScimError.isScimError(error))
      assert.strictEqual(error[ScimError.TypeId], ScimError.TypeId)
      assert.instanceOf(error, Error)
      const encoded = Schema.encodeSync(Class)(error)
      assert.deepStrictEqual(encoded, { _tag: name, ...props })
      const decoded = Schema.decodeUnknownSync(Class)(encoded) as Error
      assert.strictEqual(decoded.message, message)
      assert.instanceOf(decoded, Class)
      assert.isTrue(ScimError.isScimError(decoded))
    }
    assert.isFalse(ScimError.isScimError(new Error("x")))
    assert.isFalse(ScimError.isScimError({ _tag: "NotFound" }))
  })
})

describe("TokenError", () => {
  it("an OAuth error code is never invented: without one the message says only what the server sent", () => {
    const bare = new ScimError.TokenError({ status: 502 })
    assert.isUndefined(bare.error)
    assert.strictEqual(bare.message, "The token endpoint answered 502")
    assert.strictEqual(
      new ScimError.TokenError({ status: 400, errorDescription: "the grant is not allowed" }).message,
      "The token endpoint answered 400 (the grant is not allowed)"
    )
    assert.strictEqual(
      new ScimError.TokenError({ status: 400, error: "", errorDescription: "" }).message,
      "The token endpoint answered 400"
    )
    assert.strictEqual(
      new ScimError.TokenError({ status: 400, error: "unauthorized_client", errorDescription: "no grant" }).message,
      "The token endpoint answered 400 (unauthorized_client: no grant). Enable the Client Credential grant on the application"
    )
    const decoded = Schema.decodeUnknownSync(ScimError.TokenError)({ _tag: "TokenError", status: 503 })
    assert.strictEqual(decoded.message, "The token endpoint answered 503")
  })
})

describe("fromStatus", () => {
  it("412 is PreconditionFailed; every other status keeps its class", () => {
    const of = (status: number) => ScimError.fromStatus({ method: "PUT", path: "/Users/x", status })._tag
    assert.strictEqual(of(412), "PreconditionFailed")
    assert.strictEqual(of(409), "Conflict")
    assert.strictEqual(of(413), "PayloadTooLarge")
    assert.strictEqual(of(411), "BadRequest")
  })
})

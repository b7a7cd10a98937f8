// SchemaCheck over fixtures written from RFC 7643 §8.7.1 (User, Group) and §8.7.2 (EnterpriseUser),
// abridged to the attributes the checks need, in the RFC's camelCase; plus an extension of this
// test's own with the types the RFC schemas do not use (integer, decimal, dateTime, binary).
import { Discovery, SchemaCheck } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, Redacted } from "effect"

const USER = "urn:ietf:params:scim:schemas:core:2.0:User"
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const TYPES = "urn:example:params:scim:schemas:extension:types:2.0:User"

const a = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...extra
})

const schemas = Discovery.decodeSchemas({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  totalResults: 4,
  Resources: [
    {
      id: USER,
      name: "User",
      attributes: [
        a("userName", "string", { required: true, uniqueness: "server" }),
        a("name", "complex", {
          subAttributes: [a("formatted", "string"), a("familyName", "string"), a("givenName", "string")]
        }),
        a("displayName", "string"),
        a("profileUrl", "reference", { referenceTypes: ["external"] }),
        a("active", "boolean"),
        a("password", "string", { mutability: "writeOnly", returned: "never" }),
        a("emails", "complex", {
          multiValued: true,
          subAttributes: [
            a("value", "string"),
            a("display", "string"),
            a("type", "string", { canonicalValues: ["work", "home", "other"] }),
            a("primary", "boolean")
          ]
        }),
        a("groups", "complex", {
          multiValued: true,
          mutability: "readOnly",
          subAttributes: [
            a("value", "string", { mutability: "readOnly" }),
            a("$ref", "reference", { mutability: "readOnly", referenceTypes: ["User", "Group"] }),
            a("display", "string", { mutability: "readOnly" }),
            a("type", "string", { mutability: "readOnly", canonicalValues: ["direct", "indirect"] })
          ]
        }),
        a("x509Certificates", "complex", { multiValued: true, subAttributes: [a("value", "binary")] })
      ]
    },
    {
      id: GROUP,
      name: "Group",
      attributes: [
        a("displayName", "string", { required: true }),
        a("members", "complex", {
          multiValued: true,
          subAttributes: [
            a("value", "string", { mutability: "immutable" }),
            a("$ref", "reference", { mutability: "immutable", referenceTypes: ["User", "Group"] }),
            a("type", "string", { mutability: "immutable", canonicalValues: ["User", "Group"] })
          ]
        })
      ]
    },
    {
      id: ENTERPRISE,
      name: "EnterpriseUser",
      attributes: [
        a("employeeNumber", "string"),
        a("manager", "complex", {
          subAttributes: [
            a("value", "string"),
            a("$ref", "reference"),
            a("displayName", "string", { mutability: "readOnly" })
          ]
        })
      ]
    },
    {
      id: TYPES,
      name: "Types",
      attributes: [
        a("badge", "integer"),
        a("ratio", "decimal"),
        a("hired", "dateTime"),
        a("photo", "binary"),
        a("code", "string", { mutability: "immutable", required: true })
      ]
    }
  ]
})

const resourceTypes = Discovery.decodeResourceTypes([
  {
    id: "User",
    name: "User",
    endpoint: "/Users",
    schema: USER,
    schemaExtensions: [{ schema: ENTERPRISE, required: true }, { schema: TYPES, required: false }]
  },
  { id: "Group", name: "Group", endpoint: "/Groups", schema: GROUP }
])

const users = Either.getOrThrow(SchemaCheck.forEndpoint(resourceTypes, schemas, "/Users"))
const groups = Either.getOrThrow(SchemaCheck.forEndpoint(resourceTypes, schemas, "/Groups"))

const user = (extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  userName: "bjensen",
  [ENTERPRISE]: { employeeNumber: "701984" },
  ...extra
})

const refused = (
  result: { readonly urn: string; readonly attribute: string; readonly reason: string } | undefined,
  urn: string,
  attribute: string,
  reason: RegExp
) => {
  if (result === undefined) return assert.fail(`expected ${attribute} to be refused`)
  assert.strictEqual(result.urn, urn)
  assert.strictEqual(result.attribute, attribute)
  assert.match(result.reason, reason)
}

describe("SchemaCheck", () => {
  it("forEndpoint: by the endpoint's last segment, without regard to case; reasons otherwise", () => {
    assert.strictEqual(Either.getOrThrow(SchemaCheck.forEndpoint(resourceTypes, schemas, "/USERS")).core.id, USER)
    assert.match(
      Either.flip(SchemaCheck.forEndpoint(resourceTypes, schemas, "/Devices")).pipe(Either.getOrThrow),
      /\/Devices/
    )
    assert.match(
      Either.flip(SchemaCheck.forEndpoint(resourceTypes, [], "/Users")).pipe(Either.getOrThrow),
      /does not describe/
    )
  })

  it("a valid create and replace pass; names compare without regard to case", () => {
    const body = user({
      NAME: { givenName: "Barbara", FAMILYNAME: "Jensen" },
      emails: [{ value: "bjensen@example.com", type: "Work", primary: true }],
      active: true,
      password: Redacted.make("t1meMa$heen"),
      x509Certificates: [{ value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw" }],
      externalId: "701984"
    })
    assert.isUndefined(SchemaCheck.checkResource(users, body, "create"))
    // A replace may carry what a GET gave: id, meta, readOnly attributes (RFC 7644 §3.5.1).
    const replaced = {
      ...body,
      id: "2819c223",
      meta: { resourceType: "User" },
      groups: [{ value: "e9e30dba", display: "Tour Guides", type: "direct" }]
    }
    assert.isUndefined(SchemaCheck.checkResource(users, replaced, "replace"))
    assert.isUndefined(SchemaCheck.checkResource(users, replaced, "response"))
  })

  it("unknown attributes, wrong types, multi-valued shapes", () => {
    refused(SchemaCheck.checkResource(users, user({ shoeSize: 42 }), "create"), USER, "shoeSize", /not an attribute/)
    refused(
      SchemaCheck.checkResource(users, user({ name: { nick: "b" } }), "create"),
      USER,
      "name.nick",
      /not an attribute/
    )
    refused(
      SchemaCheck.checkResource(users, user({ active: "true" }), "create"),
      USER,
      "active",
      /expected a boolean, got string/
    )
    refused(
      SchemaCheck.checkResource(users, user({ emails: { value: "x" } }), "create"),
      USER,
      "emails",
      /multi-valued/
    )
    refused(
      SchemaCheck.checkResource(users, user({ displayName: ["a"] }), "create"),
      USER,
      "displayName",
      /single-valued/
    )
    refused(
      SchemaCheck.checkResource(users, user({ emails: ["x@example.com"] }), "response"),
      USER,
      "emails.0",
      /expected an object/
    )
    refused(
      SchemaCheck.checkResource(users, user({ x509Certificates: [{ value: "not base64!" }] }), "create"),
      USER,
      "x509Certificates.0.value",
      /base64/
    )
    const typed = (v: Record<string, unknown>) =>
      SchemaCheck.checkResource(
        users,
        user({ schemas: [USER, ENTERPRISE, TYPES], [TYPES]: { code: "c", ...v } }),
        "create"
      )
    assert.isUndefined(typed({ badge: 7, ratio: 0.5, hired: "2026-01-31T12:00:00Z", photo: "AAEC" }))
    refused(typed({ badge: 7.5 }), TYPES, "badge", /an integer/)
    refused(typed({ ratio: "0.5" }), TYPES, "ratio", /a number/)
    refused(typed({ hired: "yesterday" }), TYPES, "hired", /dateTime/)
    refused(typed({ badge: Redacted.make(1) }), TYPES, "badge", /Redacted/)
  })

  it("canonicalValues are enforced, without regard to case", () => {
    refused(
      SchemaCheck.checkResource(users, user({ emails: [{ value: "x", type: "pager" }] }), "create"),
      USER,
      "emails.0.type",
      /canonical values \(work, home, other\)/
    )
  })

  it("readOnly refused in a create; required (not readOnly) and required extensions present", () => {
    refused(SchemaCheck.checkResource(users, user({ groups: [{ value: "g" }] }), "create"), USER, "groups", /readOnly/)
    refused(SchemaCheck.checkResource(users, user({ id: "x" }), "create"), USER, "id", /readOnly/)
    refused(
      SchemaCheck.checkResource(users, user({ [ENTERPRISE]: { manager: { value: "m", displayName: "M" } } }), "create"),
      ENTERPRISE,
      "manager.displayName",
      /readOnly/
    )
    refused(SchemaCheck.checkResource(users, user({ userName: undefined }), "create"), USER, "userName", /required/)
    refused(SchemaCheck.checkResource(users, user({ userName: null }), "replace"), USER, "userName", /required/)
    const { [ENTERPRISE]: _e, ...withoutEnterprise } = user()
    refused(
      SchemaCheck.checkResource(users, { ...withoutEnterprise, schemas: [USER] }, "create"),
      ENTERPRISE,
      "",
      /requires this extension/
    )
    refused(
      SchemaCheck.checkResource(users, user({ schemas: [USER, ENTERPRISE, TYPES], [TYPES]: {} }), "create"),
      TYPES,
      "code",
      /required/
    )
    // Not checked in an answer.
    assert.isUndefined(SchemaCheck.checkResource(users, { id: "x", schemas: [USER] }, "response"))
  })

  it("extensions: declared, listed in schemas, objects", () => {
    const other = "urn:example:other"
    refused(
      SchemaCheck.checkResource(users, user({ [other]: { a: 1 } }), "create"),
      other,
      "",
      /not a schema extension/
    )
    refused(
      SchemaCheck.checkResource(users, user({ schemas: [USER] }), "create"),
      ENTERPRISE,
      "",
      /missing from schemas/
    )
    refused(
      SchemaCheck.checkResource(users, user({ schemas: [USER, ENTERPRISE, other] }), "create"),
      other,
      "schemas",
      /nor one/
    )
    refused(SchemaCheck.checkResource(users, user({ schemas: [ENTERPRISE] }), "create"), USER, "schemas", /core schema/)
    refused(
      SchemaCheck.checkResource(users, user({ [ENTERPRISE]: "x" }), "create"),
      ENTERPRISE,
      "",
      /expected an object/
    )
    refused(SchemaCheck.checkResource(users, "x", "create"), USER, "", /resource object/)
    // A core attribute spelled with its URN.
    assert.isUndefined(SchemaCheck.checkResource(users, user({ [`${USER}:displayName`]: "B" }), "create"))
  })

  it("PATCH: paths with value filters and sub-attributes; readOnly and immutable targets refused", () => {
    const ok: ReadonlyArray<SchemaCheck.Operation> = [
      { op: "replace", path: "emails[type eq \"work\"].value", value: "b@example.com" },
      { op: "add", path: "emails", value: { value: "c@example.com", type: "home" } },
      { op: "add", path: "emails", value: [{ value: "d@example.com" }] },
      { op: "replace", path: "name.givenName", value: "Babs" },
      { op: "replace", path: `${ENTERPRISE}:manager.value`, value: "m" },
      { op: "add", path: ENTERPRISE, value: { employeeNumber: "1" } },
      { op: "replace", value: { displayName: "Babs", [ENTERPRISE]: { employeeNumber: "2" } } },
      { op: "remove", path: "emails[type eq \"work\"]" },
      { op: "replace", path: "externalId", value: "e" }
    ]
    assert.isUndefined(SchemaCheck.checkPatch(users, ok))
    const one = (o: SchemaCheck.Operation) => SchemaCheck.checkPatch(users, [ok[0]!, o])
    refused(one({ op: "add", path: "groups", value: [{ value: "g" }] }), USER, "groups", /^Operations\.1: is readOnly/)
    refused(one({ op: "replace", path: "id", value: "x" }), USER, "id", /readOnly/)
    refused(one({ op: "replace", path: "shoeSize", value: 1 }), USER, "shoeSize", /not an attribute/)
    refused(one({ op: "replace", path: "name.nick", value: "b" }), USER, "name.nick", /not a sub-attribute/)
    refused(
      one({ op: "replace", path: "displayName[value eq \"x\"]", value: "b" }),
      USER,
      "displayName",
      /multi-valued/
    )
    refused(one({ op: "replace", path: "active", value: "False" }), USER, "active", /expected a boolean/)
    refused(
      one({ op: "replace", path: "emails[type eq \"work\"].type", value: "pager" }),
      USER,
      "emails.type",
      /canonical/
    )
    refused(one({ op: "remove", path: "userName" }), USER, "userName", /required/)
    refused(one({ op: "add", value: { groups: [] } }), USER, "groups", /readOnly/)
    refused(
      one({ op: "add", value: { "urn:example:other": { a: 1 } } }),
      "urn:example:other",
      "",
      /not a schema extension/
    )
    refused(one({ op: "add", path: "urn:example:other:a", value: 1 }), "urn:example:other:a", "", /not a schema/)
    refused(
      one({ op: "replace", path: `${ENTERPRISE}:manager.displayName`, value: "M" }),
      ENTERPRISE,
      "manager.displayName",
      /readOnly/
    )
    refused(
      SchemaCheck.checkPatch(users, [{ op: "replace", path: `${TYPES}:code`, value: "c" }]),
      TYPES,
      "code",
      /immutable/
    )
  })

  it("PATCH operations that are not operations are refused, not thrown", () => {
    refused(SchemaCheck.checkPatch(users, "x" as never), USER, "", /array of operations/)
    refused(SchemaCheck.checkPatch(users, [null] as never), USER, "", /Operations\.0/)
  })

  it("PATCH on a group: members added (immutable sub-attributes in new values), an immutable target refused", () => {
    assert.isUndefined(SchemaCheck.checkPatch(groups, [
      { op: "add", path: "members", value: [{ value: "2819c223", type: "User" }] },
      { op: "remove", path: "members[value eq \"2819c223\"]" }
    ]))
    refused(
      SchemaCheck.checkPatch(groups, [{ op: "replace", path: "members[value eq \"a\"].value", value: "b" }]),
      GROUP,
      "members.value",
      /immutable/
    )
    refused(
      SchemaCheck.checkPatch(groups, [{ op: "add", path: "members", value: [{ value: "a", type: "Robot" }] }]),
      GROUP,
      "members.0.type",
      /canonical values \(User, Group\)/
    )
  })
})

describe("SchemaCheck: review cases", () => {
  it("an immutable attribute named by a PATCH value (path-less, whole extension) is refused like a path", () => {
    refused(
      SchemaCheck.checkPatch(users, [{ op: "replace", path: TYPES, value: { code: "x" } }]),
      TYPES,
      "code",
      /immutable/
    )
    refused(
      SchemaCheck.checkPatch(users, [{ op: "replace", value: { [TYPES]: { code: "x" } } }]),
      TYPES,
      "code",
      /immutable/
    )
  })

  it("externalId may be removed by a PATCH; id and meta may not", () => {
    assert.isUndefined(SchemaCheck.checkPatch(users, [{ op: "remove", path: "externalId" }]))
    refused(SchemaCheck.checkPatch(users, [{ op: "remove", path: "meta" }]), USER, "meta", /cannot be removed/)
  })

  it("characteristics in any case are RFC 7643's keywords; a type strict mode does not know refuses", () => {
    assert.strictEqual(Discovery.normaliseCharacteristic("Complex", "string"), "complex")
    assert.strictEqual(Discovery.normaliseCharacteristic("ReadOnly", "readWrite"), "readOnly")
    assert.strictEqual(Discovery.normaliseCharacteristic("READ_ONLY", "readWrite"), "readOnly")
    assert.strictEqual(Discovery.normaliseCharacteristic("DATETIME", "string"), "dateTime")
    const mixed = Discovery.decodeSchemas([{
      id: USER,
      attributes: [
        a("userName", "String", { required: true }),
        a("name", "Complex", { subAttributes: [a("givenName", "String")] }),
        a("groups", "Complex", { mutability: "ReadOnly", multiValued: true }),
        a("location", "geo")
      ]
    }])
    const s = Either.getOrThrow(SchemaCheck.forEndpoint(
      Discovery.decodeResourceTypes([{ id: "User", name: "User", endpoint: "/Users", schema: USER }]),
      mixed,
      "/Users"
    ))
    refused(SchemaCheck.checkResource(s, { schemas: [USER], userName: 5 }, "create"), USER, "userName", /string/)
    refused(
      SchemaCheck.checkResource(s, { schemas: [USER], userName: "kim", name: { shoe: 1 } }, "create"),
      USER,
      "name.shoe",
      /not an attribute/
    )
    refused(
      SchemaCheck.checkResource(s, { schemas: [USER], userName: "kim", groups: [] }, "create"),
      USER,
      "groups",
      /readOnly/
    )
    refused(
      SchemaCheck.checkResource(s, { schemas: [USER], userName: "kim", location: "x" }, "create"),
      USER,
      "location",
      /does not know/
    )
  })
})

describe("SchemaCheck: values stay out of errors", () => {
  it("a path that does not parse is named without its filter's literal", () => {
    const bad = SchemaCheck.checkPatch(users, [{
      op: "replace",
      path: "emails[value eq \"Hunter2-secret\"].value.x",
      value: "a"
    }])
    assert.isDefined(bad)
    assert.notInclude(JSON.stringify(bad) + String(bad?.message), "Hunter2")
    const urn = SchemaCheck.checkPatch(users, [{
      op: "replace",
      path: "urn:evil:x[value eq \"Hunter2-secret\"]",
      value: "a"
    }])
    assert.isDefined(urn)
    assert.notInclude(JSON.stringify(urn) + String(urn?.message), "Hunter2")
  })
})

describe("SchemaCheck.relax: a server whose /Schemas misdescribes an attribute", () => {
  it("the attributes named lose their type checks, keep their declaration; unknown names are reported", () => {
    const wrong = Discovery.decodeSchemas([{
      id: USER,
      attributes: [
        a("userName", "string", { required: true }),
        a("active", "STRING"),
        a("name", "complex", { subAttributes: [a("givenName", "string")] })
      ]
    }])
    const types = Discovery.decodeResourceTypes([{ id: "User", name: "User", endpoint: "/Users", schema: USER }])
    const strictly = Either.getOrThrow(SchemaCheck.forEndpoint(types, wrong, "/Users"))
    refused(
      SchemaCheck.checkResource(strictly, { schemas: [USER], userName: "kim", active: true }, "create"),
      USER,
      "active",
      /string/
    )
    const relaxed = SchemaCheck.relax(wrong, ["Active", "name.givenName", "nope"])
    assert.deepStrictEqual(relaxed.unknown, ["nope"])
    const lenient = Either.getOrThrow(SchemaCheck.forEndpoint(types, relaxed.schemas, "/Users"))
    assert.isUndefined(
      SchemaCheck.checkResource(
        lenient,
        { schemas: [USER], userName: "kim", active: true, name: { givenName: 5 } },
        "create"
      )
    )
    // Still declared-only, and the others still checked.
    refused(SchemaCheck.checkResource(lenient, { schemas: [USER], userName: 5 }, "create"), USER, "userName", /string/)
    refused(
      SchemaCheck.checkResource(lenient, { schemas: [USER], userName: "kim", shoe: 1 }, "create"),
      USER,
      "shoe",
      /not an attribute/
    )
  })
})

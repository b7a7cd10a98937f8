// Every resource schema of the directory, decoded the way the client decodes answers
// (`Tolerant`): the same value as `onExcessProperty: "preserve"`, unknown keys kept at every level,
// and rewritten (not the slower fallback).
import { Tolerant } from "@asgardeo-scim/core"
import { Group, User } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"

const user = {
  schemas: [User.CoreUrn, User.EnterpriseUrn, User.Wso2Urn],
  id: "3f1c2a9e",
  userName: "DEFAULT/kim@example.com",
  name: { givenName: "Kim", familyName: "Lee", phonetic: "kim" },
  emails: [{ value: "kim@example.com", primary: "true", label: "x" }, "kim@home.example"],
  phoneNumbers: [{ value: "+15555550100", type: "mobile", verified: true }],
  addresses: [{ locality: "Colombo", extra: 1 }],
  groups: [{ value: "g1", display: "DEFAULT/engineering", origin: "x" }],
  active: "false",
  meta: { resourceType: "User", version: "W/\"1\"", etag: 1 },
  [User.EnterpriseUrn]: { department: "R&D", manager: { value: "m1", note: "n" }, badge: 7 },
  [User.Wso2Urn]: { accountLocked: "true", lastLogonTime: "1700000000" },
  [User.CustomUrn]: { shoeSize: 42 },
  "urn:acme:other": ["a"],
  nickName: "kimmy"
}

const group = {
  schemas: [Group.CoreUrn],
  id: "g1",
  displayName: "PRIMARY/engineering",
  members: [{ value: "u1", display: "kim", type: "User", flag: true }, { value: "g2", $ref: "https://x/Groups/g2" }],
  meta: { resourceType: "Group", extra: { a: 1 } },
  "urn:acme:group": { cost: 3 }
}

const cases: ReadonlyArray<readonly [string, Schema.Schema<any, any>, unknown]> = [
  ["User.User", User.User, user],
  ["User.Projection", User.Projection, { id: "3f1c2a9e", emails: user.emails, meta: user.meta, x: 1 }],
  ["Group.Group", Group.Group, group],
  ["Group.Projection", Group.Projection, { id: "g1", members: group.members, y: { z: 2 } }]
]

describe("resource schemas decoded with Tolerant", () => {
  for (const [name, schema, body] of cases) {
    it(`${name}: rewritten, the same value as "preserve", nothing lost`, () => {
      assert.isDefined(Tolerant.make(schema), "rewritten, not decoded with the slower fallback")
      const expected = Either.getOrThrow(Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })(body))
      const actual = Either.getOrThrow(Tolerant.decodeUnknownEither(schema)(body))
      assert.deepStrictEqual(actual, expected)
      // Nothing lost: every key of the answer is in the value, at the top level and one below.
      const input = body as Record<string, unknown>
      const output = actual as Record<string, unknown>
      for (const key of Object.keys(input)) {
        assert.isTrue(key in output, `${name} lost ${key}`)
        const v = input[key]
        if (typeof v === "object" && v !== null && !Array.isArray(v)) {
          for (const inner of Object.keys(v)) {
            assert.isTrue(inner in (output[key] as object), `${name} lost ${key}.${inner}`)
          }
        }
      }
    })
  }

  it("a wrong type still fails: id is not a string, an email is a number", () => {
    assert.isTrue(Either.isLeft(Tolerant.decodeUnknownEither(User.User)({ ...user, id: 1 })))
    assert.isTrue(Either.isLeft(Tolerant.decodeUnknownEither(User.User)({ ...user, emails: [1] })))
    assert.isTrue(Either.isLeft(Tolerant.decodeUnknownEither(Group.Group)({ ...group, members: [{ display: "x" }] })))
  })
})

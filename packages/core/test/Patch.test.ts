import * as Patch from "@asgardeo-scim/core/Patch"
import { InvalidInput } from "@asgardeo-scim/core/ScimError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"

const json = (u: unknown): string => JSON.stringify(u)

const failure = <A>(either: Either.Either<A, InvalidInput>): InvalidInput => {
  if (Either.isRight(either)) throw new Error(`expected a failure, got ${json(either.right)}`)
  assert.instanceOf(either.left, InvalidInput)
  return either.left
}

describe("Patch builders", () => {
  it("isIdempotent: replace and remove only", () => {
    assert.isTrue(Patch.isIdempotent([Patch.replace("active", false), Patch.remove("nickName")]))
    assert.isTrue(Patch.isIdempotent([]))
    assert.isFalse(Patch.isIdempotent([Patch.replace("active", false), Patch.addValue({ phoneNumbers: [] })]))
  })

  it("add / addValue", () => {
    assert.strictEqual(json(Patch.add("nickName", "Kim")), `{"op":"add","path":"nickName","value":"Kim"}`)
    assert.strictEqual(
      json(Patch.addValue({ phoneNumbers: [{ type: "mobile", value: "+1 555" }] })),
      `{"op":"add","value":{"phoneNumbers":[{"type":"mobile","value":"+1 555"}]}}`
    )
  })

  it("replace / replaceValue / remove", () => {
    assert.strictEqual(
      json(Patch.replace("name.givenName", "Kim")),
      `{"op":"replace","path":"name.givenName","value":"Kim"}`
    )
    assert.strictEqual(
      json(Patch.replaceValue({ displayName: "Ops" })),
      `{"op":"replace","value":{"displayName":"Ops"}}`
    )
    assert.strictEqual(json(Patch.remove("nickName")), `{"op":"remove","path":"nickName"}`)
  })

  it("addMembers: path-less, value then display, extra keys dropped", () => {
    const members = [
      { value: "u1", display: "DEFAULT/kim@x.com" },
      { display: "lee@x.com", value: "u2", extra: 1 }
    ]
    assert.strictEqual(
      json(Patch.addMembers(members)),
      `{"op":"add","value":{"members":[{"value":"u1","display":"DEFAULT/kim@x.com"},{"value":"u2","display":"lee@x.com"}]}}`
    )
  })

  it("addMembers: a member's type is written after display when given, left out otherwise", () => {
    assert.strictEqual(
      json(Patch.addMembers([{ value: "g1", display: "Ops", type: "Group" }, { value: "u1", display: "kim" }])),
      `{"op":"add","value":{"members":[{"value":"g1","display":"Ops","type":"Group"},{"value":"u1","display":"kim"}]}}`
    )
  })

  it("removeMember / removeMembers escape the id", () => {
    assert.strictEqual(
      json(Patch.removeMember("9f1c-11")),
      `{"op":"remove","path":"members[value eq \\"9f1c-11\\"]"}`
    )
    assert.strictEqual(Patch.removeMember(`a"b\\c`).path, `members[value eq "a\\"b\\\\c"]`)
    assert.strictEqual(Patch.removeMember("a\nb").path, `members[value eq "a\\nb"]`)
    assert.deepStrictEqual(Patch.removeMembers(["u1", "u2"]), [
      { op: "remove", path: `members[value eq "u1"]` },
      { op: "remove", path: `members[value eq "u2"]` }
    ])
    assert.deepStrictEqual(Patch.removeMembers([]), [])
  })

  it("rename", () => {
    assert.strictEqual(json(Patch.rename("Ops")), `{"op":"replace","path":"displayName","value":"Ops"}`)
  })

  it("setAccountDisabled / setActive / replaceEmail", () => {
    assert.strictEqual(
      json(Patch.setAccountDisabled(true)),
      `{"op":"replace","value":{"urn:scim:wso2:schema":{"accountDisabled":true}}}`
    )
    assert.strictEqual(
      json(Patch.setAccountDisabled(false)),
      `{"op":"replace","value":{"urn:scim:wso2:schema":{"accountDisabled":false}}}`
    )
    assert.strictEqual(json(Patch.setActive(false)), `{"op":"replace","path":"active","value":false}`)
    assert.strictEqual(
      json(Patch.replaceEmail("work", "kim@x.com")),
      `{"op":"replace","path":"emails[type eq \\"work\\"].value","value":"kim@x.com"}`
    )
    assert.strictEqual(Patch.replaceEmail(`w"k`, "a@b").path, `emails[type eq "w\\"k"].value`)
  })
})

describe("Patch.request", () => {
  it.effect("builds the body with the capital-O Operations key", () =>
    Effect.gen(function*() {
      const body = yield* Patch.request([Patch.rename("Ops"), ...Patch.removeMembers(["u1"])])
      assert.strictEqual(
        json(body),
        `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
          `{"op":"replace","path":"displayName","value":"Ops"},{"op":"remove","path":"members[value eq \\"u1\\"]"}]}`
      )
      assert.isFalse("operations" in body)
    }))

  it("normalises op case", () => {
    const ops = [{ op: "Replace", path: "active", value: false }, { op: "REMOVE", path: "nickName" }]
    const body = Either.getOrThrow(Patch.request(ops as unknown as ReadonlyArray<Patch.PatchOperation>))
    assert.deepStrictEqual(body.Operations, [
      { op: "replace", path: "active", value: false },
      { op: "remove", path: "nickName" }
    ])
  })

  it("keeps every builder's output unchanged", () => {
    const ops = [
      Patch.add("nickName", "k"),
      Patch.addValue({ phoneNumbers: [{ value: "1" }] }),
      Patch.replace("name", { givenName: "a", familyName: null }),
      Patch.replaceValue({ displayName: "x" }),
      Patch.remove("nickName"),
      Patch.addMembers([{ value: "u", display: "n" }]),
      Patch.setAccountDisabled(true),
      Patch.setActive(true),
      Patch.replaceEmail("home", "a@b")
    ]
    assert.deepStrictEqual(Either.getOrThrow(Patch.request(ops)).Operations, ops)
  })

  it("fails on no operations", () => {
    const e = failure(Patch.request([]))
    assert.strictEqual(e.operation, "Patch.request")
    assert.strictEqual(e.field, "Operations")
  })

  it("fails on a remove without a path, naming the index", () => {
    const e = failure(Patch.request([Patch.setActive(true), { op: "remove" }]))
    assert.strictEqual(e.field, "Operations.1.path")
    assert.match(e.reason, /remove needs a path/)
  })

  it("fails on an unknown op", () => {
    const e = failure(Patch.request([{ op: "move", path: "a" } as unknown as Patch.PatchOperation]))
    assert.strictEqual(e.field, "Operations.0.op")
    assert.match(e.reason, /"move"/)
  })

  it("fails on a path with control characters", () => {
    for (const path of ["nick\nName", "a\u0000", "a\tb", "a\u007f", "a\u0085"]) {
      const e = failure(Patch.request([Patch.replace(path, "x")]))
      assert.strictEqual(e.field, "Operations.0.path")
      assert.match(e.reason, /control character/)
    }
  })

  it("fails on an empty path, a value-less add, a path-less non-object, a remove with a value", () => {
    assert.strictEqual(failure(Patch.request([Patch.replace("", "x")])).field, "Operations.0.path")
    assert.strictEqual(failure(Patch.request([{ op: "add", path: "a" }])).field, "Operations.0.value")
    assert.strictEqual(
      failure(Patch.request([{ op: "replace", value: "x" }])).field,
      "Operations.0.value"
    )
    assert.strictEqual(
      failure(Patch.request([{ op: "replace", value: [{ a: 1 }] }])).field,
      "Operations.0.value"
    )
    // Entra's value-array member removal: path "members" would remove every member on WSO2.
    assert.strictEqual(
      failure(Patch.request([{ op: "remove", path: "members", value: [{ value: "u1" }] }])).field,
      "Operations.0.value"
    )
  })

  it("uses the caller's operation name", () => {
    assert.strictEqual(failure(Patch.request([], { operation: "patchGroup" })).operation, "patchGroup")
  })

  it.effect("fails in Effect with InvalidInput", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Patch.request([]))
      assert.strictEqual(e._tag, "InvalidInput")
    }))
})

describe("Patch.decodeOperations", () => {
  it("decodes plain JS operations, normalising op case", () => {
    const ops = Either.getOrThrow(
      Patch.decodeOperations([
        { op: "Replace", path: "active", value: false },
        { op: "ADD", value: { emails: [{ value: "a@b", primary: true }] } },
        { op: "remove", path: `members[value eq "u1"]`, value: undefined }
      ])
    )
    assert.deepStrictEqual(ops, [
      { op: "replace", path: "active", value: false },
      { op: "add", value: { emails: [{ value: "a@b", primary: true }] } },
      { op: "remove", path: `members[value eq "u1"]` }
    ])
  })

  it("decodes an empty array; request rejects it", () => {
    const ops = Either.getOrThrow(Patch.decodeOperations([]))
    assert.deepStrictEqual(ops, [])
    assert.isTrue(Either.isLeft(Patch.request(ops)))
  })

  it("names the index of a bad op", () => {
    const e = failure(
      Patch.decodeOperations([
        { op: "add", path: "a", value: 1 },
        { op: "replace", path: "b", value: 2 },
        { op: "Delete", path: "c" }
      ])
    )
    assert.strictEqual(e.operation, "Patch.decodeOperations")
    assert.strictEqual(e.field, "Operations.2.op")
  })

  it("rejects bad shapes", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ op: "add" }, "Operations"],
      [null, "Operations"],
      [["add"], "Operations.0"],
      [[null], "Operations.0"],
      [[{ path: "a", value: 1 }], "Operations.0.op"],
      [[{ op: 1, path: "a", value: 1 }], "Operations.0.op"],
      [[{ op: "replace", path: 5, value: 1 }], "Operations.0.path"],
      [[{ op: "replace", path: null, value: 1 }], "Operations.0.path"],
      [[{ op: "remove", path: "a\rb" }], "Operations.0.path"],
      [[{ op: "remove" }], "Operations.0.path"],
      [[{ op: "replace", Path: "active", value: false }], "Operations.0.Path"],
      [[{ op: "replace", path: "a", value: () => 1 }], "Operations.0.value"],
      [[{ op: "replace", path: "a", value: { b: [1, Number.NaN] } }], "Operations.0.value.b.1"],
      [[{ op: "replace", path: "a", value: { when: new Date(0) } }], "Operations.0.value.when"],
      [[{ op: "replace", path: "a", value: 1n }], "Operations.0.value"]
    ]
    for (const [raw, field] of cases) {
      assert.strictEqual(failure(Patch.decodeOperations(raw)).field, field, json(String(raw)))
    }
  })

  it("rejects cyclic values", () => {
    const value: Record<string, unknown> = {}
    value.self = value
    assert.strictEqual(
      failure(Patch.decodeOperations([{ op: "replace", path: "a", value }])).field,
      "Operations.0.value.self"
    )
  })

  it("accepts shared (non-cyclic) sub-values and drops undefined properties", () => {
    const shared = { type: "work" }
    const ops = Either.getOrThrow(
      Patch.decodeOperations([{ op: "add", path: "x", value: { a: shared, b: shared, c: undefined } }])
    )
    assert.deepStrictEqual(ops, [{ op: "add", path: "x", value: { a: { type: "work" }, b: { type: "work" } } }])
  })

  it("values follow the Validation rules: control characters, lengths, depth, naming the field", () => {
    const field = (value: unknown, path?: string) =>
      failure(Patch.decodeOperations([{ op: "replace", ...(path === undefined ? {} : { path }), value }])).field
    assert.strictEqual(field("Adm\u0000ins", "displayName"), "Operations.0.value")
    assert.strictEqual(field("Kim\u0085", "name.givenName"), "Operations.0.value")
    assert.strictEqual(field("x".repeat(1025), "title"), "Operations.0.value")
    assert.strictEqual(field({ name: { givenName: "a\tb" } }), "Operations.0.value.name.givenName")
    assert.strictEqual(field({ "urn:x:ext": { ["k\u0000"]: 1 } }), "Operations.0.value.urn:x:ext")
    assert.strictEqual(field(`${"a".repeat(250)}@example.com`, "emails[type eq \"work\"].value"), "Operations.0.value")
    assert.strictEqual(field("1 Main St\nSpringfield", "name.formatted"), "Operations.0.value")
    let deep: unknown = "x"
    for (let i = 0; i < 40; i++) deep = [deep]
    assert.match(failure(Patch.decodeOperations([{ op: "add", path: "x", value: deep }])).reason, /32 levels/)
    // a mailing label may span lines
    const ok = Patch.decodeOperations([
      { op: "replace", path: "addresses[type eq \"work\"].formatted", value: "1 Main St\r\nSpringfield\tUS" },
      { op: "add", value: { addresses: [{ formatted: "a\nb" }] } }
    ])
    assert.isTrue(Either.isRight(ok))
  })

  it("a password is Redacted: a plain string is refused, a Redacted one kept (not revealed)", () => {
    for (
      const [op, field] of [
        [{ op: "replace", path: "password", value: "pw-Plain-1" }, "Operations.0.value"],
        [
          { op: "replace", path: "urn:ietf:params:scim:schemas:core:2.0:User:password", value: "pw-Plain-1" },
          "Operations.0.value"
        ],
        [{ op: "replace", value: { Password: "pw-Plain-1" } }, "Operations.0.value.Password"],
        [
          { op: "add", value: { "urn:ietf:params:scim:schemas:core:2.0:User": { password: "pw-Plain-1" } } },
          "Operations.0.value.urn:ietf:params:scim:schemas:core:2.0:User.password"
        ]
      ] as const
    ) {
      const e = failure(Patch.decodeOperations([op]))
      assert.strictEqual(e.field, field)
      assert.include(e.reason, "Redacted")
      assert.notInclude(e.message, "pw-Plain-1")
    }
    const [op] = Either.getOrThrow(
      Patch.request([Patch.setPassword(Redacted.make("pw-Secret-1"))]).pipe(Either.map((b) => b.Operations))
    )
    assert.strictEqual(op!.path, "password")
    assert.isTrue(Redacted.isRedacted(op!.value))
    assert.strictEqual(Redacted.value(op!.value as Redacted.Redacted<string>), "pw-Secret-1")
    assert.notInclude(JSON.stringify(op), "pw-Secret-1")
    const e = failure(Patch.decodeOperations([{ op: "replace", value: Redacted.make("x") }]))
    assert.strictEqual(e.field, "Operations.0.value")
  })
})

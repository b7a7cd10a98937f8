import { Patch, Validation } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, Redacted, Schema } from "effect"

describe("Validation", () => {
  it("control characters: C0, DEL and C1, nothing else", () => {
    for (const c of ["\u0000", "\t", "\n", "\r", "\u001f", "\u007f", "\u0080", "\u009f"]) {
      assert.isTrue(Validation.hasControlCharacter(`a${c}b`), JSON.stringify(c))
    }
    for (const s of ["", "plain", "Zoë 山田 🙂", "\u00a0", "\u200b", "\u202e"]) {
      assert.isFalse(Validation.hasControlCharacter(s), JSON.stringify(s))
    }
  })

  it("email addresses", () => {
    for (const ok of ["kim@example.com", "a.b+c@sub.example.co", "x@y.z", "o'hara@example.ie"]) {
      assert.isTrue(Validation.isEmailAddress(ok), ok)
    }
    for (
      const bad of [
        "",
        "kim",
        "kim@",
        "@example.com",
        "a@@b.com",
        "kim@example",
        "kim@example.",
        "kim@.example.com",
        "kim@example..com",
        "kim @example.com",
        "kim@exa mple.com",
        "\"kim\"@example.com",
        "kim@example.com\r\nBcc: x@y.z",
        "ki\u0000m@example.com",
        "kim@example.com\u0085",
        `${"a".repeat(250)}@x.co`
      ]
    ) {
      assert.isFalse(Validation.isEmailAddress(bad), JSON.stringify(bad))
    }
  })

  it("user-store domains and qualified names", () => {
    assert.isTrue(Validation.isUserStoreDomain("DEFAULT"))
    assert.isTrue(Validation.isUserStoreDomain("corp.ldap-2_x"))
    for (const bad of ["", "A B", "A/B", "x".repeat(65), "DÉFAUT", "a\u0000"]) {
      assert.isFalse(Validation.isUserStoreDomain(bad), JSON.stringify(bad))
    }
    assert.deepStrictEqual(Validation.splitDomain("partners/kim@example.com"), {
      domain: "PARTNERS",
      name: "kim@example.com"
    })
    assert.deepStrictEqual(Validation.splitDomain("kim@example.com"), { domain: undefined, name: "kim@example.com" })
    assert.deepStrictEqual(Validation.splitDomain("/kim"), { domain: undefined, name: "/kim" })
    assert.deepStrictEqual(Validation.splitDomain("A/b/c"), { domain: "A", name: "b/c" })
    assert.strictEqual(Validation.qualify("partners", "kim"), "PARTNERS/kim")
    assert.isTrue(Validation.sameDomain("Partners", "PARTNERS"))
    assert.isFalse(Validation.sameDomain("DEFAULT", "PARTNERS"))
  })

  it("schemas say what the predicates say", () => {
    const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownEither(schema)
    assert.isTrue(Either.isRight(decode(Validation.SafeString())("x".repeat(1024))))
    assert.isTrue(Either.isLeft(decode(Validation.SafeString())("x".repeat(1025))))
    assert.isTrue(Either.isLeft(decode(Validation.SafeString())("Adm\u0000ins")))
    assert.isTrue(Either.isLeft(decode(Validation.NonEmptySafeString())("  ")))
    assert.isTrue(Either.isLeft(decode(Validation.UserName)("x".repeat(255))))
    assert.isTrue(Either.isLeft(decode(Validation.UserName)("DEFAULT/Adm\u0000ins")))
    assert.isTrue(Either.isRight(decode(Validation.EmailAddress)("kim@example.com")))
    assert.isTrue(Either.isLeft(decode(Validation.EmailAddress)("kim@example")))
    assert.isTrue(Either.isLeft(decode(Validation.EmailAddress)(42)))
    assert.isTrue(Either.isRight(decode(Validation.UserStoreDomain)("PARTNERS")))
    assert.isTrue(Either.isLeft(decode(Validation.UserStoreDomain)("PART NERS")))
  })

  it("decodeJson: a copy of JSON, every string and key within the rules, the first problem named", () => {
    const problem = (u: unknown, options?: Validation.JsonOptions) => Validation.jsonProblem(u, options)
    assert.isUndefined(problem({ a: [1, "x", true, null, { b: "Zoë 山田 🙂" }] }))
    assert.deepStrictEqual(problem({ name: { givenName: "a\u0085" } }), {
      field: "name.givenName",
      reason: "must not contain control characters"
    })
    assert.strictEqual(problem({ x: "y".repeat(1025) })?.field, "x")
    assert.isUndefined(problem({ x: "y".repeat(1024) }))
    assert.strictEqual(problem({ ["k\u0000"]: 1 })?.reason, "an attribute name must not contain control characters")
    assert.strictEqual(problem({ ["k".repeat(1025)]: 1 })?.field, "")
    assert.strictEqual(problem({ a: [1, Number.NaN] })?.field, "a.1")
    assert.strictEqual(problem({ a: new Date(0) })?.reason, "not a plain JSON object")
    assert.strictEqual(problem({ a: () => 1 })?.reason, "a function is not a JSON value")
    assert.strictEqual(problem({ a: 1n })?.reason, "a bigint is not a JSON value")
    const cyclic: Record<string, unknown> = {}
    cyclic.self = [cyclic]
    assert.deepStrictEqual(problem(cyclic), { field: "self.0", reason: "the value is cyclic" })
    const throwing = Object.defineProperty({}, "x", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      }
    })
    assert.deepStrictEqual(problem(throwing, { field: "data" }), { field: "data", reason: "the value cannot be read" })
    let deep: unknown = {}
    for (let i = 0; i < Validation.maxDepth - 1; i++) deep = { d: deep }
    assert.isUndefined(problem(deep))
    assert.include(problem({ d: deep })?.reason, String(Validation.maxDepth))
    // per attribute: userName and emails at most 254 (the userName without its store prefix)
    assert.isUndefined(problem({ userName: `DEFAULT/${"a".repeat(240)}@example.com` }))
    assert.strictEqual(problem({ userName: `${"a".repeat(250)}@example.com` })?.field, "userName")
    assert.strictEqual(problem({ emails: [{ value: `${"a".repeat(250)}@x.co` }] })?.field, "emails.0.value")
    assert.strictEqual(
      problem(`${"a".repeat(250)}@x.co`, { attribute: "emails[type eq \"work\"].value" })?.reason,
      "must be at most 254 characters"
    )
    // multi-line: only addresses[].formatted, only TAB, LF and CR
    assert.isUndefined(problem({ addresses: [{ formatted: "a\r\nb\tc" }] }))
    assert.strictEqual(problem({ addresses: [{ formatted: "a\u000bb" }] })?.field, "addresses.0.formatted")
    assert.strictEqual(problem({ addresses: [{ locality: "a\nb" }] })?.field, "addresses.0.locality")
    assert.strictEqual(problem({ name: { formatted: "a\nb" } })?.field, "name.formatted")
    // the copy: undefined left out, later changes to the input not seen, __proto__ an own key
    const input: Record<string, unknown> = { a: { b: 1 }, u: undefined }
    const copy = Either.getOrThrow(Validation.decodeJson(input))
    ;(input.a as Record<string, unknown>).b = 2
    assert.deepStrictEqual(copy, { a: { b: 1 } })
    const proto = Either.getOrThrow(Validation.decodeJson(JSON.parse("{\"__proto__\":{\"x\":1}}")))
    assert.strictEqual(JSON.stringify(proto), "{\"__proto__\":{\"x\":1}}")
  })

  it("passwords: Redacted strings only, checked without revealing them", () => {
    const problem = (u: unknown, options?: Validation.JsonOptions) => Validation.jsonProblem(u, options)
    assert.strictEqual(problem({ password: "pw" })?.field, "password")
    assert.include(problem({ PASSWORD: "pw" })?.reason, "Redacted")
    assert.strictEqual(problem("pw", { attribute: "password", field: "value" })?.field, "value")
    assert.isUndefined(problem({ password: Redacted.make("Secret-1") }))
    assert.isUndefined(problem({ "urn:x:ext": { token: Redacted.make("t") } }))
    assert.strictEqual(
      problem({ password: Redacted.make(42) })?.reason,
      "a Redacted value must hold a string, not a number"
    )
    assert.strictEqual(problem({ password: Redacted.make("a\u0000b") })?.reason, "must not contain control characters")
    const wiped = Redacted.make("gone")
    Redacted.unsafeWipe(wiped)
    assert.strictEqual(problem({ password: wiped })?.reason, "the Redacted value cannot be read")
  })

  it("attributeOfPath: lower case, filters and the core URN removed", () => {
    assert.strictEqual(Validation.attributeOfPath("emails[type eq \"work\"].value"), "emails.value")
    assert.strictEqual(Validation.attributeOfPath("urn:ietf:params:scim:schemas:core:2.0:User:userName"), "username")
    assert.strictEqual(
      Validation.attributeOfPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user.department"
    )
    assert.strictEqual(Validation.attributeOfPath("Addresses[type eq \"work\"].Formatted"), "addresses.formatted")
  })

  it("encodeBody: Redacted unwrapped on the wire, at most 1 MiB of UTF-8, InvalidInput otherwise", () => {
    assert.deepStrictEqual(Validation.encodeBody("Op", undefined), Either.right(undefined))
    const body = { userName: "kim", password: Redacted.make("S3cret!"), nested: [{ token: Redacted.make("t") }] }
    assert.deepStrictEqual(
      Validation.encodeBody("Users.create", body),
      Either.right("{\"userName\":\"kim\",\"password\":\"S3cret!\",\"nested\":[{\"token\":\"t\"}]}")
    )
    assert.strictEqual(JSON.stringify(body).includes("S3cret!"), false)
    // exactly at the cap, and one byte over (a 3-byte character counts 3)
    const envelope = JSON.stringify({ a: "" }).length
    const at = { a: "x".repeat(Validation.maxBodyBytes - envelope) }
    assert.isTrue(Either.isRight(Validation.encodeBody("Op", at)))
    const over = { a: "€".repeat(Math.ceil((Validation.maxBodyBytes - envelope) / 3)) + "x" }
    const error = Either.getOrThrow(Either.flip(Validation.encodeBody("Users.replace", over)))
    assert.strictEqual(error._tag, "InvalidInput")
    assert.strictEqual(error.operation, "Users.replace")
    assert.strictEqual(error.field, "")
    assert.include(error.reason, String(Validation.maxBodyBytes))
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    assert.strictEqual(
      Either.getOrThrow(Either.flip(Validation.encodeBody("Op", cyclic))).reason,
      "the request body is not JSON"
    )
    assert.strictEqual(Validation.utf8Length("a€🙂é"), 1 + 3 + 4 + 2)
  })
})

describe("Validation: a password is a Redacted string and nothing else", () => {
  it("numbers, booleans, objects and arrays at `password` are refused like plain strings", () => {
    for (const password of [12345678, true, { value: "plain-pass" }, ["plain-pass"], "plain-pass"]) {
      const body = Validation.decodeJson({ userName: "kim@example.com", password })
      assert.isTrue(Either.isLeft(body), JSON.stringify(password))
      const patch = Patch.decodeOperations([{ op: "replace", path: "password", value: password as never }], {
        operation: "Users.patch"
      })
      assert.isTrue(Either.isLeft(patch), `PATCH ${JSON.stringify(password)}`)
    }
    assert.isTrue(Either.isRight(Validation.decodeJson({ password: Redacted.make("S3cret!") })))
    assert.isTrue(Either.isRight(Validation.decodeJson({ password: null })))
  })
})

describe("Validation.isEntityTag: what may be sent as If-Match", () => {
  it("entity tags as servers give them, *, lists; nothing that could end the header", () => {
    for (const ok of ["W/\"e180ee84f0671b1\"", "\"abc\"", "*", "W/\"a\", \"b\"", "3", "x".repeat(1024)]) {
      assert.isTrue(Validation.isEntityTag(ok), ok)
    }
    for (const bad of ["", " W/\"a\"", "W/\"a\" ", "a\r\nX-Evil: 1", "a\nb", "a\u0000", "é", "x".repeat(1025)]) {
      assert.isFalse(Validation.isEntityTag(bad), JSON.stringify(bad))
    }
  })
})

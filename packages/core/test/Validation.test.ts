import { Validation } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"

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
})

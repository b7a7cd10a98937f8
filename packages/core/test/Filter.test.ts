import * as Filter from "@asgardeo-scim/core/Filter"
import { InvalidFilter, UnsupportedFilter } from "@asgardeo-scim/core/ScimError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit, FastCheck as fc, Schema } from "effect"

const parsed = (input: string, options?: Filter.ParseOptions): Filter.Filter => {
  const result = Filter.parse(input, options)
  if (Either.isLeft(result)) throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.left.message}`)
  return result.right
}

const invalid = <A>(result: Either.Either<A, InvalidFilter>): InvalidFilter => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  assert.instanceOf(result.left, InvalidFilter)
  return result.left
}

const unsupported = <A>(result: Either.Either<A, InvalidFilter | UnsupportedFilter>): UnsupportedFilter => {
  if (Either.isRight(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.right)}`)
  assert.instanceOf(result.left, UnsupportedFilter)
  return result.left
}

const roundTrips = (filter: Filter.Filter) => {
  const printed = Filter.print(filter)
  const back = parsed(printed)
  assert.deepStrictEqual(back, filter)
  assert.strictEqual(Filter.print(back), printed)
  assert.isTrue(Filter.equals(back, filter))
}

const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

describe("Filter builders and printer", () => {
  it("prints every comparison builder", () => {
    assert.strictEqual(Filter.print(Filter.eq("userName", "kim")), `userName eq "kim"`)
    assert.strictEqual(Filter.print(Filter.ne("userName", "kim")), `userName ne "kim"`)
    assert.strictEqual(Filter.print(Filter.co("emails.value", "@x.com")), `emails.value co "@x.com"`)
    assert.strictEqual(Filter.print(Filter.sw("userName", "DEFAULT/")), `userName sw "DEFAULT/"`)
    assert.strictEqual(Filter.print(Filter.ew("emails.value", "@x.com")), `emails.value ew "@x.com"`)
    assert.strictEqual(
      Filter.print(Filter.gt("meta.lastModified", "2024-01-01T00:00:00Z")),
      `meta.lastModified gt "2024-01-01T00:00:00Z"`
    )
    assert.strictEqual(Filter.print(Filter.ge("age", 18)), `age ge 18`)
    assert.strictEqual(Filter.print(Filter.lt("score", -1.5e-7)), `score lt -1.5e-7`)
    assert.strictEqual(Filter.print(Filter.le("score", 1e21)), `score le 1e+21`)
    assert.strictEqual(Filter.print(Filter.eq("active", true)), `active eq true`)
    assert.strictEqual(Filter.print(Filter.eq("active", false)), `active eq false`)
    assert.strictEqual(Filter.print(Filter.eq("manager", null)), `manager eq null`)
    assert.strictEqual(Filter.print(Filter.eq("zero", -0)), `zero eq -0`)
    assert.strictEqual(Filter.print(Filter.pr("title")), `title pr`)
    assert.strictEqual(Filter.print(Filter.present("title")), `title pr`)
    assert.strictEqual(Filter.print(Filter.compare("x", "co", "y")), `x co "y"`)
  })

  it("prints logical operators, not and value paths", () => {
    const a = Filter.eq("a", 1)
    const b = Filter.eq("b", 2)
    const c = Filter.eq("c", 3)
    assert.strictEqual(Filter.print(Filter.and(a, b, c)), `a eq 1 and b eq 2 and c eq 3`)
    assert.deepStrictEqual(Filter.and(a, b, c), { _tag: "And", left: { _tag: "And", left: a, right: b }, right: c })
    assert.strictEqual(Filter.print(Filter.or(a, b, c)), `a eq 1 or b eq 2 or c eq 3`)
    assert.strictEqual(Filter.print(Filter.and(Filter.or(a, b), c)), `(a eq 1 or b eq 2) and c eq 3`)
    assert.strictEqual(Filter.print(Filter.and(a, Filter.or(b, c))), `a eq 1 and (b eq 2 or c eq 3)`)
    assert.strictEqual(Filter.print(Filter.or(Filter.and(a, b), c)), `a eq 1 and b eq 2 or c eq 3`)
    assert.strictEqual(Filter.print(Filter.or(a, Filter.and(b, c))), `a eq 1 or b eq 2 and c eq 3`)
    // right-nested trees keep their shape through a round trip
    assert.strictEqual(Filter.print(Filter.and(a, Filter.and(b, c))), `a eq 1 and (b eq 2 and c eq 3)`)
    assert.strictEqual(Filter.print(Filter.or(a, Filter.or(b, c))), `a eq 1 or (b eq 2 or c eq 3)`)
    assert.strictEqual(Filter.print(Filter.not(a)), `not (a eq 1)`)
    assert.strictEqual(Filter.print(Filter.not(Filter.not(Filter.pr("x")))), `not (not (x pr))`)
    assert.strictEqual(Filter.print(Filter.and(Filter.not(Filter.or(a, b)), c)), `not (a eq 1 or b eq 2) and c eq 3`)
    assert.strictEqual(
      Filter.print(Filter.valuePath("emails", Filter.and(Filter.eq("type", "work"), Filter.co("value", "@x.com")))),
      `emails[type eq "work" and value co "@x.com"]`
    )
    assert.strictEqual(
      Filter.print(Filter.and(Filter.valuePath("emails", Filter.or(a, b)), c)),
      `emails[a eq 1 or b eq 2] and c eq 3`
    )
    for (
      const f of [
        Filter.and(a, b, c),
        Filter.and(a, Filter.and(b, c)),
        Filter.or(a, Filter.or(b, c)),
        Filter.and(Filter.or(a, b), Filter.or(b, c)),
        Filter.not(Filter.and(a, Filter.not(b)))
      ]
    ) roundTrips(f)
  })

  it("escapes quotes, backslashes, control characters and keeps unicode", () => {
    assert.strictEqual(Filter.print(Filter.eq("userName", `o"hara`)), `userName eq "o\\"hara"`)
    assert.strictEqual(Filter.print(Filter.eq("userName", `a\\b`)), `userName eq "a\\\\b"`)
    assert.strictEqual(Filter.print(Filter.eq("x", "\n\r\t\b\f\u0000\u001f")), `x eq "\\n\\r\\t\\b\\f\\u0000\\u001f"`)
    assert.strictEqual(Filter.print(Filter.eq("x", "é漢😀")), `x eq "é漢😀"`)
    assert.strictEqual(Filter.print(Filter.eq("x", "\ud800")), `x eq "\\ud800"`)
    assert.strictEqual(Filter.print(Filter.eq("x", "a/b")), `x eq "a/b"`)
    for (const value of [`o"hara`, `a\\b`, "\n\r\t\b\f\u0000\u001f", "é漢😀", "\ud800x\udfff", "", " ", "a)b]c(d[e"]) {
      roundTrips(Filter.eq("x", value))
    }
  })

  it("a value cannot inject syntax", () => {
    const hostile = [
      `x" or userName pr or "`,
      `x") or (userName pr`,
      `x"] or emails[type pr`,
      `\\" or userName pr or \\"`,
      `" and not (active eq true) and "`
    ]
    for (const value of hostile) {
      const filter = Filter.eq("userName", value)
      const back = parsed(Filter.print(filter))
      assert.strictEqual(back._tag, "Compare")
      assert.deepStrictEqual(back, filter)
    }
  })

  it("seed helpers: build and combine", () => {
    assert.deepStrictEqual(
      Filter.build("userName", "eq", "john@example.com"),
      Either.right(Filter.eq("userName", "john@example.com"))
    )
    assert.deepStrictEqual(Filter.build("userName", "Sw", "j"), Either.right(Filter.sw("userName", "j")))
    assert.deepStrictEqual(Filter.build("title", "PR"), Either.right(Filter.pr("title")))
    assert.strictEqual(
      invalid(Filter.build("userName", "like", "j")).reason,
      `unknown operator "like" (expected one of eq, ne, co, sw, ew, gt, ge, lt, le or pr)`
    )
    assert.strictEqual(invalid(Filter.build("userName", "eq")).reason, "operator 'eq' needs a value")
    assert.strictEqual(invalid(Filter.build("title", "pr", "x")).reason, "operator 'pr' takes no value")
    const injected = invalid(Filter.build(`userName eq "x" or userName`, "pr"))
    assert.strictEqual(injected.position, 8)
    assert.strictEqual(injected.reason, `character " " is not allowed in an attribute path`)
    assert.strictEqual(invalid(Filter.build("age", "gt", Number.NaN)).reason, "value: NaN is not a JSON number")

    const both = Filter.combine([
      Either.getOrThrow(Filter.build("userName", "co", "@example.com")),
      Either.getOrThrow(Filter.build("active", "eq", "true"))
    ], "and")
    assert.strictEqual(Filter.print(both), `userName co "@example.com" and active eq "true"`)
    const one = Filter.eq("a", 1)
    assert.strictEqual(Filter.combine([one]), one)
    assert.strictEqual(Filter.print(Filter.combine([one, one, one])), `a eq 1 and a eq 1 and a eq 1`)
    assert.strictEqual(Filter.print(Filter.combine([one, Filter.pr("b")], "or")), `a eq 1 or b pr`)
  })
})

describe("Filter.validate", () => {
  it("accepts well-formed filters", () => {
    for (
      const f of [
        Filter.eq("userName", "x"),
        Filter.eq("name.givenName", "x"),
        Filter.pr("members.$ref"),
        Filter.eq(`${enterprise}:employeeNumber`, "E-1"),
        Filter.eq(`${enterprise}:manager.value`, "id"),
        Filter.eq("urn:scim:wso2:schema:askPassword", true),
        Filter.valuePath("emails", Filter.eq("type", "work"))
      ]
    ) assert.deepStrictEqual(Filter.validate(f), Either.right(f))
  })

  it("rejects attributes that could inject syntax, with the position in the printed filter", () => {
    const cases: ReadonlyArray<readonly [Filter.Filter, number, string]> = [
      [Filter.eq("user name", "x"), 4, `character " " is not allowed in an attribute path`],
      [Filter.eq(`a"b`, "x"), 1, `character "\\"" is not allowed in an attribute path`],
      [Filter.and(Filter.pr("ok"), Filter.eq("a[b]", 1)), 11, `character "[" is not allowed in an attribute path`],
      [Filter.eq("", 1), 0, "the attribute path is empty"],
      [Filter.eq("1abc", 1), 0, "attribute name '1abc' in '1abc' must start with a letter"],
      [Filter.eq("a.b.c", 1), 3, "attribute path 'a.b.c' has more than one sub-attribute"],
      [Filter.eq("a.", 1), 2, "attribute path 'a.' has an empty attribute name"],
      [Filter.eq("urn:x:", 1), 6, "attribute path 'urn:x:' has an empty attribute name"],
      [Filter.eq("foo:bar", 1), 0, "'foo' is not a schema URI in attribute path 'foo:bar'"],
      [Filter.valuePath("emails", Filter.valuePath("x", Filter.pr("y"))), 7, "value paths cannot be nested"]
    ]
    for (const [filter, position, reason] of cases) {
      const error = invalid(Filter.validate(filter))
      assert.strictEqual(error.reason, reason)
      assert.strictEqual(error.position, position, reason)
      assert.strictEqual(error.filter, Filter.print(filter))
    }
    // A number that is not JSON is a problem of the shape: it cannot be printed at all.
    const infinite = invalid(Filter.validate(Filter.eq("x", Number.POSITIVE_INFINITY)))
    assert.strictEqual(infinite.reason, "value: Infinity is not a JSON number")
    assert.strictEqual(infinite.position, 0)
  })

  it("isAttributePath", () => {
    assert.isTrue(Filter.isAttributePath("userName"))
    assert.isTrue(Filter.isAttributePath("x-y_z$1"))
    assert.isTrue(Filter.isAttributePath(`${enterprise}:employeeNumber`))
    assert.isFalse(Filter.isAttributePath("user)Name"))
    assert.isFalse(Filter.isAttributePath("userName "))
  })
})

describe("Filter.parse", () => {
  it("parses every operator, in any case", () => {
    for (const op of Filter.compareOperators) {
      assert.deepStrictEqual(parsed(`userName ${op} "x"`), Filter.compare("userName", op, "x"))
      assert.deepStrictEqual(parsed(`userName ${op.toUpperCase()} "x"`), Filter.compare("userName", op, "x"))
    }
    assert.deepStrictEqual(parsed(`userName Eq "x"`), Filter.eq("userName", "x"))
    assert.deepStrictEqual(parsed("title pr"), Filter.pr("title"))
    assert.deepStrictEqual(parsed("title PR"), Filter.pr("title"))
    assert.deepStrictEqual(
      parsed(`a pr AND b pr Or NOT (c pr)`),
      Filter.or(Filter.and(Filter.pr("a"), Filter.pr("b")), Filter.not(Filter.pr("c")))
    )
  })

  it("and binds tighter than or; both are left-associative", () => {
    const [a, b, c, d] = [Filter.pr("a"), Filter.pr("b"), Filter.pr("c"), Filter.pr("d")]
    assert.deepStrictEqual(parsed("a pr or b pr and c pr"), Filter.or(a, Filter.and(b, c)))
    assert.deepStrictEqual(parsed("a pr and b pr or c pr"), Filter.or(Filter.and(a, b), c))
    assert.deepStrictEqual(parsed("a pr and b pr and c pr"), Filter.and(a, b, c))
    assert.deepStrictEqual(parsed("a pr or b pr or c pr"), Filter.or(a, b, c))
    assert.deepStrictEqual(parsed("a pr or b pr and c pr or d pr"), Filter.or(a, Filter.and(b, c), d))
    assert.deepStrictEqual(parsed("(a pr or b pr) and c pr"), Filter.and(Filter.or(a, b), c))
    assert.deepStrictEqual(parsed("a pr and (b pr or c pr)"), Filter.and(a, Filter.or(b, c)))
  })

  it("not, parentheses and whitespace", () => {
    const a = Filter.eq("active", true)
    assert.deepStrictEqual(parsed("not (active eq true)"), Filter.not(a))
    assert.deepStrictEqual(parsed("not(active eq true)"), Filter.not(a))
    assert.deepStrictEqual(parsed("NOT  (active eq true)"), Filter.not(a))
    assert.deepStrictEqual(parsed("((active eq true))"), a)
    assert.deepStrictEqual(parsed("  \t(\nactive  eq\ttrue )\r\n"), a)
    assert.deepStrictEqual(parsed("(a pr)and(b pr)"), Filter.and(Filter.pr("a"), Filter.pr("b")))
    assert.deepStrictEqual(parsed("not (not (a pr))"), Filter.not(Filter.not(Filter.pr("a"))))
    // keywords are whole words: these are attributes
    assert.deepStrictEqual(parsed(`android eq "x"`), Filter.eq("android", "x"))
    assert.deepStrictEqual(parsed(`order pr and notes pr`), Filter.and(Filter.pr("order"), Filter.pr("notes")))
    assert.deepStrictEqual(parsed(`not eq "x"`), Filter.eq("not", "x"))
    assert.deepStrictEqual(parsed(`and pr or or pr`), Filter.or(Filter.pr("and"), Filter.pr("or")))
  })

  it("value paths", () => {
    assert.deepStrictEqual(parsed(`emails[type eq "work"]`), Filter.valuePath("emails", Filter.eq("type", "work")))
    assert.deepStrictEqual(
      parsed(`emails[type eq "work" and value co "@example.com"] or userName eq "x"`),
      Filter.or(
        Filter.valuePath("emails", Filter.and(Filter.eq("type", "work"), Filter.co("value", "@example.com"))),
        Filter.eq("userName", "x")
      )
    )
    assert.deepStrictEqual(
      parsed(`addresses[not (type eq "home")]`),
      Filter.valuePath("addresses", Filter.not(Filter.eq("type", "home")))
    )
    assert.deepStrictEqual(
      parsed(`${enterprise}:manager[value pr]`),
      Filter.valuePath(`${enterprise}:manager`, Filter.pr("value"))
    )
  })

  it("attribute paths with sub-attributes and URN prefixes", () => {
    assert.deepStrictEqual(parsed(`name.givenName sw "Al"`), Filter.sw("name.givenName", "Al"))
    assert.deepStrictEqual(
      parsed(`${enterprise}:employeeNumber eq "E-1"`),
      Filter.eq(`${enterprise}:employeeNumber`, "E-1")
    )
    assert.deepStrictEqual(
      parsed(`${enterprise}:manager.value eq "id"`),
      Filter.eq(`${enterprise}:manager.value`, "id")
    )
    assert.deepStrictEqual(
      parsed(`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`),
      Filter.eq("urn:ietf:params:scim:schemas:core:2.0:User:userName", "a")
    )
    assert.deepStrictEqual(parsed(`members.$ref pr`), Filter.pr("members.$ref"))
    assert.deepStrictEqual(parsed(`x-custom_attr$ pr`), Filter.pr("x-custom_attr$"))
  })

  it("numbers, booleans and null", () => {
    const value = (input: string) => {
      const f = parsed(`x eq ${input}`)
      assert.strictEqual(f._tag, "Compare")
      return f._tag === "Compare" ? f.value : undefined
    }
    assert.strictEqual(value("0"), 0)
    assert.isTrue(Object.is(value("-0"), -0))
    assert.strictEqual(value("42"), 42)
    assert.strictEqual(value("-3.25"), -3.25)
    assert.strictEqual(value("1e3"), 1000)
    assert.strictEqual(value("1E+3"), 1000)
    assert.strictEqual(value("2.5e-3"), 0.0025)
    assert.strictEqual(value("true"), true)
    assert.strictEqual(value("False"), false)
    assert.strictEqual(value("null"), null)
    assert.strictEqual(value(`"42"`), "42")
  })

  it("every JSON escape", () => {
    const value = (input: string) => {
      const f = parsed(`x eq ${input}`)
      return f._tag === "Compare" ? f.value : undefined
    }
    assert.strictEqual(value(String.raw`"a\"b"`), `a"b`)
    assert.strictEqual(value(String.raw`"a\\b"`), `a\\b`)
    assert.strictEqual(value(String.raw`"a\/b"`), `a/b`)
    assert.strictEqual(value(String.raw`"\b\f\n\r\t"`), "\b\f\n\r\t")
    assert.strictEqual(value(String.raw`"\u00e9\u00E9"`), "éé")
    assert.strictEqual(value(String.raw`"\ud83d\ude00"`), "😀")
    assert.strictEqual(value(String.raw`"\\"`), "\\")
    assert.strictEqual(value(String.raw`"\\\""`), `\\"`)
    assert.strictEqual(value(`"é漢😀"`), "é漢😀")
    assert.strictEqual(value(`""`), "")
    assert.strictEqual(value(`"and or ) ] ( ["`), "and or ) ] ( [")
  })

  it("bare and single-quoted values only with the bareValues option (Asgardeo style)", () => {
    const input = "userName sw ki and name.familyName co err"
    const error = invalid(Filter.parse(input))
    assert.strictEqual(error.position, 12)
    assert.strictEqual(
      error.reason,
      `expected a value (a double-quoted string, a number, true, false or null) after 'sw', found 'ki'; quote string values: "ki"`
    )
    assert.deepStrictEqual(
      parsed(input, { bareValues: true }),
      Filter.and(Filter.sw("userName", "ki"), Filter.co("name.familyName", "err"))
    )
    assert.deepStrictEqual(
      parsed("userName eq DEFAULT/kim@x.com", { bareValues: true }),
      Filter.eq("userName", "DEFAULT/kim@x.com")
    )
    assert.deepStrictEqual(
      parsed("displayName eq 'HR Managers'", { bareValues: true }),
      Filter.eq("displayName", "HR Managers")
    )
    assert.deepStrictEqual(parsed("(age ge 18)", { bareValues: true }), Filter.ge("age", 18))
    assert.strictEqual(invalid(Filter.parse("displayName eq 'HR'")).position, 15)
  })

  it("fails with a position and a reason", () => {
    const deep = "(".repeat(65) + "a pr" + ")".repeat(65)
    const cases: ReadonlyArray<readonly [string, number, string]> = [
      ["", 0, "the filter is empty"],
      ["   ", 3, "the filter is empty"],
      ["userName", 8, "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr' after 'userName'"],
      [
        `userName like "x"`,
        9,
        "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr' after 'userName', found 'like'"
      ],
      [
        `userName="x"`,
        8,
        "expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or 'pr' after 'userName', found '='"
      ],
      ["userName eq", 11, "expected a value after 'eq'"],
      ["userName eq   ", 14, "expected a value after 'eq'"],
      [`userName eq"x"`, 11, `expected a space between 'eq' and its value, found '"'`],
      [`userName eq "abc`, 12, "unterminated string starting at position 12"],
      [`userName eq "abc\\"`, 12, "unterminated string starting at position 12"],
      [`userName eq "a\\qb"`, 14, "invalid escape '\\q' in string"],
      [`userName eq "\\u12x4"`, 13, "invalid unicode escape '\\u12x4' in string: expected 4 hex digits"],
      [`userName eq "x" foo`, 16, "expected 'and', 'or' or the end of the filter, found 'foo'"],
      [`userName eq "x" android pr`, 16, "expected 'and', 'or' or the end of the filter, found 'android'"],
      [`userName eq "x"y`, 15, "expected a space, ')', ']' or the end after the value at position 12, found 'y'"],
      [`(userName eq "x"`, 0, "unbalanced parenthesis: '(' at position 0 is never closed"],
      [`userName eq "x")`, 15, "unbalanced parenthesis: ')' at position 15 has no matching '('"],
      [`(a pr b pr)`, 6, "expected 'and', 'or' or ')' to close the '(' at position 0, found 'b'"],
      [`()`, 1, "expected an attribute path, 'not' or '(' after '(', found ')'"],
      [`emails[type eq "work"`, 6, "unbalanced bracket: '[' at position 6 is never closed"],
      [`emails[type eq "work"]]`, 22, "unbalanced bracket: ']' at position 22 has no matching '['"],
      [`emails[x[y pr]]`, 8, "value paths cannot be nested"],
      [`a pr and`, 8, "expected an attribute path, 'not' or '(' after 'and', found the end of the filter"],
      [`a pr or "x"`, 8, `expected an attribute path, 'not' or '(' after 'or', found '"'`],
      [`a pr and"x"`, 8, `expected a space or '(' after 'and', found '"'`],
      [`not a pr`, 4, "expected '(' after 'not', found 'a'"],
      [`a eq 01`, 5, "invalid number '01'"],
      [`a eq 1.`, 5, "invalid number '1.'"],
      [`a eq -`, 5, "invalid number '-'"],
      [`a eq 1e999`, 5, "number '1e999' is out of range"],
      [`a eq 'x'`, 5, "single-quoted strings are not allowed: use double quotes (or the bareValues option)"],
      [
        `a eq tru`,
        5,
        `expected a value (a double-quoted string, a number, true, false or null) after 'eq', found 'tru'; quote string values: "tru"`
      ],
      [`a.b.c pr`, 3, "attribute path 'a.b.c' has more than one sub-attribute"],
      [`1a pr`, 0, "attribute name '1a' in '1a' must start with a letter"],
      [`foo:bar pr`, 0, "'foo' is not a schema URI in attribute path 'foo:bar'"],
      [`a pr\u0000`, 4, `expected a space, ')', ']' or the end after 'pr', found "\\u0000"`],
      [deep, 64, "the filter nests parentheses, 'not' and value paths more than 64 levels deep"]
    ]
    for (const [input, position, reason] of cases) {
      const error = invalid(Filter.parse(input))
      assert.strictEqual(error.filter, input)
      assert.strictEqual(error.reason, reason, JSON.stringify(input))
      assert.strictEqual(error.position, position, JSON.stringify(input))
      assert.strictEqual(error.message, `Invalid filter at position ${position}: ${reason}`)
    }
  })

  it("bounds nesting but not the length of and/or chains", () => {
    const nested = "(".repeat(64) + "a pr" + ")".repeat(64)
    assert.deepStrictEqual(parsed(nested), Filter.pr("a"))
    const notNested = "not (".repeat(64) + "a pr" + ")".repeat(64)
    assert.strictEqual(Filter.print(parsed(notNested)), notNested)
    assert.strictEqual(invalid(Filter.parse("not (".repeat(100_000))).position, 320)
    const chain = Array.from({ length: 50_000 }, (_, i) => `a${i} eq ${i}`).join(" and ")
    const filter = parsed(chain)
    assert.strictEqual(Filter.print(filter), chain)
    assert.isTrue(Filter.equals(filter, parsed(chain)))
    assert.isFalse(Filter.needsSearch(filter))
    // (a fresh copy: compared with equals, which is iterative, not with deepStrictEqual)
    assert.isTrue(Filter.equals(Either.getOrThrow(Filter.validate(filter)), filter))
    assert.isTrue(Either.isRight(Filter.check(filter, Filter.profiles.asgardeoUsers)))
  })

  it.effect("parseEffect", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* Filter.parseEffect(`userName eq "x"`), Filter.eq("userName", "x"))
      const error = yield* Effect.flip(Filter.parseEffect(`userName eq`))
      assert.instanceOf(error, InvalidFilter)
      assert.strictEqual(error.position, 11)
    }))
})

describe("Filter round trip (property)", () => {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n))
  const control = fc.integer({ min: 0, max: 0x1f }).map((n) => String.fromCharCode(n))
  const tricky = fc.constantFrom(
    `"`,
    `\\`,
    `\\"`,
    " ",
    "(",
    ")",
    "[",
    "]",
    " and ",
    " or ",
    "not (",
    "pr",
    "+",
    "%",
    "/"
  )
  const stringValue = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.oneof(loneSurrogate, control, tricky, fc.string({ unit: "binary", maxLength: 1 })) })
  )
  const value: fc.Arbitrary<Filter.Value> = fc.oneof(
    stringValue,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null)
  )
  const name = fc.stringMatching(/^[A-Za-z$][A-Za-z0-9$_-]{0,8}$/)
  const attribute = fc.oneof(
    name,
    fc.constantFrom("and", "or", "not", "pr", "eq", "true", "null", "android", "notes"),
    fc.tuple(name, name).map(([a, b]) => `${a}.${b}`),
    fc.tuple(fc.constantFrom(enterprise, "urn:scim:wso2:schema", "urn:x-y.z:1.0"), name, fc.option(name)).map(
      ([urn, a, b]) => b === null ? `${urn}:${a}` : `${urn}:${a}.${b}`
    )
  )
  const leaf: fc.Arbitrary<Filter.Filter> = fc.oneof(
    fc.tuple(attribute, fc.constantFrom(...Filter.compareOperators), value).map(([a, op, v]) =>
      Filter.compare(a, op, v)
    ),
    attribute.map(Filter.pr)
  )
  const tree = (inValuePath: boolean) =>
    fc.letrec<{ filter: Filter.Filter }>((tie) => ({
      filter: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => Filter.and(l, r)),
        fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => Filter.or(l, r)),
        tie("filter").map(Filter.not),
        inValuePath ? leaf : fc.tuple(attribute, tie("filter")).map(([a, f]) => Filter.valuePath(a, stripValuePaths(f)))
      )
    })).filter
  const stripValuePaths = (f: Filter.Filter): Filter.Filter => {
    switch (f._tag) {
      case "ValuePath":
        return stripValuePaths(f.filter)
      case "And":
        return Filter.and(stripValuePaths(f.left), stripValuePaths(f.right))
      case "Or":
        return Filter.or(stripValuePaths(f.left), stripValuePaths(f.right))
      case "Not":
        return Filter.not(stripValuePaths(f.filter))
      default:
        return f
    }
  }

  it("parse(print(f)) gives back f", () => {
    fc.assert(
      fc.property(tree(false), (filter) => {
        assert.deepStrictEqual(Filter.validate(filter), Either.right(filter))
        const printed = Filter.print(filter)
        const back = parsed(printed)
        assert.deepStrictEqual(back, filter)
        assert.strictEqual(Filter.print(back), printed)
        assert.isTrue(Filter.equals(back, filter))
      }),
      { numRuns: 500 }
    )
  })

  it("a comparison with any string value stays one comparison", () => {
    fc.assert(
      fc.property(attribute, fc.constantFrom(...Filter.compareOperators), stringValue, (a, op, v) => {
        assert.deepStrictEqual(parsed(Filter.print(Filter.compare(a, op, v))), Filter.compare(a, op, v))
      }),
      { numRuns: 1000 }
    )
  })

  it("parse never throws on arbitrary input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({
            unit: fc.constantFrom("a", " ", "(", ")", "[", "]", `"`, "\\", "eq ", "and ", "not ", "pr", "1")
          })
        ),
        (input) => {
          const result = Filter.parse(input)
          if (Either.isLeft(result)) {
            assert.isAtLeast(result.left.position, 0)
            assert.isAtMost(result.left.position, input.length)
          } else {
            assert.deepStrictEqual(parsed(Filter.print(result.right)), result.right)
          }
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("equals", () => {
    assert.isTrue(Filter.equals(Filter.eq("a", 1), Filter.eq("a", 1)))
    assert.isFalse(Filter.equals(Filter.eq("a", 1), Filter.eq("a", "1")))
    assert.isFalse(Filter.equals(Filter.eq("a", 0), Filter.eq("a", -0)))
    assert.isFalse(Filter.equals(Filter.and(Filter.pr("a"), Filter.pr("b")), Filter.or(Filter.pr("a"), Filter.pr("b"))))
    assert.isTrue(Filter.equals(Filter.pr("a"))(Filter.pr("a")))
  })
})

describe("Filter profiles", () => {
  const { asgardeoGroups, asgardeoUsers, rfc7644 } = Filter.profiles

  it("asgardeoUsers accepts eq ne co sw ew ge le joined with and", () => {
    for (const op of ["eq", "ne", "co", "sw", "ew", "ge", "le"] as const) {
      const f = Filter.compare("userName", op, "x")
      assert.deepStrictEqual(Filter.check(f, asgardeoUsers), Either.right(f))
    }
    const f = Filter.and(
      Filter.sw("userName", "ki"),
      Filter.co("name.familyName", "err"),
      Filter.ew("emails.value", "@x")
    )
    assert.deepStrictEqual(Filter.check(asgardeoUsers)(f), Either.right(f))
  })

  it("asgardeoUsers rejections", () => {
    const supported = "(supported: eq, ne, co, sw, ew, ge, le)"
    const cases: ReadonlyArray<readonly [Filter.Filter, string]> = [
      [Filter.gt("age", 1), `operator 'gt' is not supported by asgardeoUsers ${supported}`],
      [Filter.lt("age", 1), `operator 'lt' is not supported by asgardeoUsers ${supported}`],
      [Filter.pr("title"), `operator 'pr' is not supported by asgardeoUsers ${supported}`],
      [Filter.or(Filter.eq("a", 1), Filter.eq("b", 2)), "'or' is not supported by asgardeoUsers"],
      [Filter.not(Filter.eq("a", 1)), "'not' is not supported by asgardeoUsers"],
      [
        Filter.valuePath("emails", Filter.eq("type", "work")),
        "value paths (emails[...]) are not supported by asgardeoUsers"
      ],
      [
        Filter.and(Filter.eq("a", 1), Filter.and(Filter.eq("b", 1), Filter.gt("c", 2))),
        `operator 'gt' is not supported by asgardeoUsers ${supported}`
      ]
    ]
    for (const [filter, reason] of cases) {
      const error = unsupported(Filter.check(filter, asgardeoUsers))
      assert.strictEqual(error.profile, "asgardeoUsers")
      assert.strictEqual(error.reason, reason)
      assert.strictEqual(error.message, `The asgardeoUsers filter profile does not support this filter: ${reason}`)
    }
  })

  it("asgardeoGroups accepts one expression with eq co sw ew ge le", () => {
    for (const op of ["eq", "co", "sw", "ew", "ge", "le"] as const) {
      const f = Filter.compare("displayName", op, "HR")
      assert.deepStrictEqual(Filter.check(f, asgardeoGroups), Either.right(f))
    }
  })

  it("asgardeoGroups rejections", () => {
    const supported = "(supported: eq, co, sw, ew, ge, le)"
    const cases: ReadonlyArray<readonly [Filter.Filter, string]> = [
      [Filter.ne("displayName", "x"), `operator 'ne' is not supported by asgardeoGroups ${supported}`],
      [Filter.gt("displayName", "x"), `operator 'gt' is not supported by asgardeoGroups ${supported}`],
      [Filter.lt("displayName", "x"), `operator 'lt' is not supported by asgardeoGroups ${supported}`],
      [Filter.pr("displayName"), `operator 'pr' is not supported by asgardeoGroups ${supported}`],
      [Filter.and(Filter.eq("a", 1), Filter.eq("b", 2)), "only one expression is supported by asgardeoGroups, found 2"],
      [Filter.or(Filter.eq("a", 1), Filter.eq("b", 2)), "only one expression is supported by asgardeoGroups, found 2"],
      [
        Filter.and(Filter.eq("a", 1), Filter.eq("b", 2), Filter.eq("c", 3)),
        "only one expression is supported by asgardeoGroups, found 3"
      ],
      [Filter.not(Filter.eq("a", 1)), "'not' is not supported by asgardeoGroups"],
      [
        Filter.valuePath("members", Filter.eq("value", "x")),
        "value paths (members[...]) are not supported by asgardeoGroups"
      ]
    ]
    for (const [filter, reason] of cases) {
      assert.strictEqual(unsupported(Filter.check(filter, asgardeoGroups)).reason, reason)
    }
  })

  it("rfc7644 accepts everything; custom profiles", () => {
    const f = Filter.or(
      Filter.not(Filter.gt("a", 1)),
      Filter.and(Filter.pr("b"), Filter.valuePath("emails", Filter.lt("x", 2)))
    )
    assert.deepStrictEqual(Filter.check(f, rfc7644), Either.right(f))
    const custom: Filter.Profile = {
      name: "custom",
      operators: new Set(["eq"]),
      and: true,
      or: true,
      not: true,
      valuePath: true,
      maxExpressions: 2
    }
    assert.strictEqual(
      unsupported(Filter.check(Filter.and(Filter.eq("a", 1), Filter.eq("b", 1), Filter.eq("c", 1)), custom)).reason,
      "at most 2 expressions are supported by custom, found 3"
    )
    assert.isTrue(Either.isRight(Filter.check(Filter.and(Filter.eq("a", 1), Filter.eq("b", 1)), custom)))
  })

  it("profileByName", () => {
    assert.strictEqual(Filter.profileByName("asgardeoUsers"), asgardeoUsers)
    assert.strictEqual(Filter.profileByName("asgardeoGroups"), asgardeoGroups)
    assert.strictEqual(Filter.profileByName("rfc7644"), rfc7644)
  })

  it.effect("fromInput parses, validates and checks", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(
        yield* Filter.fromInput(`userName sw "ki" and name.familyName co "err"`, asgardeoUsers),
        Filter.and(Filter.sw("userName", "ki"), Filter.co("name.familyName", "err"))
      )
      assert.deepStrictEqual(
        yield* Filter.fromInput("userName sw ki", asgardeoUsers, { bareValues: true }),
        Filter.sw("userName", "ki")
      )
      const f = Filter.eq("displayName", "HR")
      // a fresh copy: nothing the caller holds can change the filter once decoded
      const decoded = yield* Filter.fromInput(f, asgardeoGroups)
      assert.deepStrictEqual(decoded, f)
      assert.notStrictEqual(decoded, f)

      const parseError = yield* Effect.flip(Filter.fromInput(`userName eq`, asgardeoUsers))
      assert.strictEqual(parseError._tag, "InvalidFilter")
      const validateError = yield* Effect.flip(Filter.fromInput(Filter.eq(`x" or y pr or "`, 1), rfc7644))
      assert.strictEqual(validateError._tag, "InvalidFilter")
      const profileError = yield* Effect.flip(Filter.fromInput(`a eq 1 or b eq 2`, asgardeoUsers))
      assert.strictEqual(profileError._tag, "UnsupportedFilter")
      assert.instanceOf(profileError, UnsupportedFilter)

      const exit = yield* Effect.exit(Filter.fromInput(`title pr`, asgardeoUsers))
      assert.isTrue(Exit.isFailure(exit))
    }))
})

describe("Filter.needsSearch", () => {
  it("true when a string value holds + or %", () => {
    assert.isTrue(Filter.needsSearch(Filter.eq("userName", "a+b@x.com")))
    assert.isTrue(Filter.needsSearch(Filter.eq("userName", "100%")))
    assert.isTrue(Filter.needsSearch(Filter.and(Filter.pr("a"), Filter.co("b", "%41"))))
    assert.isTrue(Filter.needsSearch(Filter.valuePath("emails", Filter.eq("value", "a+b@x.com"))))
    assert.isTrue(Filter.needsSearch(Filter.or(Filter.not(Filter.eq("x", "+")), Filter.pr("y"))))
  })

  it("false otherwise", () => {
    assert.isFalse(Filter.needsSearch(Filter.eq("userName", "kim@x.com")))
    assert.isFalse(Filter.needsSearch(Filter.eq("score", 1e21)))
    assert.isFalse(Filter.needsSearch(Filter.pr("a+b")))
    assert.isFalse(
      Filter.needsSearch(Filter.and(Filter.eq("a", "x y"), Filter.valuePath("emails", Filter.eq("type", "work"))))
    )
  })
})

// -------------------------------------------------------------------------------------------------
// issue 11: a filter is a filter, or the call fails before sending
// -------------------------------------------------------------------------------------------------

describe("Filter.decode: the filter argument from plain JavaScript", () => {
  const eq = Filter.eq("userName", "kim")
  // Plain JavaScript: what the types would refuse.
  const notFilter = <A = Filter.Filter>(u: unknown) => u as A
  const rfc7644 = Filter.profiles.rfc7644
  // Every value the issue names, and the reason the decoder gives.
  const named: ReadonlyArray<readonly [string, unknown, string]> = [
    ["42", 42, "a filter must be a Filter value (an object with a _tag), got the number 42"],
    ["{}", {}, "_tag: missing (expected Compare, Present, And, Or, Not or ValuePath)"],
    ["[]", [], "a filter must be a Filter value (an object with a _tag), got an array"],
    ["true", true, "a filter must be a Filter value (an object with a _tag), got the boolean true"],
    ["NaN", Number.NaN, "a filter must be a Filter value (an object with a _tag), got the number NaN"],
    [
      "{ _tag: \"Nope\" }",
      { _tag: "Nope" },
      "_tag: \"Nope\" is not a filter node (expected Compare, Present, And, Or, Not or ValuePath)"
    ],
    ["null", null, "a filter must be a Filter value (an object with a _tag), got null"],
    ["Filter.not(undefined)", Filter.not(notFilter(undefined)), "filter: expected a filter, got undefined"],
    [
      "{ _tag: \"Compare\" }",
      { _tag: "Compare" },
      "attribute: missing (a Compare has _tag, attribute, operator and value)"
    ],
    ["Filter.and(eq, 42)", Filter.and(eq, notFilter(42)), "right: expected a filter, got the number 42"]
  ]

  it("each value the issue names: decode, validate, check and build refuse it with InvalidFilter", () => {
    for (const [label, value, reason] of named) {
      const error = invalid(Filter.decode(value))
      assert.strictEqual(error.reason, reason, label)
      assert.strictEqual(error.position, 0, label)
      assert.strictEqual(invalid(Filter.validate(notFilter(value))).reason, reason, label)
      const checked = Filter.check(notFilter(value), rfc7644)
      assert.isTrue(Either.isLeft(checked) && checked.left._tag === "InvalidFilter", label)
    }
  })

  it.effect("each value the issue names: fromInput fails with InvalidFilter (not a defect), for every profile", () =>
    Effect.gen(function*() {
      for (const [label, value, reason] of named) {
        for (const profile of Object.values(Filter.profiles)) {
          const exit = yield* Effect.exit(Filter.fromInput(value, profile))
          assert.isTrue(Exit.isFailure(exit), `${label} was accepted`)
          const error = yield* Effect.flip(Filter.fromInput(value, profile))
          assert.instanceOf(error, InvalidFilter, label)
          assert.strictEqual(error.reason, reason.replace("a Filter value", "a string or a Filter value"), label)
        }
      }
    }))

  it("the Schema (Filter.Filter) refuses them too, and decodes a well-formed filter to a fresh copy", () => {
    const decode = Schema.decodeUnknownEither(Filter.Filter)
    for (const [label, value, reason] of named) {
      const result = decode(value)
      assert.isTrue(Either.isLeft(result), label)
      if (Either.isLeft(result)) assert.include(result.left.message, reason, label)
    }
    const f = Filter.and(eq, Filter.or(Filter.pr("title"), Filter.not(Filter.valuePath("emails", Filter.pr("value")))))
    const decoded = Either.getOrThrow(decode(f))
    assert.deepStrictEqual(decoded, f)
    assert.notStrictEqual(decoded, f)
    assert.isTrue(Schema.is(Filter.Filter)(f))
    assert.isFalse(Schema.is(Filter.Filter)(Filter.and(eq, notFilter(42))))
    assert.deepStrictEqual(Schema.encodeSync(Filter.Filter)(f), f)
    // Formatting the error never reads the hostile value itself.
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const cyclic: Record<string, unknown> = { _tag: "Not" }
    cyclic.filter = cyclic
    for (const hostile of [proxy, cyclic, new Proxy({}, { ownKeys: () => [], get: () => assert.fail("read") })]) {
      const result = decode(hostile)
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) assert.include(result.left.message, "Invalid filter")
    }
  })

  it("print never emits a half expression: it throws the InvalidFilter", () => {
    for (const [label, value, reason] of named) {
      assert.throws(() => Filter.print(notFilter(value)), reason, label)
    }
    assert.throws(() => Filter.print(Filter.eq("a", Number.NaN)), "value: NaN is not a JSON number")
    assert.throws(() => Filter.print(Filter.eq("a", notFilter<Filter.Value>(undefined))), "value: expected a string")
    assert.throws(
      () => Filter.print(Filter.compare("a", notFilter<Filter.CompareOperator>("like"), 1)),
      "is not a comparison operator"
    )
  })

  it("fields: wrong types, bad operators and values, extra, symbol-keyed, inherited and accessor properties", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ _tag: "Present", attribute: 42 }, "attribute: expected a string, got the number 42"],
      [
        Filter.compare("a", notFilter<Filter.CompareOperator>("EQ"), 1),
        `operator: "EQ" is not a comparison operator (expected eq, ne, co`
      ],
      [Filter.compare("a", notFilter<Filter.CompareOperator>(null), 1), "operator: expected a string, got null"],
      [Filter.eq("a", Number.POSITIVE_INFINITY), "value: Infinity is not a JSON number"],
      [
        Filter.eq("a", notFilter<Filter.Value>({ toJSON: () => "x" })),
        "value: expected a string, number, boolean or null, got an object"
      ],
      [
        Filter.eq("a", notFilter<Filter.Value>(undefined)),
        "value: expected a string, number, boolean or null, got undefined"
      ],
      [
        Filter.eq("a", notFilter<Filter.Value>(BigInt(1))),
        "value: expected a string, number, boolean or null, got a bigint"
      ],
      [{ _tag: "Compare", attribute: "a", operator: "eq" }, "value: missing"],
      [{ ...Filter.pr("a"), extra: 1 }, "extra: unexpected property (a Present has _tag and attribute)"],
      [{ ...Filter.pr("a"), [Symbol("x")]: 1 }, "unexpected symbol-keyed property"],
      [Object.create(Filter.pr("a")), "_tag: missing"],
      [{ _tag: "And", left: eq, right: Filter.not(notFilter([])) }, "right.filter: expected a filter, got an array"],
      [{ _tag: 42 }, "_tag: expected a string, got the number 42"],
      [{ _tag: "Compare".padEnd(200, "x") }, "_tag: \"Comparexxxxxxxxx"]
    ]
    for (const [value, reason] of cases) assert.include(invalid(Filter.decode(value)).reason, reason)
  })

  it("hostile objects: getters are never called, proxies that throw, revoked proxies, cycles, shared nodes", () => {
    let reads = 0
    const getter = { _tag: "Present" }
    Object.defineProperty(getter, "attribute", { enumerable: true, get: () => String(++reads) })
    assert.strictEqual(
      invalid(Filter.decode(getter)).reason,
      "attribute: a getter; the fields of a filter must be data properties"
    )
    assert.strictEqual(reads, 0)

    const throwing = new Proxy(eq, {
      getOwnPropertyDescriptor: () => {
        throw new Error("boom")
      }
    })
    assert.strictEqual(
      invalid(Filter.decode(Filter.and(eq, throwing))).reason,
      "right: could not be read (a proxy threw)"
    )
    const { proxy, revoke } = Proxy.revocable(eq, {})
    revoke()
    assert.strictEqual(invalid(Filter.decode(proxy)).reason, "could not be read (a proxy threw)")
    // A well-behaved proxy decodes to a plain copy.
    const decoded = Either.getOrThrow(Filter.decode(new Proxy(eq, {})))
    assert.deepStrictEqual(decoded, eq)
    assert.isFalse(decoded === eq)

    const cyclic: Record<string, unknown> = { _tag: "And", left: eq }
    cyclic.right = { _tag: "Not", filter: cyclic }
    assert.strictEqual(invalid(Filter.decode(cyclic)).reason, "right.filter: the filter contains itself (a cycle)")

    // The same node twice is fine (not a cycle); 2^60 of them is not.
    assert.deepStrictEqual(Filter.decode(Filter.and(eq, eq)), Either.right(Filter.and(eq, eq)))
    let shared: Filter.Filter = eq
    for (let i = 0; i < 60; i++) shared = Filter.and(shared, shared)
    assert.strictEqual(
      invalid(Filter.decode(shared)).reason,
      `the filter has more than ${Filter.maxNodes} nodes (comparisons, pr, and, or, not and value paths)`
    )

    // The decoded tree is frozen, and decoding it again gives it back as it is.
    const decodedOnce = Either.getOrThrow(Filter.decode(Filter.and(eq, Filter.not(eq))))
    assert.isTrue(Object.isFrozen(decodedOnce))
    assert.isTrue(decodedOnce._tag === "And" && Object.isFrozen(decodedOnce.right))
    assert.throws(() => Object.assign(decodedOnce, { right: 42 }))
    assert.strictEqual(Either.getOrThrow(Filter.decode(decodedOnce)), decodedOnce)
    // ...but not a proxy of it, which is read like any other value.
    assert.notStrictEqual(Either.getOrThrow(Filter.decode(new Proxy(decodedOnce, {}))), decodedOnce)

    const frozen = Object.freeze({ _tag: "Not", filter: Object.freeze({ ...eq }) })
    assert.deepStrictEqual(Filter.decode(frozen), Either.right(Filter.not(eq)))
    const nullPrototype = Object.assign(Object.create(null) as object, eq)
    assert.deepStrictEqual(Filter.decode(nullPrototype), Either.right(eq))
  })

  it("nesting: as deep as the parser accepts and no deeper; nested value paths; attribute paths", () => {
    let ok: Filter.Filter = Filter.pr("a")
    for (let i = 0; i < Filter.maxDepth; i++) ok = Filter.not(ok)
    assert.isTrue(Either.isRight(Filter.decode(ok)))
    assert.isTrue(Either.isRight(Filter.parse(Filter.print(ok))))
    const tooDeep = invalid(Filter.decode(Filter.not(ok)))
    assert.strictEqual(
      tooDeep.reason,
      `the filter nests parentheses, 'not' and value paths more than ${Filter.maxDepth} levels deep`
    )
    assert.isTrue(Either.isLeft(Filter.parse(Filter.print(Filter.not(ok)))))
    let grouped: Filter.Filter = Filter.pr("a")
    for (let i = 0; i < Filter.maxDepth + 1; i++) {
      grouped = Filter.and(Filter.pr("b"), Filter.or(grouped, Filter.pr("c")))
    }
    assert.isTrue(Either.isLeft(Filter.decode(grouped)))
    assert.isTrue(Either.isLeft(Filter.parse(Filter.print(grouped))))

    assert.strictEqual(
      invalid(Filter.decode(Filter.valuePath("emails", Filter.valuePath("x", Filter.pr("y"))))).reason,
      "value paths cannot be nested"
    )
    const injected = invalid(Filter.decode(Filter.and(eq, Filter.pr(`userName eq "x" or userName`))))
    assert.strictEqual(injected.position, 30)
    assert.strictEqual(injected.filter, `userName eq "kim" and userName eq "x" or userName pr`)
  })

  it("build refuses what is not a string; combine takes and/or in any case and nothing else", () => {
    assert.strictEqual(
      invalid(Filter.build(notFilter<string>(42), "eq", "x")).reason,
      "attribute: expected a string, got the number 42"
    )
    assert.include(invalid(Filter.build("userName", notFilter<string>(42), "x")).reason, "operator")
    assert.include(invalid(Filter.build("userName", "eq", notFilter<string>({}))).reason, "value")
    const a = Filter.pr("a")
    const b = Filter.pr("b")
    assert.deepStrictEqual(Filter.combine([a, b], "AND" as "and"), Filter.and(a, b))
    assert.deepStrictEqual(Filter.combine([a, b], "Or" as "or"), Filter.or(a, b))
    assert.throws(() => Filter.combine([a, b], "xor" as "or"), "unknown operator \"xor\" (expected and or or)")
    // Built from a non-filter: every consumer refuses it.
    const bad = Filter.combine([a, notFilter(42)])
    assert.isTrue(Either.isLeft(Filter.decode(bad)))
    assert.throws(() => Filter.print(bad))
    assert.throws(() => Filter.needsSearch(bad))
    assert.isFalse(Filter.equals(bad, bad))
  })

  it("decode never throws, and whatever it accepts prints to a string that parses back to it", () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withNullPrototype: true }),
        (u) => {
          const result = Filter.decode(u)
          if (Either.isRight(result)) {
            assert.deepStrictEqual(parsed(Filter.print(result.right)), result.right)
          } else {
            assert.instanceOf(result.left, InvalidFilter)
          }
        }
      ),
      { numRuns: 2000 }
    )
  })
})

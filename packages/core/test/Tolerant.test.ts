// Tolerant decoding: the same value as `onExcessProperty: "preserve"`, for every shape of schema,
// rewritten where that is exact and decoded with "preserve" where it is not.
import { Tolerant } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Either, ParseResult, Redacted, Schema } from "effect"

const preserve = <A, I>(schema: Schema.Schema<A, I>, u: unknown) =>
  Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })(u)

/** Decodes with both and checks the values are equal (and both succeed or both fail). */
const same = <A, I>(schema: Schema.Schema<A, I>, u: unknown) => {
  const expected = preserve(schema, u)
  const actual = Tolerant.decodeUnknownEither(schema)(u)
  assert.strictEqual(Either.isRight(actual), Either.isRight(expected), "both succeed or both fail")
  if (Either.isRight(expected) && Either.isRight(actual)) assert.deepStrictEqual(actual.right, expected.right)
  return actual
}

const Item = Schema.Struct({ value: Schema.optional(Schema.String), primary: Schema.optional(Schema.Boolean) })
const Resource = Schema.Struct({
  id: Schema.String,
  count: Schema.NumberFromString,
  nested: Schema.optional(Schema.Struct({ a: Schema.String })),
  items: Schema.optional(Schema.Array(Schema.Union(
    Item,
    Schema.transform(Schema.String, Schema.typeSchema(Item), {
      strict: true,
      decode: (value) => ({ value }),
      encode: (i) => i.value ?? ""
    })
  ))),
  pair: Schema.optional(Schema.Tuple(Item, Schema.String)),
  renamed: Schema.optional(Schema.String).pipe(Schema.fromKey("old_name")),
  withDefault: Schema.optionalWith(Schema.String, { default: () => "d" })
}).pipe(Schema.filter((r) => r.id !== "forbidden" || "forbidden id"))

const body = {
  id: "r1",
  count: "3",
  extra: { deep: [1, 2] },
  nested: { a: "x", b: "kept" },
  items: [{ value: "v", primary: true, other: 1 }, "plain"],
  pair: [{ value: "p", more: true }, "s"],
  old_name: "was renamed",
  "urn:acme:ext": { owner: "kim" }
}

describe("Tolerant", () => {
  it("keeps every key the schema does not name, at every level, and decodes the known ones", () => {
    const decoded: unknown = Either.getOrThrow(same(Resource, body))
    assert.deepStrictEqual(decoded, {
      id: "r1",
      count: 3,
      extra: { deep: [1, 2] },
      nested: { a: "x", b: "kept" },
      items: [{ value: "v", primary: true, other: 1 }, { value: "plain" }],
      pair: [{ value: "p", more: true }, "s"],
      renamed: "was renamed",
      withDefault: "d",
      "urn:acme:ext": { owner: "kim" }
    })
  })

  it("fails where \"preserve\" fails, naming the path", () => {
    for (
      const bad of [{ ...body, count: "three" }, { ...body, nested: { a: 1 } }, { ...body, id: "forbidden" }, null, []]
    ) {
      const decoded = same(Resource, bad)
      assert.isTrue(Either.isLeft(decoded))
    }
    const decoded = Tolerant.decodeUnknownEither(Resource)({ ...body, nested: { a: 1 } })
    assert.isTrue(Either.isLeft(decoded))
    if (Either.isLeft(decoded)) assert.include(ParseResult.TreeFormatter.formatErrorSync(decoded.left), "[\"nested\"]")
  })

  it("a struct with its own index signature, a recursive schema, a class: decoded with \"preserve\"", () => {
    const Counts = Schema.Struct({ total: Schema.Number }, Schema.Record({ key: Schema.String, value: Schema.Number }))
    assert.isUndefined(Tolerant.make(Counts))
    same(Counts, { total: 1, a: 2 })
    same(Counts, { total: 1, a: "x" })

    interface Node {
      readonly name: string
      readonly children: ReadonlyArray<Node>
    }
    const Node: Schema.Schema<Node> = Schema.Struct({
      name: Schema.String,
      children: Schema.Array(Schema.suspend(() => Node))
    })
    assert.isUndefined(Tolerant.make(Node))
    const tree: unknown = Either.getOrThrow(
      same(Node, { name: "a", x: 1, children: [{ name: "b", y: 2, children: [] }] })
    )
    assert.deepStrictEqual(tree, { name: "a", x: 1, children: [{ name: "b", y: 2, children: [] }] })

    class Device extends Schema.Class<Device>("Device")({ id: Schema.String }) {}
    assert.isDefined(Tolerant.make(Device))
    const device = Either.getOrThrow(same(Device, { id: "d1", color: "red" }))
    assert.instanceOf(device, Device)
  })

  it("a declaration holding a struct (Option, Redacted, Chunk, Data): its type parameters rewritten, nothing lost", () => {
    const S = Schema.Struct({ a: Schema.String })
    const input = { a: "x", b: 1 }
    for (
      const [schema, body] of [
        [Schema.Struct({ o: Schema.OptionFromNullOr(S) }), { o: input }],
        [Schema.Struct({ o: Schema.optionalWith(S, { as: "Option" }) }), { o: input }],
        [Schema.Struct({ r: Schema.Redacted(S) }), { r: input }],
        [Schema.Struct({ c: Schema.Chunk(S) }), { c: [input] }],
        [Schema.Struct({ d: Schema.Data(S) }), { d: input }]
      ] as const
    ) {
      assert.isDefined(Tolerant.make(schema as Schema.Schema<unknown, unknown>))
      same(schema as Schema.Schema<unknown, unknown>, body)
    }
    const decoded = Either.getOrThrow(
      Tolerant.decodeUnknownEither(Schema.Struct({ r: Schema.Redacted(S) }))({ r: input })
    )
    assert.deepStrictEqual(Redacted.value(decoded.r), { a: "x", b: 1 } as { readonly a: string })
  })

  it("an empty struct still takes any value but null and undefined, as it is", () => {
    const Anything = Schema.Struct({ id: Schema.String, data: Schema.Struct({}) })
    for (const data of ["text", 1, [1, 2], { a: 1 }]) same(Anything, { id: "x", data })
    assert.isTrue(Either.isRight(Tolerant.decodeUnknownEither(Anything)({ id: "x", data: "text" })))
    assert.isTrue(Either.isLeft(Tolerant.decodeUnknownEither(Anything)({ id: "x", data: null })))
  })

  it("a struct that already keeps unknown keys is left as it is; the rewrite is built once", () => {
    const Open = Schema.Struct({ id: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.Unknown }))
    const rewritten = Tolerant.make(Open)
    assert.isDefined(rewritten)
    assert.strictEqual(rewritten!.ast, Tolerant.make(Open)!.ast)
    assert.strictEqual(Tolerant.decodeUnknownEither(Open), Tolerant.decodeUnknownEither(Open))
    same(Open, { id: "a", b: 1 })
  })
})

describe("Tolerant.parseJson", () => {
  const hostile = [
    `{"id":"u1","__proto__":{"groups":[{"value":"admins"}]},"name":{"__proto__":{"x":1}}}`,
    `{"id":"u1","\\u005f_proto__":{"groups":[{"value":"admins"}]},"name":{"__pr\\u006fto__":{"x":1}}}`
  ]
  const Person = Schema.Struct({
    id: Schema.String,
    groups: Schema.optional(Schema.Array(Schema.Struct({ value: Schema.String }))),
    name: Schema.optional(Schema.Struct({ given: Schema.optional(Schema.String) }))
  })

  it("without the reviver, a decoder that keeps unknown keys takes `__proto__` as the prototype", () => {
    // The hazard the parser removes: JSON.parse makes an own `__proto__` key, copying it assigns it.
    const decoded = Either.getOrThrow(Tolerant.decodeUnknownEither(Person)(JSON.parse(hostile[0]!)))
    assert.deepStrictEqual(decoded.groups, [{ value: "admins" }], "inherited from the hostile prototype")
  })

  for (const [i, text] of hostile.entries()) {
    it(`drops \`__proto__\` keys at every depth (${i === 0 ? "spelled out" : "behind \\u escapes"})`, () => {
      const parsed = Tolerant.parseJson(text)
      const decoded = Either.getOrThrow(Tolerant.decodeUnknownEither(Person)(parsed))
      assert.strictEqual(Object.getPrototypeOf(decoded), Object.prototype)
      assert.strictEqual(Object.getPrototypeOf(decoded.name), Object.prototype)
      assert.isUndefined(decoded.groups)
      assert.deepStrictEqual(decoded, { id: "u1", name: {} })
    })
  }

  it("parses everything else as JSON.parse does, and throws where it throws", () => {
    for (const text of [`{"a":[1,{"b":"\\u00e9"}],"c":null}`, `[]`, `"x"`, `{"proto":"__proto"}`]) {
      assert.deepStrictEqual(Tolerant.parseJson(text), JSON.parse(text))
    }
    assert.throws(() => Tolerant.parseJson("{not json"))
  })
})

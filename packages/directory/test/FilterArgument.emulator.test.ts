// The `filter` argument from plain JavaScript (issue 11): whatever is passed to users.list,
// users.search, users.stream or groups.list, either the call fails with InvalidFilter or
// UnsupportedFilter and nothing reaches the emulator (not even a token request), or the value was
// a well-formed filter and the server received exactly it. Every attempt gets its own emulator
// and client, so a cached token cannot hide a token request.
import { Filter } from "@asgardeo-scim/core"
import { Directory, Groups, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Either, Exit, FastCheck as fc, Layer, Option, Stream } from "effect"

type Operation = "users.list" | "users.search" | "users.stream" | "groups.list"
const operations: ReadonlyArray<Operation> = ["users.list", "users.search", "users.stream", "groups.list"]

const call = (operation: Operation, filter: unknown): Effect.Effect<unknown, unknown, Users.Users | Groups.Groups> => {
  // Plain JavaScript: the options are built without the types' help.
  const options = { filter } as { readonly filter?: string }
  switch (operation) {
    case "users.list":
      return Effect.flatMap(Users.Users, (u) => u.list(options))
    case "users.search":
      return Effect.flatMap(Users.Users, (u) => u.search(options))
    case "users.stream":
      return Effect.flatMap(Users.Users, (u) => Stream.runCollect(u.stream(options)))
    case "groups.list":
      return Effect.flatMap(Groups.Groups, (g) => g.list(options))
  }
}

interface Attempt {
  readonly exit: Exit.Exit<unknown, unknown>
  /** Every request the emulator saw, token requests included. */
  readonly requests: ReadonlyArray<string>
  /** The filter of each SCIM request, as the server received it (`undefined`: none). */
  readonly received: ReadonlyArray<string | undefined>
}

const attempt = (operation: Operation, filter: unknown): Effect.Effect<Attempt> => {
  const bodies: Array<{ readonly url: string; readonly body: string }> = []
  const emulator = AsgardeoEmulator.layerTest()
  const recording = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (effect, request) => {
        if (request.body._tag === "Uint8Array") {
          bodies.push({ url: request.url, body: new TextDecoder().decode(request.body.body) })
        }
        return effect
      }))
  ).pipe(Layer.provide(emulator))
  const live = Layer.merge(Directory.layer.pipe(Layer.provide(Layer.merge(emulator, recording))), emulator)
  return Effect.gen(function*() {
    const exit = yield* Effect.exit(call(operation, filter))
    const log = yield* Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.log)
    const scim = log.filter((l) => !l.path.endsWith("/oauth2/token"))
    const searches = bodies.filter((b) => b.url.endsWith("/.search"))
    let search = 0
    const received = scim.map((l) => {
      if (l.path.endsWith("/.search")) {
        const body = JSON.parse(searches[search++]!.body) as { readonly filter?: string }
        return body.filter
      }
      return new URLSearchParams(l.query).get("filter") ?? undefined
    })
    return { exit, requests: log.map((l) => `${l.method} ${l.path}`), received }
  }).pipe(Effect.provide(live), Effect.orDie)
}

const failureOf = (exit: Exit.Exit<unknown, unknown>): { readonly _tag?: unknown } | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = Cause.failureOption(exit.cause)
  assert.isTrue(Option.isSome(failure), `not a typed failure: ${Cause.pretty(exit.cause)}`)
  return Option.getOrThrow(failure) as { readonly _tag?: unknown }
}

const isRefusal = (error: { readonly _tag?: unknown } | undefined) =>
  error !== undefined && (error._tag === "InvalidFilter" || error._tag === "UnsupportedFilter")

// An independent oracle: the input, read as plain data (own data properties only), is exactly the
// tree the server's filter text parses to.
const sameTree = (input: unknown, filter: Filter.Filter): boolean => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false
  const keys = Reflect.ownKeys(input)
  const expected = Object.keys(filter)
  if (keys.length !== expected.length || !expected.every((k) => keys.includes(k))) return false
  const field = (key: string): unknown => {
    const descriptor = Reflect.getOwnPropertyDescriptor(input, key)
    return descriptor !== undefined && "value" in descriptor ? descriptor.value : Symbol.for("accessor")
  }
  if (field("_tag") !== filter._tag) return false
  switch (filter._tag) {
    case "Compare":
      return field("attribute") === filter.attribute && field("operator") === filter.operator &&
        Object.is(field("value"), filter.value)
    case "Present":
      return field("attribute") === filter.attribute
    case "And":
    case "Or":
      return sameTree(field("left"), filter.left) && sameTree(field("right"), filter.right)
    case "Not":
      return sameTree(field("filter"), filter.filter)
    case "ValuePath":
      return field("attribute") === filter.attribute && sameTree(field("filter"), filter.filter)
  }
}

/** The property, for one operation and one value. */
const neverReachesTheWire = (operation: Operation, value: unknown) =>
  Effect.gen(function*() {
    const { exit, received, requests } = yield* attempt(operation, value)
    const error = failureOf(exit)
    if (isRefusal(error)) {
      assert.deepStrictEqual(requests, [], `${operation}: refused with ${String(error?._tag)} but sent requests`)
      return "refused" as const
    }
    // Not refused: it went to the server (a success, or a server error after sending).
    assert.isAbove(received.length, 0, `${operation}: neither refused nor sent (${String(error?._tag)})`)
    if (value === undefined) {
      for (const text of received) assert.isUndefined(text, "no filter means no filter parameter")
      return "sent" as const
    }
    for (const text of received) {
      assert.isString(text, `${operation}: a filter was passed but none was sent`)
      const back = Filter.parse(text!)
      assert.isTrue(Either.isRight(back), `${operation}: the server received an unparseable filter: ${text}`)
      const tree = Either.getOrThrow(back)
      if (typeof value === "string") {
        const meant = Filter.parse(value, { bareValues: true })
        assert.isTrue(Either.isRight(meant) && Filter.equals(Either.getOrThrow(meant), tree), text)
      } else {
        assert.isTrue(sameTree(value, tree), `${operation}: the server received ${text}, not the filter passed`)
      }
    }
    return "sent" as const
  })

// -------------------------------------------------------------------------------------------------
// generators
// -------------------------------------------------------------------------------------------------

type Node = { readonly [key: string]: unknown }

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}$/)
const attribute = fc.oneof(
  fc.constantFrom("userName", "displayName", "name.givenName", "emails.value", "title"),
  name,
  fc.tuple(name, name).map(([a, b]) => `${a}.${b}`)
)
const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null)
)
const operator = fc.constantFrom(...Filter.compareOperators)
const asgardeoOperator = fc.constantFrom<Filter.CompareOperator>("eq", "ne", "co", "sw", "ew", "ge", "le")
const leaf: fc.Arbitrary<Filter.Filter> = fc.oneof(
  fc.tuple(attribute, operator, value).map(([a, o, v]) => Filter.compare(a, o, v)),
  attribute.map(Filter.pr)
)
const tree = (inValuePath: boolean): fc.Arbitrary<Filter.Filter> =>
  fc.letrec<{ filter: Filter.Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: "small", maxDepth: 5 },
      leaf,
      fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => Filter.and(l, r)),
      fc.tuple(tie("filter"), tie("filter")).map(([l, r]) => Filter.or(l, r)),
      tie("filter").map(Filter.not),
      inValuePath ? leaf : fc.tuple(attribute, tree(true)).map(([a, f]) => Filter.valuePath(a, f))
    )
  })).filter
/** Well-formed filters Asgardeo's user profile accepts: comparisons joined with `and`. */
const asgardeoTree = fc.array(
  fc.tuple(attribute, asgardeoOperator, value).map(([a, o, v]) => Filter.compare(a, o, v)),
  { minLength: 1, maxLength: 4 }
).map(([first, ...rest]) => rest.reduce<Filter.Filter>((acc, f) => Filter.and(acc, f), first!))

const copy = (node: unknown): unknown => {
  if (typeof node !== "object" || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) out[k] = copy(v)
  return out
}

/** The nodes of a tree in reading order, with a way to replace each in a copy. */
const replaceAt = (root: Filter.Filter, index: number, f: (node: Node) => unknown): unknown => {
  const out = copy(root) as Node
  const nodes: Array<readonly [Node, (n: unknown) => unknown]> = []
  const visit = (node: Node, set: (n: unknown) => unknown) => {
    nodes.push([node, set])
    const mutable = node as Record<string, unknown>
    for (const key of ["left", "right", "filter"]) {
      const child = node[key]
      if (typeof child === "object" && child !== null) visit(child as Node, (n) => (mutable[key] = n))
    }
  }
  let result: unknown = out
  visit(out, (n) => (result = n))
  const [node, set] = nodes[index % nodes.length]!
  set(f(node))
  return result
}

const without = (node: Node, key: string): Node => {
  const out: Record<string, unknown> = { ...node }
  delete out[key]
  return out
}

const notAFilter = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    42,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    {},
    [],
    [Filter.eq("userName", "a")],
    { _tag: "Nope" },
    { _tag: "Compare" },
    { _tag: "compare", attribute: "userName", operator: "eq", value: "a" },
    () => Filter.eq("userName", "a"),
    Symbol("filter"),
    BigInt(1),
    new Date(0),
    new Map(),
    new String(`userName eq "a"`)
  ),
  fc.anything().filter((u) => typeof u !== "string")
)
const badTag = fc.constantFrom<unknown>("Nope", "compare", "AND", "", "__proto__", "constructor", 42, null, undefined)
const badOperator = fc.constantFrom<unknown>("EQ", "like", "pr", "", " eq", "eq ", "and", 42, null, undefined, {})
const badValue = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  undefined,
  {},
  [],
  ["a"],
  { toJSON: () => "x" },
  BigInt(7),
  Symbol("v"),
  new Date(0),
  () => "x"
)
const badAttribute = fc.constantFrom<unknown>(
  "",
  "user name",
  "a\"b",
  "emails[type eq \"work\"]",
  "a.b.c",
  "1abc",
  "foo:bar",
  "userName eq \"x\" or userName",
  42,
  null,
  undefined
)

/** One mutation that makes a well-formed tree ill-formed. */
const nearMiss: fc.Arbitrary<unknown> = fc.oneof(
  // a missing field
  fc.tuple(tree(false), fc.nat(), fc.nat()).map(([t, i, k]) =>
    replaceAt(t, i, (node) => {
      const keys = Object.keys(node)
      return without(node, keys[k % keys.length]!)
    })
  ),
  // a wrong tag
  fc.tuple(tree(false), fc.nat(), badTag).map(([t, i, tag]) => replaceAt(t, i, (node) => ({ ...node, _tag: tag }))),
  // a bad operator
  fc.tuple(tree(false), fc.nat(), badOperator).map(([t, i, op]) =>
    replaceAt(
      Filter.and(t, Filter.eq("userName", "a")),
      i,
      (node) =>
        node._tag === "Compare"
          ? { ...node, operator: op }
          : { _tag: "Compare", attribute: "a", operator: op, value: 1 }
    )
  ),
  // a non-finite number or a value that is not JSON
  fc.tuple(tree(false), fc.nat(), badValue).map(([t, i, v]) =>
    replaceAt(
      t,
      i,
      (node) =>
        node._tag === "Compare" ? { ...node, value: v } : { _tag: "Compare", attribute: "a", operator: "eq", value: v }
    )
  ),
  // an attribute path that is not one, or not a string
  fc.tuple(tree(false), fc.nat(), badAttribute).map(([t, i, a]) =>
    replaceAt(t, i, (node) => ("attribute" in node ? { ...node, attribute: a } : { _tag: "Present", attribute: a }))
  ),
  // an extra property
  fc.tuple(tree(false), fc.nat(), fc.constantFrom("extra", "filter", "value", "__proto__")).map(([t, i, key]) =>
    replaceAt(t, i, (node) => {
      const out: Record<string, unknown> = { ...node }
      if (key in out) return { ...out, extra: 1 }
      Object.defineProperty(out, key, { value: 1, enumerable: true, writable: true, configurable: true })
      return out
    })
  ),
  // a child that is not a filter (mixed valid and invalid subtrees)
  fc.tuple(tree(false), notAFilter, fc.constantFrom("and", "or", "not", "valuePath", "and-left")).map(([t, bad, how]) =>
    how === "and"
      ? Filter.and(t, bad as Filter.Filter)
      : how === "and-left"
      ? Filter.and(bad as Filter.Filter, t)
      : how === "or"
      ? Filter.or(t, bad as Filter.Filter)
      : how === "not"
      ? Filter.not(bad as Filter.Filter)
      : Filter.valuePath("emails", bad as Filter.Filter)
  ),
  // nested value paths
  fc.tuple(attribute, attribute, leaf).map(([a, b, l]) => Filter.valuePath(a, Filter.and(l, Filter.valuePath(b, l)))),
  // nesting deeper than the parser accepts
  fc.tuple(leaf, fc.integer({ min: Filter.maxDepth + 1, max: Filter.maxDepth + 40 }), fc.boolean()).map(
    ([l, depth, useNot]) => {
      let f = l
      for (let i = 0; i < depth; i++) f = useNot ? Filter.not(f) : Filter.and(Filter.pr("a"), Filter.or(f, l))
      return f
    }
  )
)

const getterLaden = () => {
  let reads = 0
  const node = { _tag: "Compare", operator: "eq", value: "a" }
  Object.defineProperty(node, "attribute", {
    enumerable: true,
    get: () => (reads++ === 0 ? "userName" : "userName eq \"x\" or userName")
  })
  return node
}
const cyclic = () => {
  const node: Record<string, unknown> = { _tag: "And", left: Filter.eq("userName", "a") }
  node.right = node
  return node
}
const throwingProxy = () =>
  new Proxy(Filter.eq("userName", "a"), {
    ownKeys: () => {
      throw new Error("boom")
    }
  })
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable(Filter.eq("userName", "a"), {})
  revoke()
  return proxy
}
const exponential = () => {
  let f: Filter.Filter = Filter.eq("userName", "a")
  for (let i = 0; i < 60; i++) f = Filter.and(f, f)
  return f
}
const inherited = () => Object.create(Filter.eq("userName", "a")) as unknown
const deepFreeze = <A>(a: A): A => {
  if (typeof a === "object" && a !== null) {
    for (const v of Object.values(a)) deepFreeze(v)
    Object.freeze(a)
  }
  return a
}

/**
 * Made inside the property: fast-check probes generated values (`cloneMethod in value`, and
 * printing counterexamples), which a revoked or throwing proxy would not survive.
 */
class Lazy {
  constructor(readonly make: () => unknown, readonly name: string) {}
  toString() {
    return `Lazy(${this.name})`
  }
}
const unwrap = (u: unknown): unknown => (u instanceof Lazy ? u.make() : u)

const hostileMagic = fc.constantFrom(getterLaden, cyclic, throwingProxy, revoked, exponential, inherited)
  .map((make) => new Lazy(make, make.name))
/** Well-formed filters in unusual clothes: these may be sent. */
const wellFormedMagic = fc.oneof(
  asgardeoTree.map((f) => deepFreeze(copy(f))),
  asgardeoTree.map((f) => new Proxy(copy(f) as object, {})),
  asgardeoTree.map((f) => Object.assign(Object.create(null) as object, copy(f)))
)

const anyValue = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true
  }),
  notAFilter,
  nearMiss,
  hostileMagic,
  tree(false),
  asgardeoTree,
  asgardeoTree.filter((f) => f._tag === "Compare"),
  wellFormedMagic,
  fc.constantFrom(`userName eq "a"`, `userName eq "a" or userName pr`, "userName eq", "", `title pr`)
)

// -------------------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------------------

describe("the filter argument from plain JavaScript", () => {
  const eq = Filter.eq("userName", "kim@example.com")
  const named: ReadonlyArray<readonly [string, unknown]> = [
    ["42", 42],
    ["{}", {}],
    ["[]", []],
    ["true", true],
    ["NaN", Number.NaN],
    ["{ _tag: \"Nope\" }", { _tag: "Nope" }],
    ["null", null],
    ["Filter.not(undefined)", Filter.not(undefined as unknown as Filter.Filter)],
    ["{ _tag: \"Compare\" }", { _tag: "Compare" }],
    ["Filter.and(eq, 42)", Filter.and(eq, 42 as unknown as Filter.Filter)]
  ]
  for (const [label, value] of named) {
    for (const operation of operations) {
      it.effect(`${operation}({ filter: ${label} }) fails with InvalidFilter before any request`, () =>
        Effect.gen(function*() {
          const { exit, requests } = yield* attempt(operation, value)
          const error = failureOf(exit)
          assert.strictEqual(error?._tag, "InvalidFilter", `accepted: sent ${JSON.stringify(requests)}`)
          assert.deepStrictEqual(requests, [])
        }))
    }
  }

  it.effect("an absent filter (undefined) still means no filter", () =>
    Effect.gen(function*() {
      for (const operation of operations) {
        const { exit, received } = yield* attempt(operation, undefined)
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(received, [undefined])
      }
    }))

  it.effect("a well-formed filter in a frozen object, a proxy or a null-prototype object is sent as it is", () =>
    Effect.gen(function*() {
      const filter = Filter.and(Filter.sw("userName", "kim"), Filter.eq("name.givenName", "Kim"))
      for (const value of [deepFreeze(copy(filter)), new Proxy(copy(filter) as object, {})]) {
        const { exit, received } = yield* attempt("users.list", value)
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(received, [`userName sw "kim" and name.givenName eq "Kim"`])
      }
    }))

  it.effect("a getter, a cycle, a throwing or revoked proxy, an inherited tag, 2^60 shared nodes: refused", () =>
    Effect.gen(function*() {
      for (const make of [getterLaden, cyclic, throwingProxy, revoked, exponential, inherited]) {
        const { exit, requests } = yield* attempt("users.list", make())
        assert.strictEqual(failureOf(exit)?._tag, "InvalidFilter", make.name)
        assert.deepStrictEqual(requests, [])
      }
    }))

  it.effect.prop(
    "near misses (missing fields, wrong tags, bad operators, values, attributes, nesting) never reach the wire",
    [nearMiss, fc.constantFrom(...operations)],
    ([value, operation]) =>
      Effect.gen(function*() {
        const { exit, requests } = yield* attempt(operation, value)
        assert.strictEqual(failureOf(exit)?._tag, "InvalidFilter")
        assert.deepStrictEqual(requests, [])
      }),
    { timeout: 120_000, fastCheck: { numRuns: 200 } }
  )

  it.effect.prop(
    "any JavaScript value: refused before any request, or exactly the well-formed filter is sent",
    [anyValue, fc.constantFrom(...operations)],
    ([value, operation]) => Effect.asVoid(neverReachesTheWire(operation, unwrap(value))),
    { timeout: 120_000, fastCheck: { numRuns: 400 } }
  )
})

/**
 * Decoding what a server answers without losing what the schema does not name: a get, modify,
 * replace loop must send back the attributes it did not know about.
 *
 * `Schema.decodeUnknown(schema, { onExcessProperty: "preserve" })` keeps them, but it checks
 * every key of every object against a union of the expected keys, which makes a user's decode
 * about twice the cost of its known fields. Here the schema is rewritten once: every struct
 * gains a `string → unknown` index signature (unless it has one), and the result is decoded with
 * the default options. The index signature copies each unknown key as it is; the known fields
 * are decoded as before. The value is the same as with `"preserve"` (a test compares the two on
 * every resource schema of the library); only the key order differs (known fields first).
 *
 * @since 0.3.0
 */
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

const unknownRest = (signature: AST.IndexSignature): boolean =>
  signature.parameter._tag === "StringKeyword" && signature.type._tag === "UnknownKeyword"

const rest = new AST.IndexSignature(AST.stringKeyword, AST.unknownKeyword, true)

/** `undefined`: the schema has a part this rewrite cannot keep exact; it is decoded as it is. */
const rewritten = new WeakMap<AST.AST, AST.AST | undefined>()

const rewrite = (ast: AST.AST): AST.AST | undefined => {
  if (rewritten.has(ast)) return rewritten.get(ast)
  const next = rewriteNode(ast)
  rewritten.set(ast, next)
  return next
}

const all = (asts: ReadonlyArray<AST.AST>): Array<AST.AST> | undefined => {
  const out: Array<AST.AST> = []
  for (const ast of asts) {
    const next = rewrite(ast)
    if (next === undefined) return undefined
    out.push(next)
  }
  return out
}

const rewriteNode = (ast: AST.AST): AST.AST | undefined => {
  switch (ast._tag) {
    case "TypeLiteral": {
      // `Schema.Struct({})` takes any value but null and undefined, as it is: left so.
      if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) return ast
      // A struct with other index signatures: which keys they take, and in which order the
      // added one would overwrite their values, depends on the keys; not rewritten.
      if (!ast.indexSignatures.every(unknownRest)) return undefined
      const types = all(ast.propertySignatures.map((ps) => ps.type))
      if (types === undefined) return undefined
      return new AST.TypeLiteral(
        ast.propertySignatures.map((ps, i) =>
          new AST.PropertySignature(ps.name, types[i]!, ps.isOptional, ps.isReadonly, ps.annotations)
        ),
        ast.indexSignatures.length > 0 ? ast.indexSignatures : [rest],
        ast.annotations
      )
    }
    case "Union": {
      const types = all(ast.types)
      return types === undefined ? undefined : AST.Union.make(types, ast.annotations)
    }
    case "TupleType": {
      const elements = all(ast.elements.map((e) => e.type))
      const rests = all(ast.rest.map((r) => r.type))
      if (elements === undefined || rests === undefined) return undefined
      return new AST.TupleType(
        ast.elements.map((e, i) => new AST.OptionalType(elements[i]!, e.isOptional, e.annotations)),
        ast.rest.map((r, i) => new AST.Type(rests[i]!, r.annotations)),
        ast.isReadonly,
        ast.annotations
      )
    }
    case "Refinement": {
      const from = rewrite(ast.from)
      return from === undefined ? undefined : new AST.Refinement(from, ast.filter, ast.annotations)
    }
    case "Transformation": {
      const from = rewrite(ast.from)
      const to = rewrite(ast.to)
      return from === undefined || to === undefined
        ? undefined
        : new AST.Transformation(from, to, ast.transformation, ast.annotations)
    }
    case "Declaration": {
      // `Option`, `Redacted`, `Chunk`, `Data`, a class, ...: they decode what they hold through
      // their type parameters, with the caller's options: rewritten too, or a struct inside would
      // drop its unknown keys again.
      if (ast.typeParameters.length === 0) return ast
      const typeParameters = all(ast.typeParameters)
      return typeParameters === undefined
        ? undefined
        : new AST.Declaration(typeParameters, ast.decodeUnknown, ast.encodeUnknown, ast.annotations)
    }
    case "Suspend":
      // A recursive schema: what it holds is known only when it is parsed.
      return undefined
    default:
      // Primitives, literals, enums, template literals: decoded as they are.
      return ast
  }
}

const withoutProto = (key: string, value: unknown): unknown => key === "__proto__" ? undefined : value

/**
 * `JSON.parse` without `__proto__` keys, for text a server sent. `JSON.parse` makes
 * `"__proto__"` an own key, and a decoder that copies keys (`decodeUnknownEither` here, or
 * Effect's `onExcessProperty: "preserve"`) assigns it, which sets the decoded object's
 * prototype: a hostile server could make `user.active` read `true` through it. The keys are
 * dropped by a reviver that runs only when the text can hold one (spelled out, or behind a
 * backslash-u escape), so a common body costs one scan. Throws as `JSON.parse` does.
 *
 * @since 0.3.0
 * @category decoding
 */
export const parseJson = (text: string): unknown =>
  text.includes("__proto__") || text.includes("\\u") ? JSON.parse(text, withoutProto) : JSON.parse(text)

const decoders = new WeakMap<AST.AST, (u: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * The schema with every struct keeping the keys it does not name (see the module's note), or
 * `undefined` when it cannot be rewritten exactly: a struct with an index signature other than
 * `string → unknown`, or a recursive (`Schema.suspend`) part.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A, I, R> | undefined => {
  const ast = rewrite(schema.ast)
  return ast === undefined ? undefined : Schema.make<A, I, R>(ast)
}

/**
 * Decodes `u` with `schema`, keeping every key it does not name, as
 * `Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })` does, at about the cost
 * of the known fields. The rewritten schema is built once per schema; a schema that cannot be
 * rewritten exactly (see `make`) is decoded with `"preserve"`.
 *
 * @example
 * ```ts
 * import { Tolerant } from "@asgardeo-scim/core"
 * import { Either, Schema } from "effect"
 *
 * const Device = Schema.Struct({ id: Schema.String, name: Schema.Struct({ model: Schema.String }) })
 * const decoded = Tolerant.decodeUnknownEither(Device)({
 *   id: "d1",
 *   name: { model: "X1", color: "red" },
 *   "urn:acme:device": { owner: "kim" }
 * })
 * assert.deepStrictEqual(Either.getOrThrow(decoded), {
 *   id: "d1",
 *   name: { model: "X1", color: "red" },
 *   "urn:acme:device": { owner: "kim" }
 * })
 * ```
 *
 * @since 0.3.0
 * @category decoding
 */
export const decodeUnknownEither = <A, I>(
  schema: Schema.Schema<A, I, never>
): (u: unknown) => Either.Either<A, ParseResult.ParseError> => {
  let decode = decoders.get(schema.ast)
  if (decode === undefined) {
    const ast = rewrite(schema.ast)
    decode = ast === undefined
      ? Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })
      : Schema.decodeUnknownEither(Schema.make<unknown, unknown, never>(ast))
    decoders.set(schema.ast, decode)
  }
  // The rewritten schema has the type of `schema`: only index signatures of `unknown` were added.
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

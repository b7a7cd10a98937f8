/**
 * What every error class of asgardeo-scim shares, written once: a `Schema.TaggedError` whose
 * identifier is `<namespace>/<tag>`, a type id that marks the errors of one module (so a guard
 * such as `ScimError.isScimError` is one property check), and a `message` computed from the
 * fields. `ScimError` and hr's `HrError` build their classes with it; each class stays a real
 * `Schema.TaggedError` (`Effect.catchTag`, `Schema.decode`, `instanceof` all work as usual).
 *
 * @example
 * ```ts
 * import { ErrorClass } from "@asgardeo-scim/core"
 * import * as Predicate from "effect/Predicate"
 * import * as Schema from "effect/Schema"
 *
 * const TypeId: unique symbol = Symbol.for("my-app/MyError")
 * type TypeId = typeof TypeId
 * const MyError = ErrorClass.make(TypeId, "my-app/MyError")
 *
 * class Refused extends MyError<Refused>()("Refused", { reason: Schema.String }, (self) => `Refused: ${self.reason}`) {}
 *
 * new Refused({ reason: "no" }).message // "Refused: no"
 * Predicate.hasProperty(new Refused({ reason: "no" }), TypeId) // true
 * ```
 *
 * @since 0.2.0
 */
import type * as Cause from "effect/Cause"
import * as Schema from "effect/Schema"

/**
 * The fields of a class built by {@link make}: the given fields and its `_tag`.
 *
 * @since 0.2.0
 * @category models
 */
export type TaggedFields<Tag extends string, Fields extends Schema.Struct.Fields> =
  & { readonly _tag: Schema.tag<Tag> }
  & Fields

/**
 * A class built by {@link make}: what `Schema.TaggedError` gives (`Schema.TaggedErrorClass`),
 * with instances that also carry the module's type id.
 *
 * @since 0.2.0
 * @category models
 */
export interface TaggedErrorClass<Self, Tag extends string, Fields extends Schema.Struct.Fields, Id extends symbol>
  extends
    Schema.Class<
      Self,
      TaggedFields<Tag, Fields>,
      Schema.Struct.Encoded<TaggedFields<Tag, Fields>>,
      Schema.Struct.Context<TaggedFields<Tag, Fields>>,
      Schema.Struct.Constructor<Fields>,
      { readonly [K in Id]: Id },
      Cause.YieldableError
    >
{
  readonly _tag: Tag
}

/**
 * Builds the error classes of one module: `make(TypeId, namespace)<Self>()(tag, fields, message)`
 * is the base of `class Self extends ...`: a `Schema.TaggedError` with the identifier
 * `${namespace}/${tag}` and the tag and fields given, whose instances carry `[TypeId]: TypeId`
 * and whose `message` is computed from the fields by `message` (so it never goes stale).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make =
  <Id extends symbol>(typeId: Id, namespace: string) =>
  <Self = never>() =>
  <Tag extends string, Fields extends Schema.Struct.Fields>(
    tag: Tag,
    fields: Fields,
    message: (self: Schema.Struct.Type<TaggedFields<Tag, Fields>>) => string
  ): [Self] extends [never] ? "Missing `Self` generic: class Self extends Make<Self>()(tag, fields, message)"
    : TaggedErrorClass<Self, Tag, Fields, Id> =>
  {
    const anyTag: string = tag
    const anyFields: Schema.Struct.Fields = fields
    // The constructor has decoded `fields` onto the instance by the time `message` is read.
    const describe = message as (self: Tagged) => string
    class Tagged extends Schema.TaggedError<Tagged>(`${namespace}/${tag}`)(anyTag, anyFields) {
      constructor(props: object, options?: Schema.MakeOptions) {
        super(props, options)
        // An own property, as a class field `readonly [TypeId] = TypeId` would be.
        Object.defineProperty(this, typeId, { value: typeId, enumerable: true, writable: true, configurable: true })
      }
      override get message(): string {
        return describe(this)
      }
    }
    // Built from type parameters, which TypeScript cannot follow through `Schema.TaggedError`'s
    // conditional type: the declared return type says what the class is.
    return Tagged as never
  }

/**
 * Typed custom extension attributes: give a `Schema` for the attributes stored under an
 * extension URN (Asgardeo's `urn:scim:schemas:extension:custom:User` by default) and read and
 * write them typed.
 *
 * @example
 * ```ts
 * import { CustomExtension, Users } from "@asgardeo-scim/directory"
 * import { Effect, Redacted, Schema } from "effect"
 *
 * const Hr = CustomExtension.make(Schema.Struct({ badge: Schema.String, floor: Schema.optional(Schema.Number) }))
 *
 * Effect.gen(function*() {
 *   const users = yield* Users.Users
 *   const user = yield* users.create({
 *     userName: "kim@example.com", email: "kim@example.com", askPassword: true,
 *     attributes: { ...Hr.write({ badge: "B-7" }) }
 *   })
 *   const hr = yield* Hr.read(user) // { badge: "B-7" }
 *   yield* users.patch(user.id, [Hr.replace({ badge: "B-8", floor: 3 })])
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as Patch from "@asgardeo-scim/core/Patch"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Tolerant from "@asgardeo-scim/core/Tolerant"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { CustomUrn } from "./User.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface CustomExtension<A, I extends { readonly [key: string]: unknown }, Urn extends string> {
  readonly urn: Urn
  readonly schema: Schema.Schema<A, I>
  /**
   * Decodes the extension of a user; an absent extension decodes as `{}`. A value that does not
   * match the schema fails with `InvalidAttribute` (the URN, the attribute's path, the reason);
   * a `user` that is not an object, with `InvalidInput`.
   */
  readonly read: (
    user: { readonly [key: string]: unknown }
  ) => Effect.Effect<A, ScimError.InvalidAttribute | ScimError.InvalidInput>
  /** `None` when the user has no such extension object. */
  readonly readOption: (
    user: { readonly [key: string]: unknown }
  ) => Effect.Effect<Option.Option<A>, ScimError.InvalidAttribute | ScimError.InvalidInput>
  /** `{ [urn]: encoded }`, to spread into `NewUser.attributes` or a replaced user. */
  readonly write: (value: A) => { readonly [K in Urn]: I }
  /** A path-less PATCH replace of the extension's attributes. */
  readonly replace: (value: A) => Patch.PatchOperation
}

const isObject = (u: unknown): u is { readonly [key: string]: unknown } =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = <A, I extends { readonly [key: string]: unknown }, Urn extends string = typeof CustomUrn>(
  schema: Schema.Schema<A, I>,
  urn: Urn = CustomUrn as Urn
): CustomExtension<A, I, Urn> => {
  const decode = Tolerant.decodeUnknownEither(schema)
  const encode = Schema.encodeSync(schema)
  const read = (user: { readonly [key: string]: unknown }) =>
    Effect.suspend((): Effect.Effect<A, ScimError.InvalidAttribute | ScimError.InvalidInput> => {
      if (!isObject(user)) {
        return Effect.fail(
          new ScimError.InvalidInput({
            operation: "CustomExtension.read",
            field: "user",
            reason: `expected a user object, got ${
              user === null ? "null" : Array.isArray(user) ? "an array" : typeof user
            }`
          })
        )
      }
      const r = decode(user[urn] ?? {})
      if (Either.isRight(r)) return Effect.succeed(r.right)
      // The user is already in hand (from any response, or from the caller): the error names the
      // attribute, not a request that was never made.
      const issue = ParseResult.ArrayFormatter.formatErrorSync(r.left)[0]
      return Effect.fail(
        new ScimError.InvalidAttribute({
          urn,
          attribute: issue === undefined ? "" : issue.path.map(String).join("."),
          reason: issue === undefined ? ParseResult.TreeFormatter.formatErrorSync(r.left) : issue.message
        })
      )
    })
  return {
    urn,
    schema,
    read,
    readOption: (user) =>
      isObject(user) && user[urn] === undefined
        ? Effect.succeedNone
        : Effect.asSome(read(user)),
    write: (value) => ({ [urn]: encode(value) }) as { readonly [K in Urn]: I },
    replace: (value) => ({ op: "replace", value: { [urn]: encode(value) as Patch.Json } })
  }
}

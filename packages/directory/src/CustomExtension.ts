/**
 * Typed custom extension attributes: give a `Schema` for the attributes stored under an
 * extension URN (Asgardeo's `urn:scim:schemas:extension:custom:User` by default) and read and
 * write them typed.
 *
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
  /** Decodes the extension of a user; an absent extension decodes as `{}`. */
  readonly read: (user: { readonly [key: string]: unknown }) => Effect.Effect<A, ScimError.InvalidResponse>
  /** `None` when the user has no such extension object. */
  readonly readOption: (
    user: { readonly [key: string]: unknown }
  ) => Effect.Effect<Option.Option<A>, ScimError.InvalidResponse>
  /** `{ [urn]: encoded }`, to spread into `NewUser.attributes` or a replaced user. */
  readonly write: (value: A) => { readonly [K in Urn]: I }
  /** A path-less PATCH replace of the extension's attributes. */
  readonly replace: (value: A) => Patch.PatchOperation
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = <A, I extends { readonly [key: string]: unknown }, Urn extends string = typeof CustomUrn>(
  schema: Schema.Schema<A, I>,
  urn: Urn = CustomUrn as Urn
): CustomExtension<A, I, Urn> => {
  const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })
  const encode = Schema.encodeSync(schema)
  const read = (user: { readonly [key: string]: unknown }) =>
    Effect.suspend(() => {
      const r = decode(user[urn] ?? {})
      return Either.isRight(r) ? Effect.succeed(r.right) : Effect.fail(
        new ScimError.InvalidResponse({
          method: "GET",
          path: "/Users",
          status: 200,
          reason: `${urn}: ${ParseResult.TreeFormatter.formatErrorSync(r.left)}`
        })
      )
    })
  return {
    urn,
    schema,
    read,
    readOption: (user) => (user[urn] === undefined ? Effect.succeedNone : Effect.asSome(read(user))),
    write: (value) => ({ [urn]: encode(value) }) as { readonly [K in Urn]: I },
    replace: (value) => ({ op: "replace", value: { [urn]: encode(value) as Patch.Json } })
  }
}

// ErrorClass.make: a class built with it is a real Schema.TaggedError (catchTag, decode, instanceof,
// the identifier `<namespace>/<tag>`) whose instances carry the module's type id as an own property
// and whose message is computed from the fields.
import { ErrorClass } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Predicate, Schema } from "effect"

const TypeId: unique symbol = Symbol.for("test/ErrorClass")
type TypeId = typeof TypeId
const Make = ErrorClass.make(TypeId, "test/ErrorClass")

class Refused extends Make<Refused>()(
  "Refused",
  { reason: Schema.String, count: Schema.optional(Schema.Number) },
  (self) => `Refused (${self._tag}): ${self.reason}${self.count === undefined ? "" : ` x${self.count}`}`
) {}

describe("ErrorClass.make", () => {
  it.effect("builds a Schema.TaggedError with the type id and a computed message", () =>
    Effect.gen(function*() {
      const error = new Refused({ reason: "no", count: 2 })
      assert.strictEqual(Refused.identifier, "test/ErrorClass/Refused")
      assert.strictEqual(error._tag, "Refused")
      assert.strictEqual(error.message, "Refused (Refused): no x2")
      assert.strictEqual(String(error), "Refused: Refused (Refused): no x2")
      assert.isTrue(Predicate.hasProperty(error, TypeId))
      assert.isTrue(Object.prototype.propertyIsEnumerable.call(error, TypeId))
      const tag: TypeId = error[TypeId]
      assert.strictEqual(tag, TypeId)
      const caught = yield* Effect.fail(error).pipe(Effect.catchTag("Refused", (e) => Effect.succeed(e.reason)))
      assert.strictEqual(caught, "no")
      const decoded = Schema.decodeUnknownSync(Refused)({ _tag: "Refused", reason: "later" })
      assert.instanceOf(decoded, Refused)
      assert.strictEqual(decoded.message, "Refused (Refused): later")
      assert.throws(() => new Refused({ reason: 42 as any }))
    }))
})

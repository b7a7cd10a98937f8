import { UndiciHttpClient } from "@asgardeo-scim/undici"
import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"

// What a plain-JavaScript caller may pass: the layer fails with InvalidOptions before any request.
const build = (options: unknown) =>
  HttpClient.HttpClient.pipe(
    Effect.provide(UndiciHttpClient.layerWithOptions(options as UndiciHttpClient.Options)),
    Effect.scoped,
    Effect.either
  )

describe("UndiciHttpClient options", () => {
  it.effect("valid settings and a proxy URL build the engine", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isRight(yield* build({ connections: 4 })))
      assert.isTrue(Either.isRight(yield* build({ proxy: "http://proxy.internal:3128" })))
      assert.isTrue(Either.isRight(yield* build({ proxy: new URL("http://proxy.internal:3128") })))
      assert.isTrue(Either.isRight(yield* Effect.either(Effect.scoped(Layer.build(UndiciHttpClient.layer)))))
    }))

  for (
    const [name, options, reason] of [
      ["null", null, "options must be an object"],
      ["a string", "fast", "options must be an object"],
      ["an array", [], "options must be an object"],
      ["a proxy that is a number", { proxy: 42 }, "proxy must be a URL or ProxyAgent options with a uri"],
      ["proxy options without a uri", { proxy: {} }, "proxy must be a URL or ProxyAgent options with a uri"],
      ["a proxy URL that does not parse", { proxy: "::user:s3cret@" }, "invalid proxy URL"],
      ["connections that are not a number", { connections: "many" }, "invalid connections"]
    ] as const
  ) {
    it.effect(`${name}: InvalidOptions, and the message holds no secret`, () =>
      Effect.gen(function*() {
        const result = yield* build(options)
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) {
          assert.strictEqual(result.left._tag, "InvalidOptions")
          assert.include(result.left.reason, reason)
          assert.notInclude(result.left.message, "s3cret")
        }
      }))
  }
})

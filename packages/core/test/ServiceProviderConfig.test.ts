// `ServiceProviderConfig.ensureSupported`: the one place an operation refuses a feature the server
// does not advertise, with `Unsupported` naming the feature and why.
import { ScimError, ServiceProviderConfig } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

const answered = (status: number) =>
  Effect.fail(
    status === 404
      ? new ScimError.NotFound({ method: "GET", path: "/ServiceProviderConfig", status })
      : status === 501
      ? new ScimError.NotImplemented({ method: "GET", path: "/ServiceProviderConfig", status })
      : new ScimError.ServerError({ method: "GET", path: "/ServiceProviderConfig", status })
  )

const config = (body: unknown) => Effect.succeed(ServiceProviderConfig.decode(body))

describe("ServiceProviderConfig.ensureSupported", () => {
  it.effect("an advertised feature: the configuration", () =>
    Effect.gen(function*() {
      const spc = yield* ServiceProviderConfig.ensureSupported(
        config({ bulk: { supported: "true", maxOperations: 7 } }),
        { operation: "Bulk.execute", feature: "bulk" }
      )
      assert.strictEqual(spc.bulk.maxOperations, 7)
    }))

  it.effect("supported: false: Unsupported naming the operation, the feature, why and what to do instead", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ServiceProviderConfig.ensureSupported(
        config({ bulk: { supported: true }, etag: { supported: false } }),
        { operation: "Users.update", feature: "etag", instead: "pass { unconditional: true }", absent: "tried" }
      ))
      assert.strictEqual(error._tag, "Unsupported")
      if (error._tag !== "Unsupported") return
      assert.strictEqual(error.operation, "Users.update")
      assert.strictEqual(error.feature, "etag")
      assert.strictEqual(
        error.reason,
        "its ServiceProviderConfig has etag.supported false; pass { unconditional: true }"
      )
      assert.strictEqual(
        error.message,
        "Users.update: the server does not support etag: its ServiceProviderConfig has etag.supported false; " +
          "pass { unconditional: true }"
      )
      assert.isTrue(ScimError.isScimError(error))
    }))

  for (const status of [404, 501]) {
    it.effect(`no configuration (${status}): refused by default, tried with absent: "tried"`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          ServiceProviderConfig.ensureSupported(answered(status), { operation: "Users.list", feature: "sort" })
        )
        assert.strictEqual(error._tag, "Unsupported")
        assert.include(error._tag === "Unsupported" ? error.reason : "", "no ServiceProviderConfig")
        const tried = yield* ServiceProviderConfig.ensureSupported(answered(status), {
          operation: "Bulk.execute",
          feature: "bulk",
          absent: "tried"
        })
        assert.strictEqual(tried, ServiceProviderConfig.none)
      }))
  }

  it.effect("a configuration that says false is refused even with absent: \"tried\"", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ServiceProviderConfig.ensureSupported(config({}), {
        operation: "Bulk.execute",
        feature: "bulk",
        absent: "tried"
      }))
      assert.strictEqual(error._tag, "Unsupported")
    }))

  it.effect("any other failure to read the configuration stays the caller's error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        ServiceProviderConfig.ensureSupported(answered(500), { operation: "Bulk.execute", feature: "bulk" })
      )
      assert.strictEqual(error._tag, "ServerError")
    }))
})

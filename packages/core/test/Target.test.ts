import { Patch, ScimClient, ScimConfig, Target } from "@asgardeo-scim/core"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Config, ConfigProvider, Effect, Either, Exit, Layer, Redacted, Tracer } from "effect"
import { makeMock, scimCalls, SECRET } from "./utils/MockServer.js"
import type { Handler } from "./utils/MockServer.js"

// A server with numeric ids, whose tokens say nothing of scopes.
const Acme = Target.make({
  name: "acme-scim",
  encodeId: (id) => /^\d+$/.test(id) ? Either.right(id) : Either.left("Acme ids are numbers"),
  bulk: { maxOperations: 50 }
})

const ok: Handler = () => Effect.succeed({ status: 200, body: { id: "42" } })

const generic = (handler: Handler, options: Partial<ScimConfig.GenericOptions> = {}) => {
  const mock = makeMock(handler)
  const layer = ScimClient.layer.pipe(
    Layer.provideMerge(
      ScimConfig.layerGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make(SECRET) },
        target: Acme,
        ...options
      })
    ),
    Layer.provide(mock.layer)
  )
  return { layer, received: mock.received }
}

/** A generic configuration on the test server, with the options given. */
const makeGeneric = (options: Partial<ScimConfig.GenericOptions>) =>
  ScimConfig.makeGeneric({
    scimBaseUrl: "https://scim.example.com/v2",
    auth: { bearerToken: Redacted.make(SECRET) },
    ...options
  })

const get = (id: string) =>
  Effect.flatMap(ScimClient.ScimClient, (c) => c.execute({ operation: "Users.get", method: "GET", path: "/Users", id }))

/** Records the spans started under it, with their attributes. */
const recording = (onEnd: (exit: Exit.Exit<unknown, unknown>) => void = () => {}) => {
  const spans: Array<{ name: string; attributes: Map<string, unknown> }> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      spans.push({ name, attributes })
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      return {
        _tag: "Span",
        name,
        spanId: String(spans.length),
        traceId: "t",
        parent,
        context,
        get status() {
          return status
        },
        attributes,
        links,
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
          onEnd(exit)
        },
        attribute: (key, value) => {
          attributes.set(key, value)
        },
        event: () => {},
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

describe("Target", () => {
  it("the built-in targets differ only in fields, and make() merges one level deep", () => {
    assert.strictEqual(Acme.name, "acme-scim")
    assert.strictEqual(Acme.bulk.maxOperations, 50)
    assert.strictEqual(Acme.bulk.preferInBatches, Target.rfc7644.bulk.preferInBatches)
    assert.strictEqual(Acme.filters, Target.rfc7644.filters)
    assert.isTrue(Target.asgardeo.scopes.checked)
    assert.isFalse(Target.rfc7644.scopes.checked)
    assert.deepStrictEqual(Target.asgardeo.deactivation(false), Patch.setAccountDisabled(true))
    assert.deepStrictEqual(Target.rfc7644.deactivation(false), Patch.setActive(false))
    const withStores = Target.make({ name: "stores", userStores: { primary: "MAIN" } })
    assert.deepStrictEqual(withStores.userStores, { primary: "MAIN", domainParameter: false })
  })

  it.effect("a target of one's own decides the id rule: a bad id fails before any request", () => {
    const { layer, received } = generic(ok)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(get("0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"))
      assert.strictEqual(error._tag, "InvalidId")
      assert.include(error.message, "Acme ids are numbers")
      assert.strictEqual(received.length, 0)
      const res = yield* get("42")
      assert.strictEqual(res.status, 200)
      assert.strictEqual(scimCalls(received)[0]!.url.pathname, "/v2/Users/42")
    }).pipe(Effect.provide(layer))
  })

  it.effect("the client hands its consumers the target and settings, never the credentials", () => {
    const { layer } = generic(ok)
    return Effect.gen(function*() {
      const client = yield* ScimClient.ScimClient
      assert.strictEqual(client.target, Acme)
      assert.isFalse("config" in client)
      assert.strictEqual(client.settings.scimBaseUrl, "https://scim.example.com/v2")
      assert.notInclude(JSON.stringify(client.settings), SECRET)
      assert.isFalse(client.settings.refreshableTokens)
    }).pipe(Effect.provide(layer))
  })

  it.effect("filterProfiles is a shorthand for the target's filter profiles", () =>
    Effect.gen(function*() {
      const config = yield* makeGeneric({
        filterProfiles: { users: "asgardeoUsers", groups: "rfc7644" }
      })
      assert.strictEqual(config.target.filters.users.name, "asgardeoUsers")
      assert.strictEqual(config.target.filters.groups.name, "rfc7644")
      assert.strictEqual(config.target.encodeId, Target.rfc7644.encodeId)
    }))

  it.effect("the span names the target without comparing it to anything", () => {
    const { layer } = generic(ok)
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      yield* get("42").pipe(Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === "Users.get")
      assert.strictEqual(span?.attributes.get("scim.target"), "acme-scim")
    }).pipe(Effect.provide(layer))
  })
})

describe("checked targets and schedules", () => {
  it("the built-in targets: Asgardeo assumes filters and has no cursors; RFC 7644 reads both from the server", () => {
    assert.strictEqual(Target.asgardeo.paging.cursor, "never")
    assert.strictEqual(Target.asgardeo.filters.support, "assumed")
    assert.strictEqual(Target.rfc7644.paging.cursor, "advertised")
    assert.strictEqual(Target.rfc7644.filters.support, "advertised")
    const own = Target.make({ name: "cursors", paging: { cursor: "advertised" } }, Target.asgardeo)
    assert.strictEqual(own.paging.cursor, "advertised")
    assert.strictEqual(own.paging.maxCount, 100)
    assert.isUndefined(Target.problem(own))
  })

  it("roles: Asgardeo has its Roles API, RFC 7644 none; make keeps the base's unless told", () => {
    assert.strictEqual(Target.asgardeo.roles, "asgardeo")
    assert.strictEqual(Target.rfc7644.roles, "none")
    assert.strictEqual(Target.make({ name: "wso2-like" }, Target.asgardeo).roles, "asgardeo")
    assert.strictEqual(Target.make({ name: "plain" }).roles, "none")
    assert.strictEqual(Target.make({ name: "no-roles", roles: "none" }, Target.asgardeo).roles, "none")
    assert.isUndefined(Target.problem({ ...Target.rfc7644, roles: undefined }))
    assert.deepStrictEqual(Target.problem({ ...Target.rfc7644, roles: "v2" as never }), [
      "roles",
      "\"asgardeo\", \"none\" or undefined"
    ])
  })

  it.effect("a target without paging.sort (written before it existed) is accepted: sorting as advertised", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(makeGeneric({
        target: { ...Target.rfc7644, name: "older", paging: { maxCount: 50 } } as never
      }))
      assert.isTrue(Exit.isSuccess(exit), String(exit))
    }))

  it("nested groups: a group may be a member on an RFC 7644 server, not on Asgardeo; make keeps the base's", () => {
    assert.isTrue(Target.rfc7644.members.nestedGroups)
    assert.isFalse(Target.asgardeo.members.nestedGroups)
    assert.isFalse(Target.make({ name: "wso2-like" }, Target.asgardeo).members.nestedGroups)
    assert.isFalse(Target.make({ name: "flat", members: { nestedGroups: false } }).members.nestedGroups)
    assert.isUndefined(Target.problem({ ...Target.rfc7644, members: { minimalAnswer: undefined } }))
  })

  it.effect("a malformed target fails the layer with a ConfigError naming the field", () =>
    Effect.gen(function*() {
      const bad = [
        [{ ...Acme, paging: { maxCount: 0, sort: "advertised" } }, "target.paging.maxCount"],
        [{ ...Acme, paging: { maxCount: undefined, sort: "sometimes" } }, "target.paging.sort"],
        [{ ...Acme, paging: { maxCount: undefined, cursor: "maybe" } }, "target.paging.cursor"],
        [{ ...Acme, filters: { ...Acme.filters, support: "hoped" } }, "target.filters.support"],
        [{ ...Acme, members: { minimalAnswer: undefined, nestedGroups: "yes" } }, "target.members.nestedGroups"],
        [{ ...Acme, filters: { ...Acme.filters, users: undefined } }, "target.filters.users"],
        [{ ...Acme, encodeId: "no" }, "target.encodeId"],
        [{ ...Acme, roles: "yes" }, "target.roles"],
        ["asgardeo", "target"]
      ] as const
      for (const [target, name] of bad) {
        const exit = yield* Effect.exit(makeGeneric({
          target: target as never
        }))
        assert.isTrue(Exit.isFailure(exit), name)
        if (Exit.isFailure(exit)) assert.include(String(Cause.squash(exit.cause)), name)
      }
    }))

  it.effect("retry.schedule that is not a Schedule fails the layer, not the first retry", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(makeGeneric({
        retry: { schedule: 42 as never }
      }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(Cause.squash(exit.cause)), "retry.schedule")
    }))

  it("the name shims: null or anything but a target means RFC 7644, never a TypeError", () => {
    assert.isTrue(Either.isRight(ScimClient.encodeId(null as never, "abc")))
    assert.isTrue(Either.isLeft(ScimClient.encodeId("asgardeo", "abc")))
    assert.isTrue(Either.isLeft(ScimClient.encodeId(Acme, "abc")))
  })

  it("one Bulk limit: the advertised one within the target's cap, 100 when neither says", () => {
    assert.strictEqual(Target.bulkLimit(Target.asgardeo, 1000), 100)
    assert.strictEqual(Target.bulkLimit(Target.asgardeo, 10), 10)
    assert.strictEqual(Target.bulkLimit(Target.rfc7644, 1000), 1000)
    assert.strictEqual(Target.bulkLimit(Target.rfc7644, undefined), 100)
    assert.strictEqual(Target.bulkLimit(Acme, undefined), 50)
    assert.strictEqual(Target.bulkLimit(Acme, 0), 50)
  })
})

describe("transformClient", () => {
  it.effect("adds headers to every SCIM request", () => {
    const { layer, received } = generic(ok, {
      transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-request-source", "hr"))
    })
    return Effect.gen(function*() {
      yield* get("42")
      assert.strictEqual(scimCalls(received)[0]!.headers["x-request-source"], "hr")
    }).pipe(Effect.provide(layer))
  })

  it.effect("the platform's span is off by default: no url.full with the query in it", () => {
    const { layer } = generic(ok)
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      yield* Effect.flatMap(ScimClient.ScimClient, (c) =>
        c.execute({
          operation: "Users.list",
          method: "GET",
          path: "/Users",
          urlParams: { filter: "userName eq \"kim@example.com\"" }
        })).pipe(Effect.withTracer(tracer))
      assert.deepStrictEqual(spans.map((s) => s.name), ["Users.list"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("turned on, the platform's span records the query with its values redacted", () => {
    const { layer } = generic(ok, { transformClient: HttpClient.withTracerDisabledWhen(() => false) })
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      yield* Effect.flatMap(ScimClient.ScimClient, (c) =>
        c.execute({
          operation: "Users.list",
          method: "GET",
          path: "/Users",
          urlParams: { filter: "userName eq \"kim@example.com\"", count: 10 }
        })).pipe(Effect.withTracer(tracer))
      const http = spans.find((s) => s.name !== "Users.list")
      assert.isDefined(http, "the platform span is on")
      assert.strictEqual(http!.attributes.get("url.query"), "filter=REDACTED&count=REDACTED")
      assert.strictEqual(
        http!.attributes.get("url.full"),
        "https://scim.example.com/v2/Users?filter=REDACTED&count=REDACTED"
      )
      for (const s of spans) {
        for (const v of s.attributes.values()) assert.notInclude(String(v), "kim")
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failed request's error reaches the tracer with its query values redacted", () => {
    const mock = makeMock(() => Effect.succeed("drop" as const))
    const layer = ScimClient.layer.pipe(
      Layer.provideMerge(ScimConfig.layerGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make(SECRET) },
        retry: { maxAttempts: 1 },
        transformClient: HttpClient.withTracerDisabledWhen(() => false)
      })),
      Layer.provide(mock.layer)
    )
    const ended: Array<string> = []
    const { tracer } = recording((exit) => ended.push(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "ok"))
    return Effect.gen(function*() {
      yield* Effect.exit(
        Effect.flatMap(ScimClient.ScimClient, (c) =>
          c.execute({
            operation: "Users.list",
            method: "GET",
            path: "/Users",
            urlParams: { filter: "userName eq \"kim@example.com\"" }
          })).pipe(Effect.withTracer(tracer))
      )
      assert.isTrue(ended.some((text) => text.includes("filter=REDACTED")), ended.join("\n"))
      for (const text of ended) assert.notInclude(text, "kim")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a transformClient that is not a function fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(makeGeneric({
        transformClient: "yes" as never
      }))
      assert.isTrue(Exit.isFailure(exit))
    }))
})

describe("ScimConfig.layerConfig", () => {
  const env = {
    ASGARDEO_ORG: "acme",
    ASGARDEO_CLIENT_ID: "id",
    ASGARDEO_CLIENT_SECRET: SECRET,
    RETRIES: "7",
    TENANT: "globex"
  }
  const read = (options?: Parameters<typeof ScimConfig.layerConfig>[0]) =>
    Effect.provide(
      ScimConfig.ScimConfig,
      ScimConfig.layerConfig(options).pipe(
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
      )
    )

  it.effect("nested options take Configs field by field (Config.Config.Wrap)", () =>
    Effect.gen(function*() {
      const config = yield* read({ retry: { maxAttempts: Config.integer("RETRIES"), baseDelay: "1 second" } })
      assert.strictEqual(config.retry.maxAttempts, 7)
      assert.strictEqual(config.organization, "acme", "the ASGARDEO_* defaults still apply")
    }))

  it.effect("a whole Config of options is read, over the ASGARDEO_* defaults", () =>
    Effect.gen(function*() {
      const config = yield* read(Config.all({ organization: Config.string("TENANT") }))
      assert.strictEqual(config.organization, "globex")
      assert.strictEqual(config.auth._tag === "ClientCredentials" ? config.auth.clientId : undefined, "id")
    }))

  it.effect("a bad value given through a Config of the caller's is named by its option, not ASGARDEO_*", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(read({ organization: Config.succeed("not an org!") }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const text = String(Cause.squash(exit.cause))
        assert.include(text, "organization")
        assert.notInclude(text, "ASGARDEO_ORG")
      }
    }))

  it.effect("an option given as undefined still replaces its environment default", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(
        ScimConfig.ScimConfig,
        ScimConfig.layerConfig({ baseUrl: Config.succeed(undefined) }).pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(
            new Map(Object.entries({ ...env, ASGARDEO_BASE_URL: "https://elsewhere.example.com" }))
          )))
        )
      )
      assert.strictEqual(config.scimBaseUrl, "https://api.asgardeo.io/t/acme/scim2")
    }))

  it.effect("an option object that refers to itself fails with a ConfigError, not a hang", () =>
    Effect.gen(function*() {
      const retry: Record<string, unknown> = { maxAttempts: 2 }
      retry.self = retry
      const exit = yield* Effect.exit(read({ retry: retry as never }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(Cause.squash(exit.cause)), "refers to itself")
    }))

  it.effect("values read from Configs are decoded: a bad clientAuthentication or rateLimits fails the layer", () =>
    Effect.gen(function*() {
      const cases = [
        [{ clientAuthentication: Config.succeed("both") as never }, "clientAuthentication"],
        [{ rateLimits: Config.succeed("fast") as never }, "rateLimits"],
        [{ rateLimits: { scim: Config.succeed(5) } as never }, "rateLimits.scim"]
      ] as const
      for (const [options, name] of cases) {
        const exit = yield* Effect.exit(read(options))
        assert.isTrue(Exit.isFailure(exit), name)
        if (Exit.isFailure(exit)) assert.include(String(Cause.squash(exit.cause)), name)
      }
    }))

  it.effect("a missing variable names itself", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(read({ organization: Config.string("NOPE") }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(Cause.squash(exit.cause)), "NOPE")
    }))

  it.effect("AsgardeoConfig is the same module under its former name", () =>
    Effect.gen(function*() {
      const { AsgardeoConfig } = yield* Effect.promise(() => import("@asgardeo-scim/core"))
      assert.strictEqual(AsgardeoConfig.AsgardeoConfig, ScimConfig.ScimConfig)
      assert.strictEqual(AsgardeoConfig.layerConfig, ScimConfig.layerConfig)
    }))
})

import { AsgardeoConfig, FilterProfile, Scopes, Target } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Duration, Effect, Exit, Layer, Redacted } from "effect"

const env = (vars: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars))))

const fromEnv = (vars: Record<string, string>) =>
  Effect.gen(function*() {
    const ctx = yield* Layer.build(AsgardeoConfig.layerConfig().pipe(Layer.provide(env(vars))))
    return ctx.unsafeMap.get(AsgardeoConfig.AsgardeoConfig.key) as AsgardeoConfig.Service
  }).pipe(Effect.scoped)

const good = { ASGARDEO_ORG: "acme", ASGARDEO_CLIENT_ID: "cid", ASGARDEO_CLIENT_SECRET: "sekret" }

const configErrorText = (exit: Exit.Exit<unknown, unknown>): string => {
  assert.isTrue(Exit.isFailure(exit))
  if (Exit.isSuccess(exit)) return ""
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  assert.isTrue(ConfigError.isConfigError(failure), String(failure))
  return String(failure)
}

describe("AsgardeoConfig", () => {
  it.effect("layerConfig reads ASGARDEO_* and applies defaults", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv(good)
      assert.strictEqual(config.target, Target.asgardeo)
      assert.strictEqual(config.organization, "acme")
      assert.strictEqual(config.scimBaseUrl, "https://api.asgardeo.io/t/acme/scim2")
      assert.strictEqual(config.auth._tag, "ClientCredentials")
      if (config.auth._tag !== "ClientCredentials") return
      assert.strictEqual(config.auth.tokenUrl, "https://api.asgardeo.io/t/acme/oauth2/token")
      assert.strictEqual(Redacted.value(config.auth.clientSecret), "sekret")
      assert.deepStrictEqual(config.auth.scopes, Scopes.all)
      assert.strictEqual(Duration.toSeconds(config.tokenRefreshBuffer), 300)
      assert.strictEqual(config.pageSize, 100)
      assert.strictEqual(config.rateLimits?.scim.limit, 200)
      assert.strictEqual(config.target.filters.users, FilterProfile.profiles.asgardeoUsers)
      assert.strictEqual(config.target.filters.groups, FilterProfile.profiles.asgardeoGroups)
    }))

  it.effect("ASGARDEO_BASE_URL is optional and trailing slashes are dropped", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({ ...good, ASGARDEO_BASE_URL: "http://127.0.0.1:8080/" })
      assert.strictEqual(config.scimBaseUrl, "http://127.0.0.1:8080/t/acme/scim2")
      assert.isUndefined(config.rateLimits)
    }))

  for (const name of ["ASGARDEO_ORG", "ASGARDEO_CLIENT_ID", "ASGARDEO_CLIENT_SECRET"]) {
    it.effect(`a missing ${name} fails with a ConfigError that names it`, () =>
      Effect.gen(function*() {
        const vars: Record<string, string> = { ...good }
        delete vars[name]
        const text = configErrorText(yield* Effect.exit(fromEnv(vars)))
        assert.include(text, name)
      }))

    it.effect(`an empty ${name} fails with a ConfigError that names it`, () =>
      Effect.gen(function*() {
        const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, [name]: "  " })))
        assert.include(text, name)
      }))
  }

  it.effect("plain http:// is refused except for loopback hosts", () =>
    Effect.gen(function*() {
      for (const url of ["http://api.asgardeo.io", "http://10.0.0.5:8080", "http://example.com"]) {
        const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_BASE_URL: url })))
        assert.include(text, "ASGARDEO_BASE_URL")
        assert.include(text, "https")
      }
      for (
        const url of [
          "http://localhost:1",
          "http://127.0.0.1",
          "http://[::1]:9",
          "http://LocalHost",
          "http://127.8.9.10"
        ]
      ) {
        const exit = yield* Effect.exit(fromEnv({ ...good, ASGARDEO_BASE_URL: url }))
        assert.isTrue(Exit.isSuccess(exit), url)
      }
    }))

  it.effect("only literal loopback addresses and localhost itself may use http://, never a name resolved by DNS", () =>
    Effect.gen(function*() {
      for (
        const url of [
          "http://foo.localhost",
          "http://emulator.localhost:8080",
          "http://localhost.",
          "http://localhost.evil.example",
          "http://127.0.0.1.evil.example",
          "http://127.0.0.1.nip.io",
          "http://[::ffff:127.0.0.1]",
          "http://[::]",
          "http://0.0.0.0",
          "http://localhost@evil.example"
        ]
      ) {
        const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_BASE_URL: url })))
        assert.include(text, "ASGARDEO_BASE_URL", url)
        assert.include(text, "only loopback hosts", url)
      }
    }))

  it.effect("numeric IPv4 spellings are literal loopback addresses once the URL parser has normalised them", () =>
    Effect.gen(function*() {
      // WHATWG URL turns these into 127.0.0.1 before anything resolves them; the config keeps
      // the normalised form, so what is connected to is the literal address.
      for (
        const url of [
          "http://2130706433",
          "http://0x7f.1",
          "http://0177.0.0.1",
          "http://127.1",
          "http://[0:0:0:0:0:0:0:1]"
        ]
      ) {
        const config = yield* fromEnv({ ...good, ASGARDEO_BASE_URL: url })
        assert.match(config.scimBaseUrl, /^http:\/\/(127\.0\.0\.1|\[::1\])\/t\/acme\/scim2$/, url)
      }
    }))

  it("isLoopbackHost takes URL hostnames: localhost, 127.0.0.0/8 and [::1] only", () => {
    for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.255.255.254", "[::1]"]) {
      assert.isTrue(AsgardeoConfig.isLoopbackHost(host), host)
    }
    for (
      const host of ["foo.localhost", "localhost.", "127.0.0.256", "127.1", "::1", "128.0.0.1", "10.0.0.1", "", "[::]"]
    ) {
      assert.isFalse(AsgardeoConfig.isLoopbackHost(host), host)
    }
    for (const notAString of [undefined, null, 2130706433, ["localhost"]]) {
      assert.isFalse(AsgardeoConfig.isLoopbackHost(notAString as unknown as string))
    }
  })

  it.effect("malformed base URLs are refused", () =>
    Effect.gen(function*() {
      for (const url of ["not a url", "ftp://x", "https://user:pw@x.io", "https://x.io?a=b", "https://x.io#f"]) {
        const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_BASE_URL: url })))
        assert.include(text, "ASGARDEO_BASE_URL")
      }
    }))

  it.effect("an organization that is not a name is refused", () =>
    Effect.gen(function*() {
      for (const org of ["a/b", "../x", "a b", "a?b"]) {
        const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_ORG: org })))
        assert.include(text, "ASGARDEO_ORG")
      }
    }))

  it.effect("the client secret never appears in the config's string forms", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv(good)
      assert.notInclude(JSON.stringify(config), "sekret")
      assert.notInclude(String(config.auth._tag === "ClientCredentials" ? config.auth.clientSecret : ""), "sekret")
    }))

  it.effect("layer(options) validates options; a plain-string secret is wrapped", () =>
    Effect.gen(function*() {
      const config = yield* AsgardeoConfig.make({
        organization: "acme",
        clientId: "c",
        clientSecret: "plain" as unknown as Redacted.Redacted<string>,
        retry: { maxAttempts: 2, maxRetryAfter: "5 seconds" },
        rateLimits: { bulk: { limit: 1, window: "10 seconds" } },
        pageSize: 500
      })
      assert.isTrue(config.auth._tag === "ClientCredentials" && Redacted.isRedacted(config.auth.clientSecret))
      assert.strictEqual(config.retry.maxAttempts, 2)
      assert.strictEqual(config.rateLimits?.bulk.limit, 1)
      assert.strictEqual(config.rateLimits?.scim.limit, 200)
      assert.strictEqual(config.pageSize, 100, "Asgardeo caps count at 100")
      for (
        const bad of [
          { retry: { maxAttempts: 0 } },
          { timeout: "soon" as unknown as Duration.DurationInput },
          { rateLimits: { scim: { limit: -1, window: Duration.minutes(1) } } },
          { scopes: ["has space"] }
        ] as Array<Partial<AsgardeoConfig.Options>>
      ) {
        const exit = yield* Effect.exit(
          AsgardeoConfig.make({ organization: "acme", clientId: "c", clientSecret: Redacted.make("s"), ...bad })
        )
        assert.isTrue(Exit.isFailure(exit), JSON.stringify(bad))
      }
    }))

  it.effect("a generic target: SCIM base URL with a static token or an OAuth2 token URL", () =>
    Effect.gen(function*() {
      const a = yield* AsgardeoConfig.makeGeneric({
        scimBaseUrl: "https://scim.example.com/scim/v2/",
        auth: { bearerToken: Redacted.make("t") }
      })
      assert.strictEqual(a.target, Target.rfc7644)
      assert.strictEqual(a.scimBaseUrl, "https://scim.example.com/scim/v2")
      assert.strictEqual(a.auth._tag, "StaticToken")
      assert.strictEqual(a.target.filters.users, FilterProfile.profiles.rfc7644)
      const b = yield* AsgardeoConfig.makeGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { tokenUrl: "https://auth.example.com/token", clientId: "c", clientSecret: Redacted.make("s") }
      })
      assert.isTrue(b.auth._tag === "ClientCredentials" && b.target.scopes.absentMeans === "requested")
      const exit = yield* Effect.exit(
        AsgardeoConfig.makeGeneric({
          scimBaseUrl: "http://scim.example.com",
          auth: { bearerToken: Redacted.make("t") }
        })
      )
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("defaultUserStore: DEFAULT unless set, upper-cased; ASGARDEO_USER_STORE; undefined on generic", () =>
    Effect.gen(function*() {
      const base = { organization: "acme", clientId: "c", clientSecret: Redacted.make("s") }
      assert.strictEqual((yield* AsgardeoConfig.make(base)).defaultUserStore, "DEFAULT")
      assert.strictEqual(AsgardeoConfig.primaryUserStore, "DEFAULT")
      assert.strictEqual(
        (yield* AsgardeoConfig.make({ ...base, defaultUserStore: " partners " })).defaultUserStore,
        "PARTNERS"
      )
      assert.strictEqual((yield* fromEnv(good)).defaultUserStore, "DEFAULT")
      assert.strictEqual((yield* fromEnv({ ...good, ASGARDEO_USER_STORE: "corp.ldap" })).defaultUserStore, "CORP.LDAP")
      assert.strictEqual((yield* fromEnv({ ...good, ASGARDEO_USER_STORE: " " })).defaultUserStore, "DEFAULT")
      const generic = yield* AsgardeoConfig.makeGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make("t") }
      })
      assert.isUndefined(generic.defaultUserStore)
    }))

  it.effect("a bad defaultUserStore or ASGARDEO_USER_STORE fails with a ConfigError that names it", () =>
    Effect.gen(function*() {
      const base = { organization: "acme", clientId: "c", clientSecret: Redacted.make("s") }
      for (const bad of ["PART NERS", "a/b", "", "x".repeat(65), 42 as unknown as string]) {
        const text = configErrorText(yield* Effect.exit(AsgardeoConfig.make({ ...base, defaultUserStore: bad })))
        assert.include(text, "defaultUserStore")
      }
      const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_USER_STORE: "DEFAULT/x" })))
      assert.include(text, "ASGARDEO_USER_STORE")
    }))

  it.effect("rolesApi: v2 or v3 in any case; ASGARDEO_ROLES_API; unset by default and on generic", () =>
    Effect.gen(function*() {
      const base = { organization: "acme", clientId: "c", clientSecret: Redacted.make("s") }
      assert.isUndefined((yield* AsgardeoConfig.make(base)).rolesApi)
      assert.strictEqual((yield* AsgardeoConfig.make({ ...base, rolesApi: "v3" })).rolesApi, "v3")
      assert.strictEqual((yield* AsgardeoConfig.make({ ...base, rolesApi: " V2 " as never })).rolesApi, "v2")
      assert.isUndefined((yield* fromEnv(good)).rolesApi)
      assert.strictEqual((yield* fromEnv({ ...good, ASGARDEO_ROLES_API: "v3" })).rolesApi, "v3")
      assert.isUndefined((yield* fromEnv({ ...good, ASGARDEO_ROLES_API: " " })).rolesApi)
      const generic = yield* AsgardeoConfig.makeGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make("t") }
      })
      assert.isUndefined(generic.rolesApi)
    }))

  it.effect("a bad rolesApi or ASGARDEO_ROLES_API fails with a ConfigError that names it", () =>
    Effect.gen(function*() {
      const base = { organization: "acme", clientId: "c", clientSecret: Redacted.make("s") }
      for (const bad of ["v1", "3", "", 3]) {
        const text = configErrorText(yield* Effect.exit(AsgardeoConfig.make({ ...base, rolesApi: bad as never })))
        assert.include(text, "rolesApi")
        assert.include(text, "\"v2\" or \"v3\"")
      }
      const text = configErrorText(yield* Effect.exit(fromEnv({ ...good, ASGARDEO_ROLES_API: "v4" })))
      assert.include(text, "ASGARDEO_ROLES_API")
    }))
})

import { AccessToken, Organizations, ScimClient, ScimConfig, SubOrganization } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Layer, Redacted, Stream, TestClock } from "effect"
import { isToken, makeMock, ORG, SECRET } from "./utils/MockServer.js"
import type { Received, Reply } from "./utils/MockServer.js"
import { form, getUser, options, rootLayer, SUB_A, SUB_B, USER } from "./utils/SubOrganizations.js"

interface World {
  rootIssued: number
  switched: number
  /** Root tokens the server still accepts. */
  readonly live: Set<string>
  /** What the switch answers instead of a token. */
  refuse: Reply | undefined
  /** Organizations the listing answers, page by page (the cursor is the page index). */
  pages: ReadonlyArray<{ readonly organizations: ReadonlyArray<unknown>; readonly next?: string | undefined }>
  /** Scopes a switched token is granted (default: those requested). */
  grant: string | undefined
  /** The switch grant's name the server knows (default `organization_switch`). */
  switchGrant?: string | undefined
}

const oauthError = (error: string, description: string): Reply => ({
  status: 400,
  body: { error, error_description: description }
})

/** A mock Asgardeo: client credentials, the organization-switch grant, the organizations API, `/o/scim2`. */
const asgardeo = (world: World) => (req: Received): Effect.Effect<Reply> => {
  const bearer = req.headers["authorization"]?.replace(/^Bearer /, "")
  if (isToken(req)) {
    const form = new URLSearchParams(req.body)
    if (form.get("grant_type") === "client_credentials") {
      const token = `root-${++world.rootIssued}`
      world.live.add(token)
      return Effect.succeed({
        status: 200,
        body: { access_token: token, token_type: "Bearer", expires_in: 3600, scope: form.get("scope") ?? "" }
      })
    }
    if (form.get("grant_type") === (world.switchGrant ?? "organization_switch")) {
      if (!world.live.has(form.get("token") ?? "")) {
        return Effect.succeed(oauthError("invalid_grant", "Invalid token received."))
      }
      if (world.refuse !== undefined) return Effect.succeed(world.refuse)
      const org = form.get("switching_organization")
      return Effect.succeed({
        status: 200,
        body: {
          access_token: `sub-${org?.slice(9, 13)}-${++world.switched}`,
          token_type: "Bearer",
          expires_in: 600,
          scope: world.grant ?? form.get("scope") ?? ""
        }
      })
    }
    return Effect.succeed(oauthError("unsupported_grant_type", "?"))
  }
  if (req.url.pathname === `/t/${ORG}/api/server/v1/organizations`) {
    if (!bearer?.startsWith("root-")) return Effect.succeed({ status: 401 })
    const index = Number(req.url.searchParams.get("after") ?? "0")
    const page = world.pages[index] ?? { organizations: [] }
    return Effect.succeed({
      status: 200,
      headers: { "content-type": "application/json" },
      body: {
        organizations: page.organizations,
        ...(page.next !== undefined ? { links: [{ rel: "next", href: page.next }] } : {})
      }
    })
  }
  if (req.url.pathname.startsWith(`/t/${ORG}/o/scim2/Users/`)) {
    if (!bearer?.startsWith("sub-")) return Effect.succeed({ status: 401 })
    return Effect.succeed({ status: 200, body: { id: USER, userName: "kim", org: bearer } })
  }
  return Effect.succeed({ status: 404 })
}

const newWorld = (overrides: Partial<World> = {}): World => ({
  rootIssued: 0,
  switched: 0,
  live: new Set(),
  refuse: undefined,
  pages: [],
  grant: undefined,
  ...overrides
})

const subClient = (world: World, subOrganization: ScimConfig.SubOrganization) => {
  const mock = makeMock(asgardeo(world))
  return {
    received: mock.received,
    layer: ScimClient.layerAsgardeo({ ...options, subOrganization }).pipe(Layer.provide(mock.layer))
  }
}

describe("sub-organizations", () => {
  it.effect("switches with the root token and acts on /o/scim2 with the internal_org_ scopes", () => {
    const world = newWorld()
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const res = yield* getUser
      assert.strictEqual((res.body as { org: string }).org, "sub-1111-1")
      assert.strictEqual(received.length, 3)
      const [root, swap, get] = received
      assert.strictEqual(form(root!).get("grant_type"), "client_credentials")
      assert.strictEqual(swap!.url.toString(), `https://api.asgardeo.io/t/${ORG}/oauth2/token`)
      assert.strictEqual(swap!.headers["authorization"], `Basic ${btoa(`client-id:${SECRET}`)}`)
      assert.strictEqual(form(swap!).get("grant_type"), "organization_switch")
      assert.strictEqual(form(swap!).get("token"), "root-1")
      assert.strictEqual(form(swap!).get("switching_organization"), SUB_A)
      const asked = form(swap!).get("scope")!.split(" ")
      assert.include(asked, "internal_org_user_mgt_view")
      assert.isTrue(asked.every((s) => s.startsWith("internal_org_")))
      assert.strictEqual(get!.url.toString(), `https://api.asgardeo.io/t/${ORG}/o/scim2/Users/${USER}`)
      // Cached: a second request sends no token request.
      yield* getUser
      assert.strictEqual(received.filter(isToken).length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 401 in the sub-organization derives a new switched token from the cached root token", () => {
    const world = newWorld()
    const mock = makeMock((req) => {
      const bearer = req.headers["authorization"]
      if (!isToken(req) && bearer === "Bearer sub-1111-1") return Effect.succeed({ status: 401 })
      return asgardeo(world)(req)
    })
    const layer = ScimClient.layerAsgardeo({ ...options, subOrganization: { id: SUB_A } }).pipe(
      Layer.provide(mock.layer)
    )
    return Effect.gen(function*() {
      const res = yield* getUser
      assert.strictEqual((res.body as { org: string }).org, "sub-1111-2")
      assert.strictEqual(world.rootIssued, 1)
      assert.strictEqual(world.switched, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a switched token past its lifetime is derived again; the root token is reused", () => {
    const world = newWorld()
    const { layer } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      yield* getUser
      yield* TestClock.adjust("11 minutes")
      const res = yield* getUser
      assert.strictEqual((res.body as { org: string }).org, "sub-1111-2")
      assert.strictEqual(world.rootIssued, 1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a root token the server dropped is replaced once, then the switch succeeds", () => {
    const world = newWorld()
    const { layer } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      yield* getUser
      // The server revokes the root token, then the switched one expires.
      world.live.clear()
      yield* TestClock.adjust("11 minutes")
      const token = yield* tokens.get()
      assert.strictEqual(Redacted.value(token.value), "sub-1111-2")
      assert.strictEqual(world.rootIssued, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a refused switch is OrganizationSwitchFailed, with the root token and secret scrubbed", () => {
    const world = newWorld({
      refuse: oauthError(
        "invalid_request",
        `Organization switching is not allowed for organizations that have not shared the application root-1 ${SECRET}`
      )
    })
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "OrganizationSwitchFailed")
      if (error._tag !== "OrganizationSwitchFailed") return
      assert.strictEqual(error.subOrganization, SUB_A)
      assert.strictEqual(error.error, "invalid_request")
      assert.notInclude(error.message, "root-1")
      assert.notInclude(error.message, SECRET)
      assert.include(error.message, "shared")
      // Not retried (it does not blame the token): one root token, one switch, no SCIM request.
      assert.strictEqual(received.length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the M2M template's refusal (unauthorized_client) is not retried", () => {
    const world = newWorld({ refuse: oauthError("unauthorized_client", "The grant type is not allowed") })
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "OrganizationSwitchFailed")
      assert.include(error.message, "M2M template")
      assert.strictEqual(received.length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a server without organization_switch is asked with organization_switch_cc, from then on", () => {
    const world = newWorld({ switchGrant: "organization_switch_cc" })
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      yield* getUser
      yield* TestClock.adjust("11 minutes")
      yield* getUser
      const grants = received.filter(isToken).map((r) => form(r).get("grant_type"))
      assert.deepStrictEqual(grants, [
        "client_credentials",
        "organization_switch",
        "organization_switch_cc",
        "organization_switch_cc"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a server that knows neither switch grant: OrganizationSwitchFailed after trying both once", () => {
    const world = newWorld({ switchGrant: "none" })
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "OrganizationSwitchFailed")
      if (error._tag === "OrganizationSwitchFailed") assert.strictEqual(error.error, "unsupported_grant_type")
      assert.strictEqual(received.filter(isToken).length, 3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("an operation is checked against its internal_org_ scope before sending", () => {
    const world = newWorld({ grant: "internal_org_user_mgt_list" })
    const { layer, received } = subClient(world, { id: SUB_A })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "MissingScope")
      if (error._tag === "MissingScope") assert.strictEqual(error.scope, "internal_org_user_mgt_view")
      assert.strictEqual(received.filter((r) => !isToken(r)).length, 0)
    }).pipe(Effect.provide(layer))
  })

  describe("by name", () => {
    const org = (id: string, name: string) => ({ id, name, status: "ACTIVE" })

    it.effect("is looked up once through the organizations API with the root token", () => {
      const world = newWorld({ pages: [{ organizations: [org(SUB_A, "ABC Builders")] }] })
      const { layer, received } = subClient(world, { name: "ABC Builders" })
      return Effect.gen(function*() {
        yield* getUser
        yield* TestClock.adjust("11 minutes")
        yield* getUser
        const lookups = received.filter((r) => r.url.pathname.endsWith("/api/server/v1/organizations"))
        assert.strictEqual(lookups.length, 1)
        assert.strictEqual(lookups[0]!.url.searchParams.get("filter"), "name eq ABC Builders")
        assert.strictEqual(lookups[0]!.url.searchParams.get("recursive"), "true")
        assert.include(form(received[0]!).get("scope")!.split(" "), "internal_organization_view")
        const swaps = received.filter((r) => isToken(r) && form(r).get("grant_type") === "organization_switch")
        assert.deepStrictEqual(swaps.map((r) => form(r).get("switching_organization")), [SUB_A, SUB_A])
      }).pipe(Effect.provide(layer))
    })

    it.effect("must name exactly one organization", () => {
      const world = newWorld({
        pages: [{ organizations: [org(SUB_A, "Twin"), org(SUB_B, "Twin"), org(USER, "Twins")] }]
      })
      const { layer, received } = subClient(world, { name: "Twin" })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(getUser)
        assert.strictEqual(error._tag, "AmbiguousOrganization")
        if (error._tag === "AmbiguousOrganization") {
          assert.deepStrictEqual(error.candidates.map((c) => c.id), [SUB_A, SUB_B])
        }
        assert.isFalse(received.some((r) => isToken(r) && form(r).get("grant_type") === "organization_switch"))
      }).pipe(Effect.provide(layer))
    })

    it.effect("a name the API does not know is OrganizationNotFound (a near match is not taken)", () => {
      const world = newWorld({ pages: [{ organizations: [org(SUB_A, "abc builders")] }] })
      const { layer } = subClient(world, { name: "ABC Builders" })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(getUser)
        assert.strictEqual(error._tag, "OrganizationNotFound")
      }).pipe(Effect.provide(layer))
    })

    it.effect("follows next links as cursors on its own URL only", () => {
      const world = newWorld({
        pages: [
          { organizations: [org(SUB_B, "Other")], next: "https://evil.example/collect?after=1" },
          { organizations: [org(SUB_A, "ABC Builders")] }
        ]
      })
      const { layer, received } = subClient(world, { name: "ABC Builders" })
      return Effect.gen(function*() {
        yield* getUser
        assert.isFalse(received.some((r) => r.url.host === "evil.example"))
        const second = received.filter((r) => r.url.pathname.endsWith("/organizations"))[1]!
        assert.strictEqual(second.url.host, "api.asgardeo.io")
        assert.strictEqual(second.url.searchParams.get("after"), "1")
      }).pipe(Effect.provide(layer))
    })
  })

  it.effect("SubOrganization.layer shares one root token between sub-organizations", () => {
    const world = newWorld()
    const mock = makeMock(asgardeo(world))
    const root = rootLayer(mock.layer)
    const inSub = (id: string) =>
      getUser.pipe(
        Effect.provide(
          ScimClient.layerWithoutDependencies.pipe(Layer.provideMerge(SubOrganization.layer({ id })))
        )
      )
    return Effect.gen(function*() {
      const a = yield* inSub(SUB_A)
      const b = yield* inSub(SUB_B)
      assert.strictEqual((a.body as { org: string }).org, "sub-1111-1")
      assert.strictEqual((b.body as { org: string }).org, "sub-2222-2")
      assert.strictEqual(world.rootIssued, 1)
      // The root's own configuration is untouched.
      const config = yield* ScimConfig.ScimConfig
      assert.strictEqual(config.subOrganization, undefined)
    }).pipe(Effect.provide(root))
  })

  describe("configuration", () => {
    it.effect("refuses a sub-organization that is not exactly { id } or { name }", () =>
      Effect.gen(function*() {
        for (
          const bad of [{}, { id: SUB_A, name: "x" }, { id: "a/b" }, { name: "" }, { name: "a\nb" }, "x", null, 42]
        ) {
          const result = yield* Effect.either(
            ScimConfig.make({ ...options, subOrganization: bad as ScimConfig.SubOrganization })
          )
          assert.isTrue(Either.isLeft(result), JSON.stringify(bad))
        }
      }))

    it.effect("maps the configured scopes to their internal_org_ form", () =>
      Effect.gen(function*() {
        const config = yield* ScimConfig.make({
          ...options,
          scopes: ["internal_user_mgt_view", "internal_org_group_mgt_view"],
          subOrganization: { id: SUB_A }
        })
        assert.strictEqual(config.scimBaseUrl, `https://api.asgardeo.io/t/${ORG}/o/scim2`)
        assert.deepStrictEqual(
          config.auth._tag === "ClientCredentials" ? config.auth.scopes : [],
          ["internal_org_user_mgt_view", "internal_org_group_mgt_view"]
        )
      }))

    it.effect("reads ASGARDEO_SUB_ORG: a UUID is an id, anything else a name", () =>
      Effect.gen(function*() {
        const read = (value: string) =>
          Effect.flatMap(ScimConfig.ScimConfig, (c) => Effect.succeed(c.subOrganization)).pipe(
            Effect.provide(ScimConfig.layerConfig()),
            Effect.withConfigProvider(ConfigProvider.fromMap(
              new Map([
                ["ASGARDEO_ORG", ORG],
                ["ASGARDEO_CLIENT_ID", "c"],
                ["ASGARDEO_CLIENT_SECRET", "s"],
                ["ASGARDEO_SUB_ORG", value]
              ])
            ))
          )
        assert.deepStrictEqual(yield* read(SUB_A.toUpperCase()), { id: SUB_A })
        assert.deepStrictEqual(yield* read(" ABC Builders "), { name: "ABC Builders" })
      }))
  })

  describe("Organizations", () => {
    const layerWith = (world: World) => {
      const mock = makeMock(asgardeo(world))
      return {
        received: mock.received,
        layer: Organizations.layer.pipe(
          Layer.provideMerge(ScimClient.layerAsgardeo(options)),
          Layer.provide(mock.layer)
        )
      }
    }

    it.effect("streams every page; a cursor answered twice is PagingAborted", () => {
      const world = newWorld({
        pages: [
          { organizations: [{ id: SUB_A, name: "A" }], next: "/api/server/v1/organizations?limit=1&after=1" },
          { organizations: [{ id: SUB_B, name: "B" }], next: "/api/server/v1/organizations?limit=1&after=1" }
        ]
      })
      const { layer } = layerWith(world)
      return Effect.gen(function*() {
        const organizations = yield* Organizations.Organizations
        const first = yield* organizations.list({ limit: 1 })
        assert.deepStrictEqual(first.organizations.map((o) => o.name), ["A"])
        assert.strictEqual(first.after, "1")
        const error = yield* Effect.flip(Stream.runCollect(organizations.stream({ recursive: true })))
        assert.strictEqual(error._tag, "PagingAborted")
      }).pipe(Effect.provide(layer))
    })

    it.effect("refuses bad options before sending", () => {
      const { layer, received } = layerWith(newWorld())
      return Effect.gen(function*() {
        const organizations = yield* Organizations.Organizations
        for (const bad of [{ limit: 0 }, { limit: 1.5 }, { filter: "a\nb" }, { recursive: "yes" }, { extra: 1 }]) {
          const error = yield* Effect.flip(organizations.list(bad as Organizations.ListOptions))
          assert.strictEqual(error._tag, "InvalidInput", JSON.stringify(bad))
        }
        const error = yield* Effect.flip(organizations.findByName(""))
        assert.strictEqual(error._tag, "InvalidInput")
        assert.strictEqual(received.length, 0)
      }).pipe(Effect.provide(layer))
    })

    it.effect("is refused on a generic target before sending", () => {
      const mock = makeMock(() => Effect.succeed({ status: 200, body: {} }))
      const layer = Organizations.layer.pipe(
        Layer.provideMerge(
          ScimClient.layer.pipe(
            Layer.provideMerge(ScimConfig.layerGeneric({
              scimBaseUrl: "https://scim.example.com/v2",
              auth: { bearerToken: Redacted.make("t") }
            }))
          )
        ),
        Layer.provide(mock.layer)
      )
      return Effect.gen(function*() {
        const organizations = yield* Organizations.Organizations
        const error = yield* Effect.flip(organizations.list())
        assert.strictEqual(error._tag, "InvalidInput")
        assert.strictEqual(mock.received.length, 0)
      }).pipe(Effect.provide(layer))
    })
  })
})

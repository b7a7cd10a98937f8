// A hostile review of the sub-organization code (issue 16): a token endpoint that echoes secrets at
// the edge of what an error keeps, a root token revoked under concurrent switches, an
// organizations API that repeats organizations across pages or answers a next link without a
// usable cursor, and what holds under such servers (single flight, scrubbed echoes).
import { AccessToken, Organizations, ScimClient, Scopes, SubOrganization } from "@asgardeo-scim/core"
import type { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Redacted, Ref, Scope, Stream, TestClock } from "effect"
import { isToken, makeMock, ORG, SECRET } from "./utils/MockServer.js"
import type { Received, Reply } from "./utils/MockServer.js"
import { form, getUser, options, rootLayer, SUB_A, SUB_B, USER } from "./utils/SubOrganizations.js"

const grantOf = (r: Received) => isToken(r) ? form(r).get("grant_type") : undefined
const isOrganizations = (r: Received) => r.url.pathname === `/t/${ORG}/api/server/v1/organizations`

const json = (body: unknown): Reply => ({ status: 200, headers: { "content-type": "application/json" }, body })

/** Switched tokens for any live root token; `/o/scim2/Users` for any switched one. */
const switchAndScim = (req: Received, live: (token: string) => boolean): Reply | undefined => {
  if (isToken(req) && grantOf(req) === "organization_switch") {
    const token = form(req).get("token") ?? ""
    return live(token)
      ? json({
        access_token: `sub-${form(req).get("switching_organization")}-${token}`,
        token_type: "Bearer",
        expires_in: 600,
        scope: form(req).get("scope") ?? ""
      })
      : { status: 400, body: { error: "invalid_grant", error_description: "Invalid token received." } }
  }
  if (req.url.pathname === `/t/${ORG}/o/scim2/Users/${USER}`) return json({ id: USER, userName: "kim" })
  return undefined
}

const org = (id: string, name: string) => ({ id, name, status: "ACTIVE" })

/** The client of sub-organization A over an engine. */
const inSubA = (engine: Layer.Layer<HttpClient.HttpClient>) =>
  ScimClient.layerAsgardeo({ ...options, subOrganization: { id: SUB_A } }).pipe(Layer.provide(engine))

describe("secrets at the edge of what a token error keeps", () => {
  // An OAuth error_description is kept to 300 characters: a secret that straddles that edge must
  // not leave its first characters behind (they are cut from the whole text only after scrubbing).
  const pad = (n: number) => "x".repeat(n)

  it.effect("the client secret echoed at the cut is not left half in InvalidClient", () => {
    const mock = makeMock(() =>
      Effect.succeed({
        status: 401,
        body: { error: "invalid_client", error_description: `${pad(290)} ${SECRET}` }
      })
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "InvalidClient")
      // The first ten characters of the secret are a secret too.
      assert.notInclude(error.message, SECRET.slice(0, 9))
      assert.notInclude(JSON.stringify(error), SECRET.slice(0, 9))
    }).pipe(Effect.provide(ScimClient.layerAsgardeo(options).pipe(Layer.provide(mock.layer))))
  })

  it.effect("the root token echoed at the cut of a switch refusal is not left half in OrganizationSwitchFailed", () => {
    const rootToken = "rt-" + "a1b2c3d4e5".repeat(4)
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({ access_token: rootToken, token_type: "Bearer", expires_in: 3600 }))
      }
      return Effect.succeed({
        status: 400,
        body: { error: "invalid_request", error_description: `${pad(280)} ${rootToken}` }
      })
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "OrganizationSwitchFailed")
      assert.notInclude(JSON.stringify(error), rootToken.slice(0, 12))
      assert.notInclude(error.message, rootToken.slice(0, 12))
    }).pipe(Effect.provide(inSubA(mock.layer)))
  })

  it.effect("an organizations API echoing the Authorization header keeps no root token in its error", () => {
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({
          access_token: "root-token-0123456789",
          token_type: "Bearer",
          expires_in: 3600,
          scope: "internal_organization_view"
        }))
      }
      return Effect.succeed({
        status: 403,
        body: {
          code: "ORG-1",
          message: `refused ${req.headers["authorization"]}`,
          description: btoa("root-token-0123456789")
        }
      })
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "Forbidden")
      assert.notInclude(JSON.stringify(error), "root-token-0123456789")
      assert.notInclude(JSON.stringify(error), btoa("root-token-0123456789").slice(0, 16))
    }).pipe(
      Effect.provide(
        ScimClient.layerAsgardeo({ ...options, subOrganization: { name: "ABC" } }).pipe(Layer.provide(mock.layer))
      )
    )
  })
})

describe("secrets echoed by a sub-organization's SCIM API", () => {
  it.effect("a 4xx echoing the Authorization header (raw, base64, JSON-escaped) keeps no switched token", () => {
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({ access_token: "root-token-0123456789", token_type: "Bearer", expires_in: 3600 }))
      }
      const auth = req.headers["authorization"] ?? ""
      return Effect.succeed(
        switchAndScim(req, () => true) !== undefined && isToken(req)
          ? switchAndScim(req, () => true)!
          : {
            status: 400,
            body: {
              detail: `bad ${auth}`,
              echo: btoa(auth),
              json: JSON.stringify({ h: auth }),
              form: encodeURIComponent(auth)
            }
          }
      )
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "BadRequest")
      const text = JSON.stringify(error) + error.message
      const switched = `sub-${SUB_A}-root-token-0123456789`
      assert.notInclude(text, switched)
      assert.notInclude(text, btoa(`Bearer ${switched}`).slice(8, 40))
      assert.notInclude(text, "root-token-0123456789")
    }).pipe(Effect.provide(inSubA(mock.layer)))
  })
})

describe("a root token revoked under concurrent switches (one root token for many sub-organizations)", () => {
  it.effect("every switch refused for the revoked root token is tried again with the fresh one", () =>
    Effect.gen(function*() {
      // root-1 is dead on arrival; both switches are in flight with it before either is refused.
      const bothArrived = yield* Deferred.make<void>()
      const deadSwitches = yield* Ref.make(0)
      let roots = 0
      const mock = makeMock((req) =>
        Effect.gen(function*() {
          if (grantOf(req) === "client_credentials") {
            return json({ access_token: `root-${++roots}`, token_type: "Bearer", expires_in: 3600, scope: "" })
          }
          if (grantOf(req) === "organization_switch" && form(req).get("token") === "root-1") {
            const n = yield* Ref.updateAndGet(deadSwitches, (k) => k + 1)
            if (n === 2) yield* Deferred.succeed(bothArrived, undefined)
            yield* Deferred.await(bothArrived)
          }
          return switchAndScim(req, (t) => t !== "root-1") ?? { status: 404 }
        })
      )
      const root = rootLayer(mock.layer)
      const inSub = (id: string) =>
        getUser.pipe(
          Effect.provide(ScimClient.layerWithoutDependencies.pipe(Layer.provideMerge(SubOrganization.layer({ id })))),
          Effect.either
        )
      const [a, b] = yield* Effect.all([inSub(SUB_A), inSub(SUB_B)], { concurrency: 2 }).pipe(Effect.provide(root))
      assert.isTrue(a._tag === "Right", a._tag === "Left" ? a.left.message : "")
      assert.isTrue(b._tag === "Right", b._tag === "Left" ? b.left.message : "")
      // One fresh root token for both (not one each).
      assert.strictEqual(roots, 2)
    }))
})

describe("an organizations API that pages badly", () => {
  const layerOf = (
    pages: ReadonlyArray<{ readonly organizations: ReadonlyArray<unknown>; readonly next?: string }>
  ) => {
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(
          json({ access_token: "root-1", token_type: "Bearer", expires_in: 3600, scope: Scopes.all.join(" ") })
        )
      }
      if (isOrganizations(req)) {
        const index = Number(req.url.searchParams.get("after") ?? "0")
        const page = pages[index] ?? { organizations: [] }
        return Effect.succeed(json({
          organizations: page.organizations,
          ...(page.next !== undefined ? { links: [{ rel: "next", href: page.next }] } : {})
        }))
      }
      return Effect.succeed(switchAndScim(req, () => true) ?? { status: 404 })
    })
    return { received: mock.received, mock }
  }

  it.effect("an organization repeated on the next page is streamed once, and its name is not ambiguous", () => {
    const { mock } = layerOf([
      { organizations: [org(SUB_A, "ABC Builders"), org(SUB_B, "Northwind")], next: "?after=1" },
      { organizations: [org(SUB_B, "Northwind")] }
    ])
    return Effect.gen(function*() {
      const organizations = yield* Organizations.Organizations
      const all = yield* Stream.runCollect(organizations.stream({ recursive: true }))
      assert.deepStrictEqual(Array.from(all, (o) => o.id), [SUB_A, SUB_B])
      const found = yield* organizations.findByName("Northwind")
      assert.strictEqual(found.id, SUB_B)
    }).pipe(
      Effect.provide(Organizations.layer.pipe(Layer.provideMerge(ScimClient.layerAsgardeo(options)))),
      Effect.provide(mock.layer)
    )
  })

  it.effect("a next link without a usable cursor fails the lookup: a name is never taken from a partial listing", () => {
    // Two organizations named Twin; the second is behind a next link whose cursor is too long to
    // follow. Taking the first would switch to an organization that may not be the one meant.
    const { mock, received } = layerOf([
      { organizations: [org(SUB_A, "Twin")], next: `?after=${"c".repeat(3000)}` },
      { organizations: [org(SUB_B, "Twin")] }
    ])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "InvalidResponse", error.message)
      assert.isFalse(received.some((r) => grantOf(r) === "organization_switch"))
      const organizations = yield* Effect.flip(
        Effect.flatMap(Organizations.Organizations, (o) => Stream.runCollect(o.stream())).pipe(
          Effect.provide(Organizations.layer.pipe(Layer.provideMerge(ScimClient.layerAsgardeo(options))))
        )
      )
      assert.strictEqual(organizations._tag, "InvalidResponse")
    }).pipe(
      Effect.provide(ScimClient.layerAsgardeo({ ...options, subOrganization: { name: "Twin" } })),
      Effect.provide(mock.layer)
    )
  })

  it.effect("a next link without any cursor fails the stream (it is not taken for the last page)", () => {
    const { mock } = layerOf([
      { organizations: [org(SUB_A, "A")], next: "/api/server/v1/organizations?limit=1" },
      { organizations: [org(SUB_B, "B")] }
    ])
    return Effect.gen(function*() {
      const organizations = yield* Organizations.Organizations
      const error = yield* Effect.flip(Stream.runCollect(organizations.stream()))
      assert.strictEqual(error._tag, "InvalidResponse")
    }).pipe(
      Effect.provide(Organizations.layer.pipe(Layer.provideMerge(ScimClient.layerAsgardeo(options)))),
      Effect.provide(mock.layer)
    )
  })
})

describe("what holds", () => {
  it.effect("concurrent first calls by name: one root token, one lookup, one switch", () => {
    let roots = 0
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(
          json({
            access_token: `root-${++roots}`,
            token_type: "Bearer",
            expires_in: 3600,
            scope: form(req).get("scope")
          })
        )
      }
      if (isOrganizations(req)) {
        return Effect.delay(Effect.succeed(json({ organizations: [org(SUB_A, "ABC")] })), "10 millis")
      }
      return Effect.succeed(switchAndScim(req, () => true) ?? { status: 404 })
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 20 }, () => getUser), { concurrency: 20 }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual(roots, 1)
      assert.strictEqual(mock.received.filter(isOrganizations).length, 1)
      assert.strictEqual(mock.received.filter((r) => grantOf(r) === "organization_switch").length, 1)
      assert.strictEqual(mock.received.filter((r) => r.url.pathname.includes("/o/scim2/")).length, 20)
    }).pipe(
      Effect.provide(
        ScimClient.layerAsgardeo({ ...options, subOrganization: { name: "ABC" } }).pipe(Layer.provide(mock.layer))
      )
    )
  })

  it.effect("a root token refused again and again: 2 root and 2 switch requests per call, shared by concurrent calls", () => {
    let roots = 0
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({ access_token: `root-${++roots}`, token_type: "Bearer", expires_in: 3600 }))
      }
      return Effect.succeed(switchAndScim(req, () => false) ?? { status: 404 })
    })
    return Effect.gen(function*() {
      const first = yield* Effect.all(Array.from({ length: 10 }, () => Effect.flip(getUser)), { concurrency: 10 })
      assert.isTrue(first.every((e) => e._tag === "OrganizationSwitchFailed"))
      assert.strictEqual(roots, 2)
      assert.strictEqual(mock.received.filter((r) => grantOf(r) === "organization_switch").length, 2)
      yield* Effect.flip(getUser)
      assert.strictEqual(roots, 4)
      assert.strictEqual(mock.received.filter((r) => grantOf(r) === "organization_switch").length, 4)
      assert.isFalse(mock.received.some((r) => r.url.pathname.includes("/o/scim2/")))
    }).pipe(Effect.provide(inSubA(mock.layer)))
  })

  it.effect("a caller interrupted mid-switch leaves the switch to the next caller: one switch, no poisoned cache", () => {
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({ access_token: "root-1", token_type: "Bearer", expires_in: 3600 }))
      }
      const reply = switchAndScim(req, () => true) ?? { status: 404 }
      return grantOf(req) === "organization_switch"
        ? Effect.delay(Effect.succeed(reply), "5 seconds")
        : Effect.succeed(reply)
    })
    return Effect.gen(function*() {
      const impatient = yield* Effect.fork(Effect.timeout(getUser, "1 second"))
      yield* TestClock.adjust("1 second")
      const timedOut = yield* Fiber.await(impatient)
      assert.isTrue(Exit.isFailure(timedOut))
      const next = yield* Effect.fork(getUser)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(next)
      assert.strictEqual(mock.received.filter((r) => grantOf(r) === "organization_switch").length, 1)
    }).pipe(Effect.provide(inSubA(mock.layer)))
  })

  it.effect("a sub-organization layer closed while its switch is in flight fails the waiting caller; the root stays usable", () => {
    let roots = 0
    const mock = makeMock((req) => {
      if (grantOf(req) === "client_credentials") {
        return Effect.succeed(json({ access_token: `root-${++roots}`, token_type: "Bearer", expires_in: 3600 }))
      }
      const reply = switchAndScim(req, () => true) ?? { status: 404 }
      return grantOf(req) === "organization_switch"
        ? Effect.delay(Effect.succeed(reply), "5 seconds")
        : Effect.succeed(reply)
    })
    const root = rootLayer(mock.layer)
    return Effect.gen(function*() {
      const scope = yield* Scope.make()
      const sub = yield* Layer.buildWithScope(
        ScimClient.layerWithoutDependencies.pipe(Layer.provideMerge(SubOrganization.layer({ id: SUB_A }))),
        scope
      )
      const waiting = yield* Effect.fork(Effect.provide(getUser, sub))
      yield* TestClock.adjust("1 second")
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(waiting)
      assert.isTrue(Exit.isFailure(exit))
      yield* TestClock.adjust("10 seconds")
      // The root token cache is the root's: still served, not fetched again.
      const tokens = yield* AccessToken.AccessToken
      assert.strictEqual(Redacted.value((yield* tokens.get()).value), "root-1")
      assert.strictEqual(roots, 1)
    }).pipe(Effect.provide(root))
  })
})

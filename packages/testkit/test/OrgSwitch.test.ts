// The organization-switch grant (asgardeo-rbac-orgs.md 2.1): each check in the note's order,
// the scopes granted, the lifetime, and no refresh token.
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, defaultApp, switchRequest, token, tokenRequest } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const ALPHA = "0b7d5c8e-6b43-4f4c-9a55-2f6f0f3b1a01"
const tree: AsgardeoEmulator.Options = {
  organizations: ["beta"],
  subOrganizations: [
    { id: ALPHA, name: "Alpha" },
    { name: "Bravo" },
    { name: "Alpha Team", parent: "Alpha" },
    { name: "Beta Child", root: "beta" }
  ]
}

const idOf = (name: string) =>
  Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emulator) => emulator.subOrganizations).pipe(
    Effect.flatten,
    Effect.map((all) => all.find((o) => o.name === name)!.id)
  )

const USERS = ["internal_org_user_mgt_list", "internal_org_user_mgt_view", "internal_org_user_mgt_create"]

const expectRefused = (answer: { status: number; json: any }, error: string, description?: string) => {
  assert.strictEqual(answer.status, 400, JSON.stringify(answer.json))
  assert.strictEqual(answer.json.error, error)
  if (description !== undefined) assert.strictEqual(answer.json.error_description, description)
  assert.isUndefined(answer.json.access_token)
}

describe("organization switch grant", () => {
  it.effect("switches a root token into a sub-organization: org scopes, the app's lifetime, no refresh token", () =>
    run(
      Effect.gen(function*() {
        const root = yield* token()
        const a = yield* switchRequest(root, ALPHA, USERS)
        assert.strictEqual(a.status, 200, a.text)
        assert.deepStrictEqual(Object.keys(a.json).sort(), ["access_token", "expires_in", "scope", "token_type"])
        assert.strictEqual(a.json.token_type, "Bearer")
        assert.strictEqual(a.json.scope, [...USERS].sort().join(" "))
        assert.strictEqual(a.json.expires_in, 3600)
        assert.isUndefined(a.json.refresh_token)
        assert.notStrictEqual(a.json.access_token, root)
        assert.strictEqual(a.headers["cache-control"], "no-store")
        const list = yield* call("GET", "/t/acme/o/scim2/Users", { token: a.json.access_token })
        assert.strictEqual(list.status, 200, list.text)
        // The same switch again: the same token, its lifetime running down (like client_credentials).
        yield* TestClock.adjust("100 seconds")
        const again = yield* switchRequest(root, ALPHA, [...USERS].reverse())
        assert.strictEqual(again.json.access_token, a.json.access_token)
        assert.strictEqual(again.json.expires_in, 3500)
      }),
      tree
    ))

  it.effect("accepts the older organization_switch_cc grant type and client_secret_post", () =>
    run(
      Effect.gen(function*() {
        const root = yield* token()
        const a = yield* switchRequest(root, ALPHA, USERS, { grant: "organization_switch_cc" })
        assert.strictEqual(a.status, 200, a.text)
        const post = yield* tokenRequest({
          grant_type: "organization_switch",
          token: root,
          switching_organization: ALPHA,
          client_id: "emulator-client",
          client_secret: "emulator-secret"
        }, { basic: false })
        assert.strictEqual(post.status, 200, post.text)
        const bad = yield* switchRequest(root, ALPHA, USERS, { clientSecret: "wrong" })
        assert.strictEqual(bad.status, 401)
        assert.strictEqual(bad.json.error, "invalid_client")
      }),
      tree
    ))

  it.effect("missing token or switching_organization: invalid_request", () =>
    run(
      Effect.gen(function*() {
        const a = yield* tokenRequest({ grant_type: "organization_switch" })
        expectRefused(a, "invalid_request", "Missing parameters: token, switching_organization")
        const b = yield* tokenRequest({ grant_type: "organization_switch", token: yield* token() })
        expectRefused(b, "invalid_request", "Missing parameters: switching_organization")
      }),
      tree
    ))

  it.effect("a token of another client, another organization, or a switched one: invalid_grant", () =>
    run(
      Effect.gen(function*() {
        const other = { clientId: "other", clientSecret: "s" }
        const othersToken = (yield* tokenRequest({ grant_type: "client_credentials" }, other)).json.access_token
        expectRefused(yield* switchRequest(othersToken, ALPHA, USERS), "invalid_grant", "Invalid token received.")
        const betaToken = yield* token(AsgardeoEmulator.allScopes, "beta")
        expectRefused(yield* switchRequest(betaToken, ALPHA, USERS), "invalid_grant")
        expectRefused(yield* switchRequest("not-a-token", ALPHA, USERS), "invalid_grant")
        const switched = (yield* switchRequest(yield* token(), ALPHA, USERS)).json.access_token
        expectRefused(yield* switchRequest(switched, ALPHA, USERS), "invalid_grant")
        // The same token works for its own client.
        assert.strictEqual((yield* switchRequest(othersToken, ALPHA, USERS, other)).status, 200)
      }),
      {
        ...tree,
        apps: [defaultApp, { clientId: "other", clientSecret: "s" }]
      }
    ))

  it.effect("an expired root token: invalid_grant", () =>
    run(
      Effect.gen(function*() {
        const root = yield* token()
        yield* TestClock.adjust("3600 seconds")
        expectRefused(yield* switchRequest(root, ALPHA, USERS), "invalid_grant", "Invalid token received.")
      }),
      tree
    ))

  it.effect("an unknown organization id (or a name): invalid_request", () =>
    run(
      Effect.gen(function*() {
        const root = yield* token()
        const unknown = "11111111-2222-4333-8444-555555555555"
        expectRefused(
          yield* switchRequest(root, unknown, USERS),
          "invalid_request",
          `Invalid organization id: ${unknown}`
        )
        expectRefused(yield* switchRequest(root, "Alpha", USERS), "invalid_request", "Invalid organization id: Alpha")
      }),
      tree
    ))

  it.effect("a deactivated organization: invalid_request; active again, it switches", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const root = yield* token()
        const bravo = yield* idOf("Bravo")
        yield* emulator.setSubOrganizationStatus(bravo, "DISABLED")
        expectRefused(
          yield* switchRequest(root, bravo, USERS),
          "invalid_request",
          "The switching organization is in deactivated state."
        )
        yield* emulator.setSubOrganizationStatus(bravo, "ACTIVE")
        assert.strictEqual((yield* switchRequest(root, bravo, USERS)).status, 200)
      }),
      tree
    ))

  it.effect("an organization of another root, or an app registered in another root: invalid_request", () =>
    run(
      Effect.gen(function*() {
        const branch = "Organization switch is only allowed for the organizations in the same branch."
        const betaChild = yield* idOf("Beta Child")
        expectRefused(yield* switchRequest(yield* token(), betaChild, USERS), "invalid_request", branch)
        // An app registered in beta gets root tokens at acme (apps answer in every organization),
        // but cannot switch below acme; at beta it can.
        const betaApp = { clientId: "beta-app", clientSecret: "s" }
        const atAcme = (yield* tokenRequest({ grant_type: "client_credentials" }, betaApp)).json.access_token
        expectRefused(yield* switchRequest(atAcme, ALPHA, USERS, betaApp), "invalid_request", branch)
        const atBeta = (yield* tokenRequest({ grant_type: "client_credentials" }, { ...betaApp, org: "beta" })).json
          .access_token
        assert.strictEqual((yield* switchRequest(atBeta, betaChild, USERS, { ...betaApp, org: "beta" })).status, 200)
      }),
      {
        ...tree,
        apps: [defaultApp, { clientId: "beta-app", clientSecret: "s", organization: "beta" }]
      }
    ))

  it.effect("not shared: invalid_request; sharing by id or name, at run time, and 'all' for later organizations", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const notShared = "Organization switching is not allowed for organizations that have not shared the application"
        const root = yield* token()
        const bravo = yield* idOf("Bravo")
        assert.strictEqual((yield* switchRequest(root, ALPHA, USERS)).status, 200)
        expectRefused(yield* switchRequest(root, bravo, USERS), "invalid_request", notShared)
        // Shared with Alpha, not with its child.
        expectRefused(yield* switchRequest(root, yield* idOf("Alpha Team"), USERS), "invalid_request", notShared)
        const updated = yield* emulator.updateApp("emulator-client", { sharedWith: [bravo] })
        assert.deepStrictEqual(updated.sharedWith, [bravo])
        assert.strictEqual((yield* switchRequest(root, bravo, USERS)).status, 200)
        expectRefused(yield* switchRequest(root, ALPHA, USERS), "invalid_request", notShared)
        yield* emulator.updateApp("emulator-client", { sharedWith: "all" })
        const later = yield* emulator.createSubOrganization({ name: "Charlie" })
        assert.strictEqual((yield* switchRequest(root, later.id, USERS)).status, 200)
        // reset restores the options' sharing.
        yield* emulator.reset
        const fresh = yield* token()
        expectRefused(yield* switchRequest(fresh, bravo, USERS), "invalid_request", notShared)
      }),
      { ...tree, apps: [{ ...defaultApp, sharedWith: ["alpha"] }] }
    ))

  it.effect("the grant not enabled, or an M2M app whatever its grants: unauthorized_client", () =>
    run(
      Effect.gen(function*() {
        const unauthorized = "The authenticated client is not authorized to use this authorization grant type."
        for (const clientId of ["cc-only", "m2m", "m2m-both"]) {
          const app = { clientId, clientSecret: "s" }
          const root = (yield* tokenRequest({ grant_type: "client_credentials" }, app)).json.access_token
          assert.isString(root, clientId)
          expectRefused(yield* switchRequest(root, ALPHA, USERS, app), "unauthorized_client", unauthorized)
        }
        // An app without client_credentials cannot get the root token in the first place.
        const switchOnly = yield* tokenRequest({ grant_type: "client_credentials" }, {
          clientId: "switch-only",
          clientSecret: "s"
        })
        expectRefused(switchOnly, "unauthorized_client", unauthorized)
      }),
      {
        ...tree,
        apps: [
          { clientId: "cc-only", clientSecret: "s", grants: ["client_credentials"] },
          { clientId: "m2m", clientSecret: "s", template: "m2m" },
          {
            clientId: "m2m-both",
            clientSecret: "s",
            template: "m2m",
            grants: ["client_credentials", "organization_switch"]
          },
          { clientId: "switch-only", clientSecret: "s", grants: ["organization_switch"] }
        ]
      }
    ))

  it.effect("the checks' order: the grant type (the OAuth layer), then the organization, then the token", () =>
    run(
      Effect.gen(function*() {
        const unknown = "0b7d5c8e-6b43-4f4c-9a55-2f6f0f3b1aff"
        const bravo = yield* idOf("Bravo")
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.setSubOrganizationStatus(bravo, "DISABLED")
        // An app without the grant is refused before its organization or its token is looked at.
        const app = { clientId: "cc-only", clientSecret: "s" }
        expectRefused(yield* switchRequest("garbage", unknown, USERS, app), "unauthorized_client")
        // The organization is checked before the token (OrganizationSwitchGrant.validateGrant).
        expectRefused(
          yield* switchRequest("garbage", unknown, USERS),
          "invalid_request",
          `Invalid organization id: ${unknown}`
        )
        expectRefused(
          yield* switchRequest("garbage", bravo, USERS),
          "invalid_request",
          "The switching organization is in deactivated state."
        )
        expectRefused(yield* switchRequest("garbage", ALPHA, USERS), "invalid_grant", "Invalid token received.")
      }),
      { ...tree, apps: [defaultApp, { clientId: "cc-only", clientSecret: "s", grants: ["client_credentials"] }] }
    ))

  it.effect("scopes: the requested ones the app holds among its internal_org_ scopes; none asked, none given", () =>
    run(
      Effect.gen(function*() {
        const app = { clientId: "narrow", clientSecret: "s" }
        const root = (yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_list" }, app))
          .json.access_token
        const a = yield* switchRequest(root, ALPHA, [
          "internal_org_user_mgt_list",
          "internal_org_group_mgt_view",
          "internal_user_mgt_list",
          "openid",
          "internal_org_user_mgt_view"
        ], app)
        assert.strictEqual(a.status, 200, a.text)
        assert.strictEqual(a.json.scope, "internal_org_user_mgt_list internal_org_user_mgt_view")
        // The root token's own scopes do not limit the switch: the app's authorization does.
        const none = yield* switchRequest(root, ALPHA, undefined, app)
        assert.strictEqual(none.status, 200)
        assert.isUndefined(none.json.scope)
        const denied = yield* call("GET", "/t/acme/o/scim2/Users", { token: none.json.access_token })
        assert.strictEqual(denied.status, 403)
      }),
      {
        ...tree,
        apps: [{
          clientId: "narrow",
          clientSecret: "s",
          scopes: ["internal_user_mgt_list", "internal_org_user_mgt_list", "internal_org_user_mgt_view"]
        }]
      }
    ))

  it.effect("the switched token lives as long as the app says, and expireAllTokens ends it", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const root = yield* token()
        const a = yield* switchRequest(root, ALPHA, USERS)
        assert.strictEqual(a.json.expires_in, 120)
        const path = "/t/acme/o/scim2/Users"
        yield* TestClock.adjust("119 seconds")
        assert.strictEqual((yield* call("GET", path, { token: a.json.access_token })).status, 200)
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* call("GET", path, { token: a.json.access_token })).status, 401)
        const b = yield* switchRequest(yield* token(), ALPHA, USERS)
        assert.strictEqual((yield* call("GET", path, { token: b.json.access_token })).status, 200)
        yield* emulator.expireAllTokens
        assert.strictEqual((yield* call("GET", path, { token: b.json.access_token })).status, 401)
      }),
      { ...tree, apps: [{ ...defaultApp, expiresIn: 120 }] }
    ))

  it.effect("switch requests count as token requests and against the token rate budget", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const root = yield* token()
        assert.strictEqual((yield* switchRequest(root, ALPHA, USERS)).status, 200)
        assert.strictEqual((yield* switchRequest(root, ALPHA, ["internal_org_user_mgt_list"])).status, 200)
        const counters = yield* emulator.counters
        assert.strictEqual(counters.tokenRequests, 3)
        assert.strictEqual(counters.tokensIssued, 3)
        const limited = yield* switchRequest(root, ALPHA, USERS)
        assert.strictEqual(limited.status, 429)
      }),
      { ...tree, rateLimits: { enabled: true, limits: { oauth: 3, scim: 100, bulk: 5 } } }
    ))
})

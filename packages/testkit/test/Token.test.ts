import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, SCIM, tokenRequest } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

describe("token endpoint", () => {
  it.effect("issues a bearer token with the granted scopes", () =>
    run(Effect.gen(function*() {
      const a = yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_list nope" })
      assert.strictEqual(a.status, 200)
      assert.strictEqual(a.json.token_type, "Bearer")
      assert.strictEqual(a.json.scope, "internal_user_mgt_list")
      assert.strictEqual(a.json.expires_in, 3600)
      assert.match(a.json.access_token, /^[0-9a-f-]{36}$/)
    })))

  it.effect("omits scope when nothing was granted (also for `scopes`)", () =>
    run(Effect.gen(function*() {
      const a = yield* tokenRequest({ grant_type: "client_credentials", scopes: "internal_user_mgt_list" })
      assert.strictEqual(a.status, 200)
      assert.isUndefined(a.json.scope)
    })))

  it.effect("reuses a valid token with a shrinking expires_in, then issues a new one after expiry", () =>
    run(Effect.gen(function*() {
      const form = { grant_type: "client_credentials", scope: "internal_user_mgt_list internal_user_mgt_view" }
      const first = yield* tokenRequest(form)
      yield* TestClock.adjust("1000 seconds")
      const second = yield* tokenRequest({ ...form, scope: "internal_user_mgt_view internal_user_mgt_list" })
      assert.strictEqual(second.json.access_token, first.json.access_token)
      assert.strictEqual(second.json.expires_in, 2600)
      const other = yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_list" })
      assert.notStrictEqual(other.json.access_token, first.json.access_token)
      const ok = yield* call("GET", `${SCIM}/Users`, { token: first.json.access_token })
      assert.strictEqual(ok.status, 200)
      yield* TestClock.adjust("2600 seconds")
      const expired = yield* call("GET", `${SCIM}/Users`, { token: first.json.access_token })
      assert.strictEqual(expired.status, 401)
      assert.strictEqual(expired.json.status, "401")
      const third = yield* tokenRequest(form)
      assert.notStrictEqual(third.json.access_token, first.json.access_token)
      assert.strictEqual(third.json.expires_in, 3600)
    })))

  it.effect("configurable expires_in", () =>
    run(
      Effect.map(tokenRequest({ grant_type: "client_credentials" }), (a) => assert.strictEqual(a.json.expires_in, 60)),
      { tokenExpiresIn: 60 }
    ))

  it.effect("bad credentials: 401 invalid_client with WWW-Authenticate", () =>
    run(Effect.gen(function*() {
      const a = yield* tokenRequest({ grant_type: "client_credentials" }, { clientSecret: "wrong" })
      assert.strictEqual(a.status, 401)
      assert.deepStrictEqual(a.json, {
        error: "invalid_client",
        error_description: "Client credentials are invalid."
      })
      assert.isString(a.headers["www-authenticate"])
      const unknown = yield* tokenRequest({ grant_type: "client_credentials" }, { clientId: "nobody" })
      assert.strictEqual(unknown.status, 401)
    })))

  it.effect("client_secret_post works; both methods at once is invalid_request", () =>
    run(Effect.gen(function*() {
      const post = yield* tokenRequest({
        grant_type: "client_credentials",
        client_id: "emulator-client",
        client_secret: "emulator-secret"
      }, { basic: false })
      assert.strictEqual(post.status, 200)
      const both = yield* tokenRequest({
        grant_type: "client_credentials",
        client_id: "emulator-client",
        client_secret: "emulator-secret"
      })
      assert.strictEqual(both.status, 400)
      assert.strictEqual(both.json.error, "invalid_request")
    })))

  it.effect("other grants: unsupported_grant_type", () =>
    run(Effect.gen(function*() {
      const a = yield* tokenRequest({ grant_type: "password", username: "a", password: "b" })
      assert.strictEqual(a.status, 400)
      assert.strictEqual(a.json.error, "unsupported_grant_type")
    })))

  it.effect("apps with limited scopes; SYSTEM grants all the app has", () =>
    run(
      Effect.gen(function*() {
        const a = yield* tokenRequest({ grant_type: "client_credentials", scope: "SYSTEM" }, {
          clientId: "reader",
          clientSecret: "s"
        })
        assert.strictEqual(a.json.scope, "internal_user_mgt_list internal_user_mgt_view")
        const b = yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_create" }, {
          clientId: "reader",
          clientSecret: "s"
        })
        assert.isUndefined(b.json.scope)
      }),
      {
        apps: [{ clientId: "reader", clientSecret: "s", scopes: ["internal_user_mgt_list", "internal_user_mgt_view"] }]
      }
    ))

  it.effect("expireAllTokens", () =>
    run(Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      const t = (yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_list" })).json
        .access_token
      yield* emulator.expireAllTokens
      const a = yield* call("GET", `${SCIM}/Users`, { token: t })
      assert.strictEqual(a.status, 401)
      const fresh = (yield* tokenRequest({ grant_type: "client_credentials", scope: "internal_user_mgt_list" })).json
      assert.notStrictEqual(fresh.access_token, t)
      assert.strictEqual(fresh.expires_in, 3600)
    })))
})

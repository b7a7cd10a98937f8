import { assert, describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { AsgardeoEmulator } from "../src/index.js"

const fetchJson = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    const text = await response.text()
    let json: any = undefined
    try {
      json = text === "" ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

const getToken = (base: string) =>
  Effect.map(
    fetchJson(`${base}/t/acme/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa("emulator-client:emulator-secret")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(AsgardeoEmulator.allScopes.join(" "))}`
    }),
    (a) => a.json.access_token as string
  )

describe("EmulatorServer", () => {
  layer(EmulatorServer.layerServer(), { excludeTestServices: true })((it) => {
    it.effect("serves the same API on a real port", () =>
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        assert.match(emulator.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
        const token = yield* getToken(emulator.baseUrl)
        const created = yield* fetchJson(`${emulator.scimUrl}/Users`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
          body: JSON.stringify({ userName: "srv@example.com", password: "Passw0rd1" })
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual(created.json.meta.location, `${emulator.scimUrl}/Users/${created.json.id}`)
        const list = yield* fetchJson(
          `${emulator.scimUrl}/Users?filter=${encodeURIComponent("userName eq srv@example.com")}`,
          {
            headers: { authorization: `Bearer ${token}` }
          }
        )
        assert.strictEqual(list.json.totalResults, 1)
        const noToken = yield* fetchJson(`${emulator.scimUrl}/Users`)
        assert.strictEqual(noToken.status, 401)
      }))

    it.effect("admin endpoints: faults, log, counters, seed, snapshot, expire-tokens, rate-limits, reset", () =>
      Effect.gen(function*() {
        const { baseUrl, scimUrl } = yield* AsgardeoEmulator.AsgardeoEmulator
        const admin = (method: string, path: string, body?: unknown) =>
          fetchJson(`${baseUrl}/__emulator${path}`, {
            method,
            ...(body === undefined
              ? {}
              : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
          })
        assert.strictEqual((yield* admin("POST", "/reset")).status, 204)
        const info = yield* admin("GET", "/info")
        assert.deepStrictEqual(info.json.credentials, { clientId: "emulator-client", clientSecret: "emulator-secret" })
        const seeded = yield* admin("POST", "/seed", {
          generateUsers: 3,
          groups: [{ displayName: "seeded", members: ["user1@example.com"] }]
        })
        assert.strictEqual(seeded.json.users.length, 3)
        const snapshot = yield* admin("GET", "/snapshot")
        assert.strictEqual(snapshot.json.users.length, 3)
        assert.strictEqual(snapshot.json.memberships.length, 1)
        const token = yield* getToken(baseUrl)
        const auth = { authorization: `Bearer ${token}` }
        // a 503 fault, once
        const fault = yield* admin("POST", "/faults", {
          path: "/scim2/Users",
          times: 1,
          action: { _tag: "Status", status: 503 }
        })
        assert.strictEqual(fault.status, 201)
        assert.strictEqual((yield* fetchJson(`${scimUrl}/Users`, { headers: auth })).status, 503)
        assert.strictEqual((yield* fetchJson(`${scimUrl}/Users`, { headers: auth })).status, 200)
        // dropped connection after applying the change: fetch fails, the user exists
        yield* admin("POST", "/faults", {
          method: "POST",
          path: "/scim2/Users",
          times: 1,
          action: { _tag: "Drop", phase: "after" }
        })
        const dropped = yield* Effect.either(Effect.tryPromise(() =>
          fetch(`${scimUrl}/Users`, {
            method: "POST",
            headers: { ...auth, "content-type": "application/json" },
            body: JSON.stringify({ userName: "lost@example.com", password: "Passw0rd1" })
          })
        ))
        assert.strictEqual(dropped._tag, "Left")
        const lost = yield* fetchJson(`${scimUrl}/Users?filter=userName+eq+lost@example.com`, { headers: auth })
        assert.strictEqual(lost.json.totalResults, 1)
        // malformed body
        yield* admin("POST", "/faults", [{ path: "/scim2/Groups", times: 1, action: { _tag: "MalformedBody" } }])
        const malformed = yield* fetchJson(`${scimUrl}/Groups`, { headers: auth })
        assert.strictEqual(malformed.status, 200)
        assert.isUndefined(malformed.json)
        const faults = yield* admin("GET", "/faults")
        assert.deepStrictEqual(faults.json, [])
        // log and counters
        const log = yield* admin("GET", "/log")
        assert.isAbove(log.json.entries.length, 4)
        assert.strictEqual(log.json.counters.dropped, 1)
        assert.strictEqual(log.json.counters.byStatus["503"], 1)
        // token expiry
        assert.strictEqual((yield* admin("POST", "/expire-tokens")).status, 204)
        assert.strictEqual((yield* fetchJson(`${scimUrl}/Users`, { headers: auth })).status, 401)
        // rate limits
        const limits = yield* admin("PUT", "/rate-limits", { enabled: true, limits: { oauth: 1 } })
        assert.strictEqual(limits.json.limits.oauth, 1)
        assert.strictEqual(limits.json.limits.scim, 200)
        yield* getToken(baseUrl)
        const limited = yield* fetchJson(`${baseUrl}/t/acme/oauth2/token`, { method: "POST" })
        assert.strictEqual(limited.status, 429)
        yield* admin("PUT", "/rate-limits", { enabled: false })
        // quirks
        const quirks = yield* admin("PUT", "/quirks", { emailsAsStrings: true })
        assert.isTrue(quirks.json.emailsAsStrings)
        yield* admin("DELETE", "/log")
        assert.strictEqual((yield* admin("GET", "/counters")).json.requests, 0)
        assert.strictEqual((yield* admin("POST", "/reset")).status, 204)
        assert.strictEqual((yield* admin("GET", "/snapshot")).json.users.length, 0)
        const bad = yield* admin("POST", "/faults", { action: { _tag: "Nope" } })
        assert.strictEqual(bad.status, 400)
      }))
  })
})

describe("EmulatorServer options", () => {
  layer(EmulatorServer.layerServer(), { excludeTestServices: true })((it) => {
    it.effect("optionsFromArgs", () =>
      Effect.sync(() => {
        const o = EmulatorServer.optionsFromArgs(["--port", "9000", "--org", "a", "--org", "b", "--seed-users", "5"])
        assert.strictEqual(o.port, 9000)
        assert.strictEqual(o.organization, "a")
        assert.deepStrictEqual(o.organizations, ["b"])
        assert.strictEqual(o.seedUsers, 5)
      }))
  })
})

describe("EmulatorServer sub-organizations", () => {
  const args = ["--port", "0", "--sub-org", "Alpha", "--sub-org", "Bravo"]

  it("optionsFromArgs: --sub-org is repeatable; none without it", () => {
    assert.deepStrictEqual(EmulatorServer.optionsFromArgs(args).subOrganizations, [{ name: "Alpha" }, {
      name: "Bravo"
    }])
    assert.isUndefined(EmulatorServer.optionsFromArgs(["--port", "0"]).subOrganizations)
  })

  layer(EmulatorServer.layerServer(EmulatorServer.optionsFromArgs(args)), { excludeTestServices: true })((it) => {
    it.effect("switches into a sub-organization and serves /o/ over the socket", () =>
      Effect.gen(function*() {
        const { baseUrl, subOrganizations } = yield* AsgardeoEmulator.AsgardeoEmulator
        const [alpha] = yield* subOrganizations
        const root = yield* getToken(baseUrl)
        const switched = yield* fetchJson(`${baseUrl}/t/acme/oauth2/token`, {
          method: "POST",
          headers: {
            authorization: `Basic ${btoa("emulator-client:emulator-secret")}`,
            "content-type": "application/x-www-form-urlencoded"
          },
          body: new URLSearchParams({
            grant_type: "organization_switch",
            token: root,
            switching_organization: alpha!.id,
            scope: "internal_org_user_mgt_create internal_org_user_mgt_list"
          }).toString()
        })
        assert.strictEqual(switched.status, 200, switched.text)
        const auth = { authorization: `Bearer ${switched.json.access_token}` }
        const created = yield* fetchJson(`${baseUrl}/t/acme/o/scim2/Users`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/scim+json" },
          body: JSON.stringify({ userName: "sub@example.com", password: "Passw0rd1" })
        })
        assert.strictEqual(created.status, 201, created.text)
        assert.strictEqual(created.json.meta.location, `${baseUrl}/t/acme/o/scim2/Users/${created.json.id}`)
        const orgs = yield* fetchJson(`${baseUrl}/t/acme/api/server/v1/organizations`, {
          headers: { authorization: `Bearer ${root}` }
        })
        assert.deepStrictEqual(orgs.json.organizations.map((o: any) => o.name), ["Bravo", "Alpha"])
      }))
  })
})

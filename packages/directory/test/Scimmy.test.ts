// Sanity suite for the SCIMMY peer (test/utils/ScimmyServer.ts), with plain fetch and no library code.
// Tests in a file run concurrently (vitest.shared.ts) against one server per layer, so each test works
// on its own names (a random prefix) and never calls reset().
import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, layerStrict, Scimmy, USER_SCHEMA } from "./utils/ScimmyServer.js"
import * as ScimmyServer from "./utils/ScimmyServer.js"
import type { ScimmyServer as Server } from "./utils/ScimmyServer.js"

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
const BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

const call = (
  s: Server,
  method: string,
  path: string,
  options: { readonly body?: unknown; readonly token?: string | null } = {}
): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const token = options.token === undefined ? s.token : options.token
    const res = await fetch(`${s.baseUrl}${path}`, {
      method,
      headers: {
        accept: "application/scim+json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(options.body === undefined ? {} : { "content-type": "application/scim+json" })
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text.length > 0 ? JSON.parse(text) : undefined }
  })

const q = (filter: string) => `filter=${encodeURIComponent(filter)}`
const prefix = (label: string) => `${label}-${randomUUID().slice(0, 8)}`
const patchOp = (...Operations: Array<unknown>) => ({ schemas: [PATCH_SCHEMA], Operations })

const createUser = (s: Server, body: Record<string, unknown>) =>
  call(s, "POST", "/Users", { body: { schemas: [USER_SCHEMA], ...body } }).pipe(
    Effect.tap((r) => assert.strictEqual(r.status, 201, JSON.stringify(r.body)))
  )

layer(ScimmyServer.layer, { excludeTestServices: true })("scimmy", (it) => {
  it.effect("401 with a SCIM error body without a token or with a wrong one", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      for (const token of [null, "wrong"]) {
        const r = yield* call(s, "GET", "/Users", { token })
        assert.strictEqual(r.status, 401)
        assert.deepStrictEqual(r.body.schemas, [ERROR_SCHEMA])
        assert.strictEqual(r.body.status, "401")
        assert.isString(r.body.detail)
        assert.isNull(r.headers.get("www-authenticate")) // deviation: no challenge
      }
    }))

  it.effect("user lifecycle: create, get, filter, PUT, PATCH, DELETE", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const userName = prefix("life")
      const created = yield* createUser(s, { userName, name: { givenName: "Life", familyName: "Cycle" }, active: true })
      const user = created.body
      assert.isString(user.id)
      assert.isNull(created.headers.get("location")) // deviation: no Location on 201
      assert.deepStrictEqual(user.schemas, [USER_SCHEMA])
      assert.strictEqual(user.meta.resourceType, "User")
      assert.strictEqual(user.meta.location, `${s.baseUrl}/Users/${user.id}`)
      assert.isString(user.meta.created)
      assert.isString(user.meta.lastModified)

      const got = yield* call(s, "GET", `/Users/${user.id}`)
      assert.strictEqual(got.status, 200)
      assert.strictEqual(got.body.userName, userName)
      assert.strictEqual(got.body.name.familyName, "Cycle")

      const listed = yield* call(s, "GET", `/Users?${q(`userName eq "${userName}"`)}`)
      assert.strictEqual(listed.status, 200)
      assert.deepStrictEqual(listed.body.schemas, [LIST_SCHEMA])
      assert.strictEqual(listed.body.totalResults, 1)
      assert.strictEqual(listed.body.Resources[0].id, user.id)

      const put = yield* call(s, "PUT", `/Users/${user.id}`, {
        body: { schemas: [USER_SCHEMA], userName, name: { givenName: "Put", familyName: "Cycle" }, title: "Tester" }
      })
      assert.strictEqual(put.status, 200)
      assert.strictEqual(put.body.title, "Tester")
      assert.strictEqual(put.body.name.givenName, "Put")
      assert.isUndefined(put.body.active) // PUT replaces
      assert.strictEqual(put.body.meta.created, user.meta.created)

      const patched = yield* call(s, "PATCH", `/Users/${user.id}`, {
        body: patchOp(
          { op: "replace", path: "name.givenName", value: "Patched" },
          { op: "replace", path: "active", value: false }
        )
      })
      assert.strictEqual(patched.status, 200)
      assert.strictEqual(patched.body.name.givenName, "Patched")
      assert.strictEqual(patched.body.name.familyName, "Cycle")
      assert.strictEqual(patched.body.active, false)

      // deviation (RFC-allowed): nothing changed -> 204 without a body
      const noop = yield* call(s, "PATCH", `/Users/${user.id}`, {
        body: patchOp({ op: "replace", path: "active", value: false })
      })
      assert.strictEqual(noop.status, 204)
      assert.isUndefined(noop.body)

      const deleted = yield* call(s, "DELETE", `/Users/${user.id}`)
      assert.strictEqual(deleted.status, 204)
      const gone = yield* call(s, "GET", `/Users/${user.id}`)
      assert.strictEqual(gone.status, 404)
      assert.deepStrictEqual(gone.body.schemas, [ERROR_SCHEMA])
      assert.strictEqual(gone.body.status, "404")
      assert.strictEqual((yield* call(s, "DELETE", `/Users/${user.id}`)).status, 404)
      assert.strictEqual((yield* call(s, "PUT", `/Users/${user.id}`, { body: { userName } })).status, 404)
    }))

  it.effect("paging with startIndex/count and sortBy, two pages", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("page")
      for (const n of [3, 1, 2]) yield* createUser(s, { userName: `${p}-${n}` })
      const page = (startIndex: number) =>
        call(s, "GET", `/Users?${q(`userName sw "${p}"`)}&sortBy=userName&startIndex=${startIndex}&count=2`)

      const one = yield* page(1)
      assert.strictEqual(one.status, 200)
      assert.strictEqual(one.body.totalResults, 3)
      assert.strictEqual(one.body.startIndex, 1)
      assert.deepStrictEqual(one.body.Resources.map((u: any) => u.userName), [`${p}-1`, `${p}-2`])

      const two = yield* page(3)
      assert.strictEqual(two.body.totalResults, 3)
      assert.strictEqual(two.body.startIndex, 3)
      assert.deepStrictEqual(two.body.Resources.map((u: any) => u.userName), [`${p}-3`])
      assert.strictEqual(two.body.itemsPerPage, 2) // deviation: echoes count, not the page size

      // deviation: past the end SCIMMY serves page 1 again
      const past = yield* page(10)
      assert.strictEqual(past.body.totalResults, 3)
      assert.deepStrictEqual(past.body.Resources.map((u: any) => u.userName), [`${p}-1`, `${p}-2`])

      const descending = yield* call(s, "GET", `/Users?${q(`userName sw "${p}"`)}&sortBy=userName&sortOrder=descending`)
      assert.deepStrictEqual(descending.body.Resources.map((u: any) => u.userName), [`${p}-3`, `${p}-2`, `${p}-1`])
    }))

  it.effect("409 uniqueness on userName (case-insensitive); the filter stays case-sensitive", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const userName = prefix("dup")
      yield* createUser(s, { userName })
      for (const again of [userName, userName.toUpperCase()]) {
        const r = yield* call(s, "POST", "/Users", { body: { schemas: [USER_SCHEMA], userName: again } })
        assert.strictEqual(r.status, 409)
        assert.strictEqual(r.body.scimType, "uniqueness")
        assert.strictEqual(r.body.status, "409")
      }
      const upper = yield* call(s, "GET", `/Users?${q(`userName eq "${userName.toUpperCase()}"`)}`)
      assert.strictEqual(upper.body.totalResults, 0) // deviation: caseExact=false not honoured
    }))

  it.effect("groups: members must exist, displayName unique, user.groups derived", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("grp")
      const user = (yield* createUser(s, { userName: `${p}-member`, displayName: "Member One" })).body

      const created = yield* call(s, "POST", "/Groups", {
        body: { schemas: [GROUP_SCHEMA], displayName: p, members: [{ value: user.id }] }
      })
      assert.strictEqual(created.status, 201)
      const group = created.body
      assert.strictEqual(group.meta.resourceType, "Group")
      assert.strictEqual(group.members.length, 1)
      assert.strictEqual(group.members[0].value, user.id)
      assert.strictEqual(group.members[0].type, "User")
      assert.strictEqual(group.members[0].display, "Member One")
      assert.strictEqual(group.members[0].$ref, `${s.baseUrl}/Users/${user.id}`)

      const read = yield* call(s, "GET", `/Users/${user.id}`)
      assert.deepStrictEqual(read.body.groups, [
        { value: group.id, $ref: `${s.baseUrl}/Groups/${group.id}`, display: p, type: "direct" }
      ])
      const byGroup = yield* call(s, "GET", `/Users?${q(`groups.value eq "${group.id}"`)}`)
      assert.deepStrictEqual(byGroup.body.Resources.map((u: any) => u.id), [user.id])

      const unknown = yield* call(s, "POST", "/Groups", {
        body: { schemas: [GROUP_SCHEMA], displayName: `${p}-bad`, members: [{ value: randomUUID() }] }
      })
      assert.strictEqual(unknown.status, 400)
      assert.strictEqual(unknown.body.scimType, "invalidValue")

      const dup = yield* call(s, "POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: p } })
      assert.strictEqual(dup.status, 409)
      assert.strictEqual(dup.body.scimType, "uniqueness")

      // remove the member with PATCH; the derived groups go away
      const removed = yield* call(s, "PATCH", `/Groups/${group.id}`, {
        body: patchOp({ op: "remove", path: `members[value eq "${user.id}"]` })
      })
      assert.strictEqual(removed.status, 200)
      assert.isUndefined(removed.body.members)
      assert.isUndefined((yield* call(s, "GET", `/Users/${user.id}`)).body.groups)
      assert.strictEqual((yield* call(s, "DELETE", `/Groups/${group.id}`)).status, 204)
    }))

  it.effect("discovery: ServiceProviderConfig, ResourceTypes, Schemas; /Me is off", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const spc = yield* call(s, "GET", "/ServiceProviderConfig")
      assert.strictEqual(spc.status, 200)
      assert.isTrue(spc.body.patch.supported)
      assert.isTrue(spc.body.filter.supported)
      assert.isTrue(spc.body.sort.supported)
      assert.isTrue(spc.body.bulk.supported)
      assert.strictEqual(spc.body.bulk.maxOperations, s.maxOperations)
      assert.isFalse(spc.body.etag.supported)
      assert.strictEqual(spc.body.authenticationSchemes.length, 1)
      assert.strictEqual(spc.body.authenticationSchemes[0].type, "oauthbearertoken")

      const types = yield* call(s, "GET", "/ResourceTypes")
      assert.strictEqual(types.status, 200)
      const byName = new Map<string, any>(types.body.Resources.map((t: any) => [t.name, t]))
      assert.strictEqual(byName.get("User")?.endpoint, "/Users")
      assert.deepStrictEqual(byName.get("User")?.schemaExtensions, [{
        schema: ENTERPRISE_USER_SCHEMA,
        required: false
      }])
      assert.strictEqual(byName.get("Group")?.schema, GROUP_SCHEMA)

      const schemas = yield* call(s, "GET", "/Schemas")
      assert.strictEqual(schemas.status, 200)
      const ids = schemas.body.Resources.map((x: any) => x.id)
      for (const id of [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]) assert.include(ids, id)
      const one = yield* call(s, "GET", `/Schemas/${ENTERPRISE_USER_SCHEMA}`)
      assert.strictEqual(one.status, 200)
      assert.include(one.body.attributes.map((a: any) => a.name), "employeeNumber")

      assert.strictEqual((yield* call(s, "GET", "/Me")).status, 501)
      assert.strictEqual((yield* call(s, "GET", "/NoSuchEndpoint")).status, 404)
    }))

  it.effect("Bulk: three operations with a backward bulkId reference; over maxOperations is 413", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("bulk")
      const bulk = (Operations: Array<unknown>) =>
        call(s, "POST", "/Bulk", { body: { schemas: [BULK_REQUEST_SCHEMA], Operations } })
      const r = yield* bulk([
        { method: "POST", path: "/Users", bulkId: "u1", data: { schemas: [USER_SCHEMA], userName: `${p}-1` } },
        { method: "POST", path: "/Users", bulkId: "u2", data: { schemas: [USER_SCHEMA], userName: `${p}-2` } },
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g",
          data: { schemas: [GROUP_SCHEMA], displayName: p, members: [{ value: "bulkId:u1" }, { value: "bulkId:u2" }] }
        }
      ])
      assert.strictEqual(r.status, 200)
      const ops = r.body.Operations
      assert.deepStrictEqual(ops.map((o: any) => o.status), ["201", "201", "201"], JSON.stringify(ops)) // statuses are strings
      assert.deepStrictEqual(ops.map((o: any) => o.bulkId), ["u1", "u2", "g"])
      const ids = ops.map((o: any) => String(o.location).split("/").pop())
      const group = yield* call(s, "GET", `/Groups/${ids[2]}`)
      assert.deepStrictEqual(group.body.members.map((m: any) => m.value).sort(), [ids[0], ids[1]].sort())

      const tooMany = yield* bulk(
        Array.from({ length: s.maxOperations + 1 }, (_, i) => ({
          method: "POST",
          path: "/Users",
          bulkId: `x${i}`,
          data: { userName: `${p}-x${i}` }
        }))
      )
      assert.strictEqual(tooMany.status, 413)
      const none = yield* call(s, "GET", `/Users?${q(`userName sw "${p}-x"`)}`)
      assert.strictEqual(none.body.totalResults, 0)
    }))

  it.effect("shim 2: a filter into a complex attribute some users lack answers 200", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("shim2")
      const ann = (yield* createUser(s, { userName: `${p}-ann`, name: { givenName: "Ann" } })).body
      yield* createUser(s, { userName: `${p}-nameless` })
      yield* createUser(s, { userName: `${p}-bob`, name: { givenName: "Bob" } })
      const r = yield* call(s, "GET", `/Users?${q(`name.givenName sw "A" and userName sw "${p}"`)}`)
      assert.strictEqual(r.status, 200, JSON.stringify(r.body))
      assert.deepStrictEqual(r.body.Resources.map((u: any) => u.id), [ann.id])
      // the fill is per `or` branch: `name pr` still sees the nameless user as lacking `name`
      const pr = yield* call(s, "GET", `/Users?${q(`userName sw "${p}" and (name pr or name.givenName eq "x")`)}`)
      assert.strictEqual(pr.status, 200, JSON.stringify(pr.body))
      assert.strictEqual(pr.body.totalResults, 2)
    }))

  it.effect("shim 3: URN-qualified filters match; the enterprise extension round-trips", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("shim3")
      const employeeNumber = randomUUID()
      const created = yield* createUser(s, {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        userName: `${p}-emp`,
        [ENTERPRISE_USER_SCHEMA]: { employeeNumber, department: "R&D", manager: { value: "boss" } }
      })
      yield* createUser(s, { userName: `${p}-other` })
      assert.deepStrictEqual(created.body.schemas, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA])
      const got = yield* call(s, "GET", `/Users/${created.body.id}`)
      assert.strictEqual(got.body[ENTERPRISE_USER_SCHEMA].employeeNumber, employeeNumber)
      assert.strictEqual(got.body[ENTERPRISE_USER_SCHEMA].manager.value, "boss")

      for (
        const filter of [
          `${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "${employeeNumber}"`,
          `${ENTERPRISE_USER_SCHEMA}:manager.value eq "boss" and userName sw "${p}"`,
          `${USER_SCHEMA}:userName eq "${p}-emp"`
        ]
      ) {
        const r = yield* call(s, "GET", `/Users?${q(filter)}`)
        assert.strictEqual(r.status, 200, `${filter}: ${JSON.stringify(r.body)}`)
        assert.deepStrictEqual(r.body.Resources.map((u: any) => u.id), [created.body.id], filter)
      }
    }))

  it.effect("request log records method, path and status", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const marker = prefix("probe")
      yield* call(s, "GET", `/Users?${q(`userName eq "${marker}"`)}`)
      yield* call(s, "GET", `/Users/${marker}`)
      const mine = s.requests.filter((e) => e.url.includes(marker))
      assert.deepStrictEqual(mine.map((e) => [e.method, e.path, e.status]), [
        ["GET", "/scim/v2/Users", 200],
        ["GET", `/scim/v2/Users/${marker}`, 404]
      ])
    }))
})

describe("scimmy, a second instance", () => {
  layer(ScimmyServer.layerWith({ token: "other-token" }), { excludeTestServices: true })("own stores", (it) => {
    it.effect("reset() clears this instance's stores and log; the token is configurable", () =>
      Effect.gen(function*() {
        const s = yield* Scimmy
        assert.strictEqual(s.token, "other-token")
        yield* createUser(s, { userName: "only-here" })
        assert.strictEqual(s.users().length, 1)
        assert.isAbove(s.requests.length, 0)
        s.reset()
        assert.strictEqual(s.users().length, 0)
        assert.strictEqual(s.requests.length, 0)
        assert.strictEqual((yield* call(s, "GET", "/Users")).body.totalResults, 0)
      }))
  })
})

layer(layerStrict, { excludeTestServices: true })("scimmy strict", (it) => {
  it.effect("RFC fix-ups: Location, WWW-Authenticate, case-insensitive userName, empty page past the end", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      assert.isTrue(s.strict)
      const unauthorized = yield* call(s, "GET", "/Users", { token: null })
      assert.strictEqual(unauthorized.status, 401)
      assert.match(unauthorized.headers.get("www-authenticate") ?? "", /^Bearer/)

      const p = prefix("strict")
      const created = yield* createUser(s, { userName: `${p}-a` })
      assert.strictEqual(created.headers.get("location"), created.body.meta.location)
      yield* createUser(s, { userName: `${p}-b` })

      const upper = yield* call(s, "GET", `/Users?${q(`userName eq "${p.toUpperCase()}-A"`)}`)
      assert.deepStrictEqual(upper.body.Resources.map((u: any) => u.id), [created.body.id])

      const past = yield* call(s, "GET", `/Users?${q(`userName sw "${p}"`)}&startIndex=5&count=2`)
      assert.strictEqual(past.body.totalResults, 2)
      assert.deepStrictEqual(past.body.Resources, [])
      assert.strictEqual(past.body.itemsPerPage, 0)

      const projected = yield* call(s, "GET", `/Users/${created.body.id}?attributes=userName`)
      assert.deepStrictEqual(projected.body.schemas, [USER_SCHEMA])
    }))

  it.effect("Bulk forward bulkId references create the referencing resource once", () =>
    Effect.gen(function*() {
      const s = yield* Scimmy
      const p = prefix("fwd")
      const r = yield* call(s, "POST", "/Bulk", {
        body: {
          schemas: [BULK_REQUEST_SCHEMA],
          Operations: [
            {
              method: "POST",
              path: "/Groups",
              bulkId: "g",
              data: { displayName: p, members: [{ value: "bulkId:u" }] }
            },
            { method: "POST", path: "/Users", bulkId: "u", data: { userName: `${p}-u` } }
          ]
        }
      })
      assert.deepStrictEqual(r.body.Operations.map((o: any) => o.status), ["201", "201"])
      const groups = yield* call(s, "GET", `/Groups?${q(`displayName eq "${p}"`)}`)
      assert.strictEqual(groups.body.totalResults, 1)
      assert.strictEqual(groups.body.Resources[0].members.length, 1)
    }))
})

// Conditional writes against fixtures from RFC 7644 §3.14 (a generic server on a mock): the ETag
// header and meta.version as the RFC shows them, If-Match sent exactly as read, 412 typed; servers
// that send only the header, or advertise ETags and send no version, or have no configuration.
import { Patch } from "@asgardeo-scim/core"
import { Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Mock from "./utils/Mock.js"

const id = "2819c223-7f76-453a-919d-413861904646"
const version = "W/\"e180ee84f0671b1\""

/** RFC 7644 §3.14's user, with its version in `meta` unless `inMeta` is false. */
const rfcUser = (inMeta = true, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id,
  userName: "bjensen",
  meta: {
    resourceType: "User",
    created: "2011-08-01T21:32:44.882Z",
    lastModified: "2011-08-01T21:32:44.882Z",
    location: `https://example.com/v2/Users/${id}`,
    ...(inMeta ? { version } : {})
  },
  ...extra
})

const withEtagSupport = { ...Mock.spc(), etag: { supported: true } }

/** A server with ETags answering the RFC's user; `write` answers PUT, PATCH and DELETE. */
const server = (
  options: { readonly inMeta?: boolean; readonly header?: boolean; readonly spc?: unknown; readonly write?: Mock.Reply }
) =>
  Mock.generic((req) => {
    if (req.url.pathname.endsWith("/ServiceProviderConfig")) {
      return typeof options.spc === "number"
        ? { status: options.spc, body: { detail: "no" } }
        : { status: 200, body: options.spc ?? withEtagSupport }
    }
    if (req.method === "GET") {
      return {
        status: 200,
        body: rfcUser(options.inMeta ?? true),
        headers: options.header === false ? {} : { ETag: version }
      }
    }
    return options.write ?? { status: 200, body: rfcUser(true, { title: "written" }), headers: { ETag: version } }
  })

const sentWrites = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.filter((r) => r.method !== "GET").map((r) => `${r.method} if-match=${r.headers["if-match"] ?? "-"}`)

describe("RFC 7644 §3.14 fixtures", () => {
  it.effect("the version read is sent back exactly as If-Match by update, replace, patch and delete", () => {
    const m = server({})
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.get(id)
      assert.strictEqual(user.meta?.version, version)
      yield* users.update(id, (u) => ({ ...u, title: "written" }))
      yield* users.replace(id, user, { ifMatch: user.meta!.version! })
      yield* users.patch(id, [Patch.replace("title", "x")], { ifMatch: version })
      yield* users.delete(id, { ifMatch: version })
      assert.deepStrictEqual(sentWrites(m), [
        `PUT if-match=${version}`,
        `PUT if-match=${version}`,
        `PATCH if-match=${version}`,
        `DELETE if-match=${version}`
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("only the ETag header: it becomes meta.version, and update uses it", () => {
    const m = server({ inMeta: false })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual((yield* users.get(id)).meta?.version, version)
      yield* users.update(id, (u) => ({ ...u, title: "written" }))
      assert.deepStrictEqual(sentWrites(m), [`PUT if-match=${version}`])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("412 with the RFC's error body: PreconditionFailed with its detail, not retried", () => {
    const m = server({
      write: {
        status: 412,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
          detail: "Failed to update. Resource changed on the server.",
          status: "412"
        }
      }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const error = yield* Effect.flip(users.patch(id, [Patch.replace("title", "x")], { ifMatch: version }))
      assert.strictEqual(error._tag, "PreconditionFailed")
      if (error._tag === "PreconditionFailed") {
        assert.strictEqual(error.detail, "Failed to update. Resource changed on the server.")
        assert.strictEqual(error.path, `/Users/${id}`)
      }
      const update = yield* Effect.flip(users.update(id, (u) => u, { maxAttempts: 3 }))
      assert.strictEqual(update._tag, "PreconditionFailed")
      assert.strictEqual(sentWrites(m).length, 4)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server that advertises ETags and sends no version: InvalidResponse, nothing written", () => {
    const m = server({ inMeta: false, header: false })
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Users.Users).update(id, (u) => u))
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.include(error._tag === "InvalidResponse" ? error.reason : "", "no meta.version")
      assert.deepStrictEqual(sentWrites(m), [])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server version that cannot be sent back as If-Match (a control character): InvalidResponse, nothing written", () => {
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith("/ServiceProviderConfig")
        ? { status: 200, body: withEtagSupport }
        : {
          status: 200,
          body: { ...rfcUser(false), meta: { ...rfcUser(false).meta, version: "W/\"1\"\r\nX-Evil: yes" } }
        }
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Users.Users).update(id, (u) => u))
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.include(error._tag === "InvalidResponse" ? error.reason : "", "cannot be sent back")
      assert.deepStrictEqual(sentWrites(m), [])
    }).pipe(Effect.provide(m.layer))
  })

  for (const spc of [404, 501]) {
    it.effect(`no ServiceProviderConfig (${spc}): ifMatch and update are refused, nothing written`, () => {
      const m = server({ spc })
      return Effect.gen(function*() {
        const users = yield* Users.Users
        const refused = yield* Effect.flip(users.delete(id, { ifMatch: version }))
        assert.strictEqual(refused._tag, "Unsupported")
        const update = yield* Effect.flip(users.update(id, (u) => u))
        assert.strictEqual(update._tag, "Unsupported")
        assert.include(update._tag === "Unsupported" ? update.reason : "", "no ServiceProviderConfig")
        assert.deepStrictEqual(sentWrites(m), [])
        // Told to, update writes without a condition.
        yield* users.update(id, (u) => u, { unconditional: true })
        assert.deepStrictEqual(sentWrites(m), ["PUT if-match=-"])
      }).pipe(Effect.provide(m.layer))
    })
  }
})

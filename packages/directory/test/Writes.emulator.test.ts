// Every write is validated before the network, by one set of rules (core `Validation`): control
// characters, lengths, the 1 MiB body cap, group names and user stores, Redacted passwords. Each
// refused write fails with `InvalidInput` naming the field, and the emulator's log stays empty.
import type { ScimError } from "@asgardeo-scim/core"
import { Patch, Validation } from "@asgardeo-scim/core"
import { Bulk, Directory, Group, Groups, User, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Emulated from "./utils/Emulated.js"

type R = Users.Users | Groups.Groups | Bulk.Bulk | AsgardeoEmulator.AsgardeoEmulator

/** The directory over the emulator, with the text of every request body kept in `bodies`. */
const capturing = (options: AsgardeoEmulator.Options = {}) => {
  const bodies: Array<string> = []
  const capture = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          if (request.body._tag === "Uint8Array" && !request.url.endsWith("/oauth2/token")) {
            bodies.push(new TextDecoder().decode(request.body.body))
          }
        })))
  )
  const layer = Directory.layer.pipe(
    Layer.provide(capture),
    Layer.provideMerge(AsgardeoEmulator.layerTest(options))
  )
  return { bodies, layer }
}

const run = <A, E>(effect: Effect.Effect<A, E, R>, options: AsgardeoEmulator.Options = {}) =>
  effect.pipe(Effect.provide(Emulated.layer(options)))

const uuid = "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60"

/** Runs `write`, which must fail with `InvalidInput` naming `field`; returns the error. */
const refused = <E extends { readonly _tag: string }>(
  write: Effect.Effect<unknown, E, R>,
  field: string,
  label = field
) =>
  Effect.map(Effect.flip(write), (error) => {
    assert.strictEqual(error._tag, "InvalidInput", `${label}: ${String(error)}`)
    const e = error as unknown as ScimError.InvalidInput
    assert.strictEqual(e.field, field, `${label}: ${e.message}`)
    return e
  })

/** Nothing reached the emulator: no SCIM request and no token request. */
const nothingSent = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  assert.deepStrictEqual((yield* emu.log).map((l) => `${l.method} ${l.path}`), [])
})

const invite = { askPassword: true as const, email: "kim@example.com" }

describe("Users writes", () => {
  it.effect("create: control characters (C0, DEL, C1) and lengths in every string, before any request", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ userName: "DEFAULT/k\u0000im@example.com" }, "userName"],
        [{ userName: "kim@example.com\u0085" }, "userName"],
        [{ userName: "kim@example.com", givenName: "Kim\u0085" }, "givenName"],
        [{ userName: "kim@example.com", givenName: "x".repeat(1_000_000) }, "givenName"],
        [{ userName: "kim@example.com", givenName: "x".repeat(1025) }, "givenName"],
        [{ userName: "kim@example.com", name: { familyName: "Lee\u007f" } }, "name.familyName"],
        [{ userName: "kim@example.com", displayName: "Kim\tLee" }, "displayName"],
        [{ userName: "kim@example.com", title: "Dr\u009b" }, "title"],
        [{ userName: "kim@example.com", externalId: "E\u00001" }, "externalId"],
        [{ userName: "kim@example.com", phoneNumbers: [{ value: "+1\u00005" }] }, "phoneNumbers.0.value"],
        [{ userName: "kim@example.com", enterprise: { department: "Eng\u009b" } }, "enterprise.department"],
        [{ userName: "kim@example.com", addresses: [{ streetAddress: "1 Main\nSt" }] }, "addresses.0.streetAddress"],
        [{ userName: "kim@example.com", addresses: [{ formatted: "1 Main St\u0000" }] }, "addresses.0.formatted"],
        [
          { userName: "kim@example.com", attributes: { [User.CustomUrn]: { badge: "B\u00077" } } },
          `attributes.${User.CustomUrn}.badge`
        ],
        [
          { userName: "kim@example.com", attributes: { [User.CustomUrn]: { badge: "x".repeat(1025) } } },
          `attributes.${User.CustomUrn}.badge`
        ],
        [
          { userName: "kim@example.com", attributes: { [User.CustomUrn]: { "ba\u0000dge": "B7" } } },
          `attributes.${User.CustomUrn}`
        ]
      ]
      for (const [input, field] of cases) {
        yield* refused(users.create({ ...invite, ...input } as unknown as User.NewUser), field)
      }
      let deep: Record<string, unknown> = { leaf: "x" }
      for (let i = 0; i < 40; i++) deep = { deeper: deep }
      const error = yield* refused(
        users.create({ ...invite, userName: "kim@example.com", attributes: { [User.CustomUrn]: deep } }),
        `attributes.${User.CustomUrn}${".deeper".repeat(Validation.maxDepth - 1)}`,
        "depth"
      )
      assert.include(error.reason, String(Validation.maxDepth))
      yield* refused(
        users.create({ userName: "kim@example.com", password: Redacted.make("Passw0rd\u0000!") }),
        "password"
      )
      // A look-alike of a Redacted value from plain JavaScript, and a wiped one: refused, not a defect.
      const forged = { [Symbol.for("effect/Redacted")]: { _A: (a: unknown) => a } }
      yield* refused(users.create({ userName: "kim@example.com", password: forged as never }), "password")
      const wiped = Redacted.make("Passw0rd-1")
      Redacted.unsafeWipe(wiped)
      yield* refused(users.create({ userName: "kim@example.com", password: wiped }), "password")
      yield* nothingSent
    })))

  it.effect("addresses[].formatted may hold LF, CR and TAB (a mailing label), nothing else may", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const formatted = "1 Main St\r\nSpringfield\tUS"
      const user = yield* users.create({
        ...invite,
        userName: "kim@example.com",
        addresses: [{ type: "work", formatted }]
      })
      assert.strictEqual(user.addresses?.[0]?.formatted, formatted)
      const patched = yield* users.patch(user.id, [{
        op: "replace",
        path: "addresses",
        value: [{ type: "work", formatted: "2 Main St\nSpringfield" }]
      }])
      assert.strictEqual(patched.addresses?.[0]?.formatted, "2 Main St\nSpringfield")
      yield* Emulated.clearLog
      yield* refused(
        users.patch(user.id, [{ op: "replace", path: "addresses", value: [{ formatted: "a\u000bb" }] }]),
        "Operations.0.value.0.formatted"
      )
      yield* refused(
        users.patch(user.id, [{ op: "replace", path: "name.formatted", value: "Kim\nLee" }]),
        "Operations.0.value"
      )
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    })))

  it.effect("replace, patch and setActive check every string, every key, the depth", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const base = { schemas: [User.CoreUrn], userName: "DEFAULT/kim@example.com" }
      yield* refused(users.replace(uuid, { ...base, name: { givenName: "Kim\u0085" } }), "name.givenName")
      yield* refused(users.replace(uuid, { ...base, title: "t".repeat(1025) }), "title")
      yield* refused(users.replace(uuid, { ...base, userName: "DEFAULT/Adm\u0000ins@example.com" }), "userName")
      yield* refused(users.replace(uuid, { ...base, userName: `${"a".repeat(250)}@example.com` }), "userName")
      yield* refused(
        users.replace(uuid, { ...base, emails: [{ value: `${"a".repeat(250)}@example.com` }] }),
        "emails.0.value"
      )
      yield* refused(users.replace(uuid, { ...base, [User.CustomUrn]: { "a\u0085": "b" } }), User.CustomUrn)
      yield* refused(users.patch(uuid, [Patch.replace("name.givenName", "Kim\u0000")]), "Operations.0.value")
      yield* refused(
        users.patch(uuid, [{ op: "add", value: { name: { givenName: "x".repeat(1025) } } }]),
        "Operations.0.value.name.givenName"
      )
      yield* refused(
        users.patch(uuid, [{ op: "add", value: { [User.CustomUrn]: { badge: "B\u009f" } } }]),
        `Operations.0.value.${User.CustomUrn}.badge`
      )
      yield* refused(
        users.patch(uuid, [{ op: "replace", path: "title", value: "x\u2028y\u0007" }]),
        "Operations.0.value"
      )
      yield* nothingSent
    })))

  it.effect("PATCH: a plain-string password is refused, a Redacted one reaches the server as the password", () => {
    const { bodies, layer } = capturing()
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const user = yield* users.create({ ...invite, userName: "kim@example.com" })
      yield* emu.clearLog
      bodies.length = 0
      const plain = [
        [{ op: "replace", path: "password", value: "Plain-Text-Pw-1!" }, "Operations.0.value"],
        [{ op: "replace", value: { password: "Plain-Text-Pw-1!" } }, "Operations.0.value.password"],
        [{ op: "Add", path: "PASSWORD", value: "Plain-Text-Pw-1!" }, "Operations.0.value"],
        [
          { op: "replace", path: `${User.CoreUrn}:password`, value: "Plain-Text-Pw-1!" },
          "Operations.0.value"
        ]
      ] as const
      for (const [op, field] of plain) {
        const error = yield* refused(users.patch(user.id, [op]), field)
        assert.include(error.reason, "Redacted")
        assert.notInclude(error.message, "Plain-Text-Pw-1!")
      }
      assert.deepStrictEqual(yield* emu.log, [])
      assert.deepStrictEqual(bodies, [])
      const secret = "Redacted-Pw-42"
      yield* users.patch(user.id, [{ op: "replace", path: "password", value: Redacted.make(secret) }])
      yield* users.patch(user.id, [{ op: "replace", value: { password: Redacted.make(`${secret}b`) } }])
      yield* users.patch(user.id, [Patch.setPassword(Redacted.make(`${secret}c`))])
      assert.deepStrictEqual(bodies.map((b) => JSON.parse(b).Operations[0]), [
        { op: "replace", path: "password", value: secret },
        { op: "replace", value: { password: `${secret}b` } },
        { op: "replace", path: "password", value: `${secret}c` }
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("create keeps the password Redacted in the body it builds; the wire carries the password", () => {
    const { bodies, layer } = capturing()
    return Effect.gen(function*() {
      const prepared = Users.prepareCreate("asgardeo", {
        userName: "ann@example.com",
        password: Redacted.make("Ann-passw0rd")
      })
      assert.isTrue(prepared._tag === "Right" && Redacted.isRedacted(prepared.right.body.password))
      const users = yield* Users.Users
      yield* users.create({ userName: "ann@example.com", password: Redacted.make("Ann-passw0rd") })
      assert.strictEqual(JSON.parse(bodies[0]!).password, "Ann-passw0rd")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a request body over 1 MiB is refused before any request (no token either)", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      // 1,100 extension attributes of 1,000 characters: each string within its cap, 1.1 MB in all.
      const big: Record<string, string> = {}
      for (let i = 0; i < 1100; i++) big[`a${i}`] = "x".repeat(1000)
      const error = yield* refused(
        users.replace(uuid, { schemas: [User.CoreUrn], userName: "DEFAULT/kim@example.com", [User.CustomUrn]: big }),
        ""
      )
      assert.strictEqual(error.operation, "Users.replace")
      assert.include(error.reason, String(Validation.maxBodyBytes))
      yield* nothingSent
    })))
})

describe("Groups writes", () => {
  it.effect("names, externalId and member display strings are checked before any request", () =>
    run(Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* refused(groups.create({ displayName: "Adm\u0000ins" }), "displayName")
      yield* refused(groups.create({ displayName: "DEFAULT/Adm\u0000ins" }), "displayName")
      yield* refused(groups.create({ displayName: "Admins\u0085" }), "displayName")
      yield* refused(groups.create({ displayName: "g".repeat(1025) }), "displayName")
      yield* refused(groups.create({ displayName: "Admins", externalId: "x\u0000" }), "externalId")
      yield* refused(
        groups.create({ displayName: "Admins", members: [{ value: uuid, display: "kim\u0000@example.com" }] }),
        "members.0.display"
      )
      yield* refused(groups.addMembers(uuid, [{ value: uuid, display: "k".repeat(255) }]), "members.0.display")
      yield* refused(groups.rename(uuid, "Crew\u009b"), "displayName")
      yield* refused(groups.replace(uuid, { displayName: "DEFAULT/Crew\u0000" }), "displayName")
      yield* refused(
        groups.replace(uuid, { displayName: "DEFAULT/Crew", members: [{ value: uuid, display: "kim\u0085" }] }),
        "members.0.display"
      )
      yield* refused(groups.patch(uuid, [Patch.rename("Crew\u0000")]), "Operations.0.value")
      yield* nothingSent
    })))

  it.effect("on Asgardeo a '/' in a plain name is refused: the store is the domain option", () =>
    run(Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const slash = yield* refused(groups.create({ displayName: "PARTNERS/Admins" }), "displayName")
      assert.include(slash.reason, "domain")
      yield* refused(groups.create({ displayName: "R&D/Team" }), "displayName")
      yield* refused(groups.create({ displayName: "Team", domain: "PART NERS" }), "domain")
      yield* refused(groups.create({ displayName: "Team", domain: 42 as unknown as string }), "domain")
      yield* refused(groups.rename(uuid, "PARTNERS/Crew"), "displayName")
      yield* refused(groups.replace(uuid, { displayName: "R&D/Team" }), "displayName")
      yield* nothingSent
    })))

  it.effect("create({ domain }) creates the group in that user store; rename keeps it there", () =>
    run(
      Effect.gen(function*() {
        const groups = yield* Groups.Groups
        const partners = yield* groups.create({ displayName: "Team", domain: "partners" })
        assert.strictEqual(partners.displayName, "PARTNERS/Team")
        const primary = yield* groups.create({ displayName: "Team" })
        assert.strictEqual(primary.displayName, "DEFAULT/Team")
        yield* groups.rename(partners.id, "Crew")
        assert.strictEqual((yield* groups.get(partners.id)).displayName, "PARTNERS/Crew")
        yield* groups.rename(primary.id, "Crew")
        assert.strictEqual((yield* groups.get(primary.id)).displayName, "DEFAULT/Crew")
        assert.strictEqual(Group.nameWithoutDomain(yield* groups.get(partners.id)), "Crew")
      }),
      { quirks: { userStores: ["DEFAULT", "PARTNERS"] } }
    ))
})

describe("Bulk writes", () => {
  const user = (n: number, password: unknown) => ({
    schemas: [User.CoreUrn],
    userName: `DEFAULT/bulk${n}@example.com`,
    password
  })

  it.effect("a plain-string password is refused in POST, PUT and PATCH data, naming the field", () =>
    run(Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const plain = "Plain-Text-Pw-1!"
      const cases: Array<[Bulk.Operation, string]> = [
        [Bulk.create("Users", "u1", user(1, plain)), "operations.0.data.password"],
        [Bulk.replace("Users", uuid, user(1, plain)), "operations.0.data.password"],
        [
          Bulk.patch("Users", uuid, [{ op: "replace", path: "password", value: plain }]),
          "operations.0.data.Operations.0.value"
        ],
        [
          Bulk.patch("Users", uuid, [{ op: "replace", value: { password: plain } }]),
          "operations.0.data.Operations.0.value.password"
        ]
      ]
      for (const [operation, field] of cases) {
        const error = yield* refused(bulk.execute([operation]), field)
        assert.include(error.reason, "Redacted")
        assert.notInclude(error.message, plain)
      }
      yield* nothingSent
    })))

  it.effect("every string of the data follows the rules (control characters, lengths, keys)", () =>
    run(Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const secret = Redacted.make("Passw0rd-1")
      const cases: Array<[Bulk.Operation, string]> = [
        [
          Bulk.create("Users", "u1", { ...user(1, secret), userName: "DEFAULT/Adm\u0000ins" }),
          "operations.0.data.userName"
        ],
        [
          Bulk.create("Users", "u1", { ...user(1, secret), name: { givenName: "x".repeat(1025) } }),
          "operations.0.data.name.givenName"
        ],
        [Bulk.create("Groups", "g1", { displayName: "Adm\u0085ins" }), "operations.0.data.displayName"],
        [
          Bulk.create("Users", "u1", { ...user(1, secret), [User.CustomUrn]: { badge: "B\u00077" } }),
          `operations.0.data.${User.CustomUrn}.badge`
        ],
        [
          Bulk.patch("Users", uuid, [{ op: "replace", path: "title", value: "T\u0000" }]),
          "operations.0.data.Operations.0.value"
        ]
      ]
      for (const [operation, field] of cases) yield* refused(bulk.execute([operation]), field)
      yield* nothingSent
    })))

  it.effect("a Redacted password is accepted and sent as the password, unwrapped only on the wire", () => {
    const { bodies, layer } = capturing()
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const result = yield* bulk.execute([
        Bulk.create("Users", "u1", { ...user(1, Redacted.make("Bulk-passw0rd-1")), emails: ["bulk1@example.com"] })
      ])
      assert.strictEqual(result.failed, 0)
      assert.strictEqual(result.byBulkId.get("u1")?.status, 201)
      const id = result.byBulkId.get("u1")!.id!
      const second = yield* bulk.execute([
        Bulk.patch("Users", id, [Patch.setPassword(Redacted.make("Bulk-passw0rd-2"))])
      ])
      assert.strictEqual(second.failed, 0)
      const sent = bodies.filter((b) => b.includes("BulkRequest")).map((b) => JSON.parse(b).Operations[0].data)
      assert.strictEqual(sent[0].password, "Bulk-passw0rd-1")
      assert.deepStrictEqual(sent[1].Operations, [{ op: "replace", path: "password", value: "Bulk-passw0rd-2" }])
      const snapshot = yield* emu.snapshot()
      assert.deepStrictEqual(snapshot.users.map((u) => u.userName), ["DEFAULT/bulk1@example.com"])
    }).pipe(Effect.provide(layer))
  })
})

describe("an answer that does not decode names the request it answered", () => {
  it.effect("PUT and PATCH by id: InvalidResponse of /Users/{id} and /Groups/{id}, the status sent", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
      const [eng] = yield* emu.seedGroups([{ displayName: "Engineering" }])
      // A 2xx whose JSON body is not a resource.
      yield* emu.injectFault(AsgardeoEmulator.status(200, { path: "*/Users/*" }, { body: "{\"unexpected\":true}" }))
      yield* emu.injectFault(AsgardeoEmulator.status(200, { path: "*/Groups/*" }, { body: "{\"unexpected\":true}" }))
      const cases = [
        [users.replace(kim!.id, { userName: "kim@example.com" }), "PUT", `/Users/${kim!.id}`],
        [users.patch(kim!.id, [Patch.replace("title", "Lead")]), "PATCH", `/Users/${kim!.id}`],
        [groups.replace(eng!.id, { displayName: "Engineering" }), "PUT", `/Groups/${eng!.id}`],
        [groups.patch(eng!.id, [Patch.replace("displayName", "Eng")]), "PATCH", `/Groups/${eng!.id}`]
      ] as const
      for (const [write, method, path] of cases) {
        const error = yield* Effect.flip(write as Effect.Effect<unknown, ScimError.ScimError>)
        if (error._tag !== "InvalidResponse") return assert.fail(`expected InvalidResponse, got ${error._tag}`)
        assert.strictEqual(error.method, method)
        assert.strictEqual(error.path, path)
        assert.strictEqual(error.status, 200)
      }
    }).pipe(Effect.provide(Emulated.layer())))
})

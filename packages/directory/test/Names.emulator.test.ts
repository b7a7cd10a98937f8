// Acting by name hits exactly one, named user (or group): a qualified name matches only in its
// user store, a bare name only in the default store, and a search of every store that finds more
// than one fails with AmbiguousUser / AmbiguousGroup listing the candidates. Against the emulator
// with the stores DEFAULT and PARTNERS holding the same names.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Group, Groups, type User, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Option, TestClock } from "effect"
import * as Emulated from "./utils/Emulated.js"
import * as Mock from "./utils/Mock.js"

type R = Users.Users | Groups.Groups | AsgardeoEmulator.AsgardeoEmulator

const stores = (quirks: Partial<AsgardeoEmulator.Quirks> = {}) => ({
  quirks: { userStores: ["DEFAULT", "PARTNERS"], ...quirks }
})

const run = <A, E>(
  effect: Effect.Effect<A, E, R>,
  quirks: Partial<AsgardeoEmulator.Quirks> = {},
  overrides: Partial<AsgardeoConfig.Options> = {}
) => effect.pipe(Effect.provide(Emulated.layer(stores(quirks), overrides)))

const invite = (userName: string): User.NewUser => ({
  userName,
  email: userName.replace(/^[^/]*\//, ""),
  askPassword: true
})

/** PARTNERS/kim first (so a store-blind lookup meets it first), then DEFAULT/kim, and PARTNERS/ann. */
const seedKims = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  const [partners, ann, primary] = yield* emu.seedUsers([
    { userName: "PARTNERS/kim@example.com", emails: [{ value: "kim@partner.example" }] },
    { userName: "PARTNERS/ann@example.com" },
    { userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }
  ])
  return { partners: partners!, ann: ann!, primary: primary! }
})

const requests = Effect.map(
  Emulated.scimLog,
  (log) => log.map((e) => `${e.method} ${e.path.replace(/^.*\/scim2/, "")}`)
)

describe("user lookups by name across user stores", () => {
  it.effect("a qualified name finds the user of that store; a bare name the default store's", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const kims = yield* seedKims
      yield* Emulated.clearLog
      const partners = yield* users.findByUserName("PARTNERS/kim@example.com")
      assert.strictEqual(Option.getOrThrow(partners).id, kims.partners.id)
      assert.strictEqual(
        Option.getOrThrow(yield* users.findByUserName("partners/KIM@example.com")).id,
        kims.partners.id
      )
      const bare = yield* users.findByUserName("kim@example.com")
      assert.strictEqual(Option.getOrThrow(bare).id, kims.primary.id)
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("DEFAULT/kim@example.com")).id, kims.primary.id)
      // Only in PARTNERS: not found by its bare name, found qualified.
      assert.isTrue(Option.isNone(yield* users.findByUserName("ann@example.com")))
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("PARTNERS/ann@example.com")).id, kims.ann.id)
      // One request per lookup, each restricted to its store.
      const log = yield* Emulated.scimLog
      assert.deepStrictEqual(log.map((e) => e.method), Array(6).fill("GET"))
      assert.deepStrictEqual(
        log.map((e) => new URLSearchParams(e.query).get("domain")),
        ["PARTNERS", "PARTNERS", "DEFAULT", "DEFAULT", "DEFAULT", "PARTNERS"]
      )
    })))

  it.effect("allStores: one match is found; two fail with AmbiguousUser naming both, never a guess", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const kims = yield* seedKims
      const ann = yield* users.findByUserName("ann@example.com", { allStores: true })
      assert.strictEqual(Option.getOrThrow(ann).id, kims.ann.id)
      assert.isTrue(Option.isNone(yield* users.findByUserName("nobody@example.com", { allStores: true })))
      const error = yield* Effect.flip(users.findByUserName("kim@example.com", { allStores: true }))
      assert.strictEqual(error._tag, "AmbiguousUser")
      if (error._tag !== "AmbiguousUser") return
      assert.deepStrictEqual(
        error.candidates.map((c) => [c.id, c.userName]).sort(),
        [[kims.partners.id, "PARTNERS/kim@example.com"], [kims.primary.id, "DEFAULT/kim@example.com"]].sort()
      )
      assert.include(error.message, "PARTNERS/kim@example.com")
      assert.include(error.message, "DEFAULT/kim@example.com")
      assert.include(error.message, "qualify the name with its store")
    })))

  it.effect("bad names and options fail with InvalidInput before any request", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      yield* Emulated.clearLog
      const bad: ReadonlyArray<readonly [unknown, unknown]> = [
        ["BAD STORE/kim@example.com", undefined],
        ["PARTNERS/", undefined],
        ["kim\u0000@example.com", undefined],
        ["", undefined],
        [42, undefined],
        ["kim@example.com", { allStores: "yes" }],
        ["kim@example.com", { everywhere: true }],
        ["kim@example.com", "all"],
        ["PARTNERS/kim@example.com", { allStores: true }]
      ]
      for (const [name, options] of bad) {
        const error = yield* Effect.flip(users.findByUserName(name as string, options as { allStores: boolean }))
        assert.strictEqual(error._tag, "InvalidInput", JSON.stringify(name))
      }
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    })))

  it.effect("a server that ignores domain still never yields the wrong store", () =>
    run(
      Effect.gen(function*() {
        const users = yield* Users.Users
        const kims = yield* seedKims
        assert.strictEqual(
          Option.getOrThrow(yield* users.findByUserName("PARTNERS/kim@example.com")).id,
          kims.partners.id
        )
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim@example.com")).id, kims.primary.id)
        assert.isTrue(Option.isNone(yield* users.findByUserName("ann@example.com")))
        assert.isTrue(Option.isNone(yield* users.findByUserName("DEFAULT/ann@example.com")))
      }),
      { ignoreDomainParameter: true }
    ))
})

describe("ensure and create use the default store", () => {
  it.effect("ensure after a 409 finds the default store's user, not PARTNERS/kim met first", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const kims = yield* seedKims
      const result = yield* users.ensure(invite("kim@example.com"))
      assert.isFalse(result.created)
      assert.strictEqual(result.user.id, kims.primary.id)
    })))

  it.effect("ensure after a create that never arrived creates DEFAULT/kim, never picks up PARTNERS/kim", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers([{ userName: "PARTNERS/kim@example.com" }])
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { method: "POST", path: /\/Users$/, times: 1 }))
      const fiber = yield* Effect.fork(users.ensure(invite("kim@example.com")))
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      assert.isTrue(result.created)
      assert.strictEqual(result.user.userName, "DEFAULT/kim@example.com")
      const names = (yield* emu.snapshot()).users.map((u) => u.userName).sort()
      assert.deepStrictEqual(names, ["DEFAULT/kim@example.com", "PARTNERS/kim@example.com"])
    })))

  it.effect("with defaultUserStore PARTNERS, bare names mean PARTNERS for create, ensure and lookups", () =>
    run(
      Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const kims = yield* seedKims
        const lee = yield* users.create(invite("lee@example.com"))
        assert.strictEqual(lee.userName, "PARTNERS/lee@example.com")
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim@example.com")).id, kims.partners.id)
        const ensured = yield* users.ensure(invite("kim@example.com"))
        assert.isFalse(ensured.created)
        assert.strictEqual(ensured.user.id, kims.partners.id)
        const group = yield* groups.ensureMember("Partners-Team", lee.id)
        assert.isTrue(group.created)
        assert.strictEqual(group.group.displayName, "PARTNERS/Partners-Team")
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("Partners-Team")).id, group.group.id)
        assert.isTrue(Option.isNone(yield* groups.findByName("DEFAULT/Partners-Team")))
      }),
      {},
      { defaultUserStore: "partners" }
    ))
})

describe("group lookups by name across user stores", () => {
  const seedGroups = Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    const [partners, primary, only] = yield* emu.seedGroups([
      { displayName: "PARTNERS/Engineering" },
      { displayName: "Engineering" },
      { displayName: "PARTNERS/Vendors" }
    ])
    return { partners: partners!, primary: primary!, only: only! }
  })

  it.effect("qualified, bare and allStores, with AmbiguousGroup naming the candidates", () =>
    run(Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const g = yield* seedGroups
      assert.strictEqual(Option.getOrThrow(yield* groups.findByName("PARTNERS/Engineering")).id, g.partners.id)
      assert.strictEqual(Option.getOrThrow(yield* groups.findByName("engineering")).id, g.primary.id)
      assert.isTrue(Option.isNone(yield* groups.findByName("Vendors")))
      assert.strictEqual(Option.getOrThrow(yield* groups.findByName("Vendors", { allStores: true })).id, g.only.id)
      const error = yield* Effect.flip(groups.findByName("Engineering", { allStores: true }))
      assert.strictEqual(error._tag, "AmbiguousGroup")
      if (error._tag !== "AmbiguousGroup") return
      assert.deepStrictEqual(
        error.candidates.map((c) => c.id).sort(),
        [g.partners.id, g.primary.id].sort()
      )
      assert.include(error.message, "PARTNERS/Engineering")
      assert.include(error.message, "qualify the name with its store")
    })))

  it.effect("a server that ignores domain never yields the other store's group", () =>
    run(
      Effect.gen(function*() {
        const groups = yield* Groups.Groups
        const g = yield* seedGroups
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("Engineering")).id, g.primary.id)
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("PARTNERS/Engineering")).id, g.partners.id)
        assert.isTrue(Option.isNone(yield* groups.findByName("Vendors")))
      }),
      { ignoreDomainParameter: true }
    ))

  it.effect("ensureMember of a bare name never joins PARTNERS' group of that name", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* seedGroups
      const kim = yield* users.create(invite("kim@example.com"))
      const result = yield* groups.ensureMember("Vendors", kim.id)
      assert.isTrue(result.created)
      assert.strictEqual(result.group.displayName, "DEFAULT/Vendors")
      const snapshot = yield* emu.snapshot()
      const vendors = snapshot.groups.filter((x) =>
        Group.nameWithoutDomain({ displayName: String(x.displayName) }) === "Vendors"
      )
      assert.deepStrictEqual(
        vendors.map((x) => [x.displayName, (x.members as Array<unknown> | undefined)?.length ?? 0]).sort(),
        [
          ["DEFAULT/Vendors", 1],
          ["PARTNERS/Vendors", 0]
        ]
      )
      // Qualified: joins the PARTNERS group.
      const partners = yield* groups.ensureMember("PARTNERS/Engineering", kim.id)
      assert.isFalse(partners.created)
      assert.isTrue(Group.hasMember(yield* groups.get(partners.group.id), kim.id))
    })))
})

describe("ensureMember after a lost answer", () => {
  it.effect("the create applied but its answer lost: success, one group with the member", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim@example.com"))
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: /\/Groups$/, times: 1 }))
      yield* Emulated.clearLog
      const result = yield* groups.ensureMember("HR-Managers", kim.id)
      assert.strictEqual(result.group.displayName, "DEFAULT/HR-Managers")
      assert.isTrue(Group.hasMember(result.group, kim.id))
      const snapshot = yield* emu.snapshot()
      assert.strictEqual(snapshot.groups.length, 1)
      assert.deepStrictEqual(snapshot.memberships, [{ groupId: result.group.id, userId: kim.id }])
      assert.deepStrictEqual(yield* requests, [
        "GET /Users/" + kim.id,
        "GET /Groups",
        "POST /Groups",
        "GET /Groups"
      ])
    })))

  it.effect("the member add applied but every answer lost: success once the group shows the member", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim@example.com"))
      const group = yield* groups.create({ displayName: "HR-Managers" })
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "PATCH", times: 10 }))
      const fiber = yield* Effect.fork(groups.ensureMember("HR-Managers", { value: kim.id, display: kim.userName }))
      yield* TestClock.adjust("1 minute")
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(result.group.id, group.id)
      assert.isFalse(result.created)
      assert.isTrue(Group.hasMember(yield* groups.get(group.id), kim.id))
    })))

  it.effect("a lost create that did not happen still fails with the original error", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim@example.com"))
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { method: "POST", path: /\/Groups$/, times: 1 }))
      const error = yield* Effect.flip(groups.ensureMember("HR-Managers", kim.id))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual((yield* emu.snapshot()).groups.length, 0)
    })))
})

describe("lookups against servers that misbehave (mock)", () => {
  const kim = (id: string, userName: string) => Mock.userJson(id, userName)

  it.effect("two users for one name in one store: AmbiguousUser, not the first one", () => {
    const m = Mock.asgardeo(() => ({
      status: 200,
      body: { Resources: [kim("u1", "DEFAULT/kim@example.com"), kim("u2", "DEFAULT/KIM@example.com")] }
    }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* Users.Users).findByUserName("kim@example.com"))
      assert.strictEqual(error._tag, "AmbiguousUser")
      if (error._tag === "AmbiguousUser") assert.deepStrictEqual(error.candidates.map((c) => c.id), ["u1", "u2"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server that ignores the store and the filter: only the wanted store's name counts", () => {
    const m = Mock.asgardeo(() => ({
      status: 200,
      body: {
        Resources: [
          kim("p1", "PARTNERS/kim@example.com"),
          kim("x1", "DEFAULT/kimberly@example.com"),
          kim("d1", "kim@example.com")
        ]
      }
    }))
    return Effect.gen(function*() {
      const users = yield* Users.Users
      // Without prefix: the primary store.
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim@example.com")).id, "d1")
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("PARTNERS/kim@example.com")).id, "p1")
      assert.isTrue(Option.isNone(yield* users.findByUserName("OTHER/kim@example.com")))
      // Every request carried its store.
      assert.deepStrictEqual(m.received.map((r) => r.url.searchParams.get("domain")), ["DEFAULT", "PARTNERS", "OTHER"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a full page may hide more: paging goes on; a short page ends the lookup in one request", () => {
    const others = Array.from({ length: 5 }, (_, i) => kim(`o${i}`, `PARTNERS/kim@example.com${i}`))
    const m = Mock.asgardeo((req) => {
      const start = Number(req.url.searchParams.get("startIndex") ?? "1")
      return {
        status: 200,
        body: { Resources: start === 1 ? others : [kim("d1", "DEFAULT/kim@example.com")] }
      }
    }, { pageSize: 5 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim@example.com")).id, "d1")
      assert.deepStrictEqual(
        m.received.map((r) => [r.url.searchParams.get("startIndex"), r.url.searchParams.get("count")]),
        [[null, "5"], ["6", "5"]]
      )
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("generic target: the name matches exactly as given ('/' is an ordinary character)", () => {
    const m = Mock.generic(() => ({
      status: 200,
      body: { Resources: [kim("a", "team/kim"), kim("b", "Kim")] }
    }))
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim")).id, "b")
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("TEAM/kim")).id, "a")
      assert.isTrue(Option.isNone(yield* users.findByUserName("other/kim")))
      const error = yield* Effect.flip(users.findByUserName("kim", { allStores: true }))
      assert.strictEqual(error._tag, "InvalidInput")
      // Three lookups (the configuration, read once before the first, is not one).
      assert.strictEqual(m.received.filter((r) => r.url.pathname.endsWith("/Users")).length, 3)
      assert.isUndefined(m.received.find((r) => r.url.searchParams.has("domain")))
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Group.hasName", () => {
  it("is store-aware: a bare name is the default store's", () => {
    assert.isTrue(Group.hasName({ displayName: "DEFAULT/HR-Admins" }, "hr-admins"))
    assert.isTrue(Group.hasName({ displayName: "HR-Admins" }, "DEFAULT/HR-Admins"))
    assert.isFalse(Group.hasName({ displayName: "PARTNERS/HR-Admins" }, "HR-Admins"))
    assert.isTrue(Group.hasName({ displayName: "PARTNERS/HR-Admins" }, "partners/HR-Admins"))
    assert.isTrue(Group.hasName({ displayName: "PARTNERS/HR-Admins" }, "HR-Admins", "partners"))
    assert.isFalse(Group.hasName({ displayName: "DEFAULT/HR-Admins" }, "HR-Admins", "PARTNERS"))
  })
})

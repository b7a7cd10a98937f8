// Acting by name hits exactly one, named user or group: the HR stack on an emulator with the user
// stores DEFAULT and PARTNERS holding the same names. A qualified name matches only in its store,
// a bare name only in the default store, a search of every store never guesses between two, and
// a server that ignores `domain` changes nothing. Also: Groups.ensureMember (and
// HrDirectory.assignUserRole) after a lost answer.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Group, Groups, Users } from "@asgardeo-scim/directory"
import { HrDirectory } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeSink } from "./support/capture.js"
import { recorder } from "./support/results.js"
import { employee, inProcess } from "./support/stack.js"

const results = recorder("names")
afterAll((file) => results.finish(file))

const stack = (
  quirks: Partial<AsgardeoEmulator.Quirks> = {},
  config: Partial<AsgardeoConfig.Options> = {}
) => inProcess(makeSink(), { emulator: { quirks: { userStores: ["DEFAULT", "PARTNERS"], ...quirks } }, config })

const invite = (userName: string) => ({ userName, email: userName.replace(/^[^/]*\//, ""), askPassword: true })

/** DEFAULT/ and PARTNERS/ each hold kim and lee (PARTNERS first, so a store-blind lookup meets it first); ann only PARTNERS. */
const seed = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  const seeded = yield* emu.seedUsers([
    { userName: "PARTNERS/kim@example.com" },
    { userName: "PARTNERS/lee@example.com" },
    { userName: "PARTNERS/ann@example.com" },
    { userName: "kim@example.com" },
    { userName: "lee@example.com" }
  ])
  const id = (name: string) => seeded.find((u) => u.userName === name)!.id
  const groups = yield* emu.seedGroups([
    { displayName: "PARTNERS/Engineering" },
    { displayName: "Engineering" },
    { displayName: "PARTNERS/HR-Managers" }
  ])
  const gid = (name: string) => groups.find((g) => g.displayName === name)!.id
  return { id, gid }
})

const found = <A extends { readonly id: string }>(o: Option.Option<A>): string | undefined =>
  Option.getOrUndefined(Option.map(o, (a) => a.id))

describe("names across user stores", () => {
  it.effect("a qualified name finds only that store's user; delete removes exactly that user", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const s = yield* seed
      let tried = 0
      for (const name of ["kim@example.com", "lee@example.com"]) {
        for (const store of ["PARTNERS", "partners", "DEFAULT"]) {
          tried++
          const user = yield* users.findByUserName(`${store}/${name}`)
          assert.strictEqual(found(user), s.id(`${store.toUpperCase()}/${name}`))
        }
      }
      const target = Option.getOrThrow(yield* users.findByUserName("PARTNERS/kim@example.com"))
      yield* users.delete(target.id)
      const left = (yield* emu.snapshot()).users.map((u) => String(u.userName)).sort()
      assert.deepStrictEqual(left, [
        "DEFAULT/kim@example.com",
        "DEFAULT/lee@example.com",
        "PARTNERS/ann@example.com",
        "PARTNERS/lee@example.com"
      ])
      results.observe("names.qualified-store", tried + 1, "the qualified store's user each time; delete hit exactly it")
    }).pipe(Effect.provide(stack())))

  it.effect("a bare name means the default store only", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const s = yield* seed
      assert.strictEqual(found(yield* users.findByUserName("kim@example.com")), s.id("DEFAULT/kim@example.com"))
      assert.strictEqual(found(yield* users.findByUserName("LEE@example.com")), s.id("DEFAULT/lee@example.com"))
      assert.isTrue(Option.isNone(yield* users.findByUserName("ann@example.com")))
      results.observe("names.bare-default-store", 3, "DEFAULT's user; None for a name only PARTNERS holds")
    }).pipe(Effect.provide(stack())))

  it.effect("allStores: one match is found, two fail typed with both candidates", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const s = yield* seed
      assert.strictEqual(
        found(yield* users.findByUserName("ann@example.com", { allStores: true })),
        s.id("PARTNERS/ann@example.com")
      )
      const user = yield* Effect.flip(users.findByUserName("kim@example.com", { allStores: true }))
      assert.strictEqual(user._tag, "AmbiguousUser")
      if (user._tag === "AmbiguousUser") {
        assert.deepStrictEqual(
          user.candidates.map((c) => c.id).sort(),
          [s.id("DEFAULT/kim@example.com"), s.id("PARTNERS/kim@example.com")].sort()
        )
      }
      const group = yield* Effect.flip(groups.findByName("Engineering", { allStores: true }))
      assert.strictEqual(group._tag, "AmbiguousGroup")
      if (group._tag === "AmbiguousGroup") {
        assert.deepStrictEqual(
          group.candidates.map((c) => c.id).sort(),
          [s.gid("DEFAULT/Engineering"), s.gid("PARTNERS/Engineering")].sort()
        )
      }
      results.observe("names.all-stores-ambiguous", 3, "AmbiguousUser / AmbiguousGroup with both candidates; one found")
    }).pipe(Effect.provide(stack())))

  it.live("ensure and onboarding of a bare name never pick up PARTNERS' user", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const hr = yield* HrDirectory.HrDirectory
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const s = yield* seed
      // 409: the default store's kim, not PARTNERS/kim met first.
      const conflict = yield* users.ensure(invite("kim@example.com"))
      assert.isFalse(conflict.created)
      assert.strictEqual(conflict.user.id, s.id("DEFAULT/kim@example.com"))
      // The create never arrived: the lookup finds nobody in DEFAULT and creates there.
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { method: "POST", path: "*/Users", times: 1 }))
      const created = yield* users.ensure(invite("ann@example.com"))
      assert.isTrue(created.created)
      assert.strictEqual(created.user.userName, "DEFAULT/ann@example.com")
      // Onboarding: the same, and PARTNERS/ann is left untouched.
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { method: "POST", path: "*/Users", times: 1 }))
      const onboarded = yield* hr.onboardEmployee({ ...employee(7), email: "zoe@example.com" })
      assert.strictEqual(onboarded.outcome, "created")
      assert.strictEqual(onboarded.userName, "DEFAULT/zoe@example.com")
      const partnersAnn = (yield* emu.snapshot()).users.find((u) => u.id === s.id("PARTNERS/ann@example.com"))!
      assert.isUndefined(partnersAnn["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])
      results.observe(
        "names.ensure-default-store",
        3,
        "the default store's user found or created; PARTNERS' never touched"
      )
    }).pipe(Effect.provide(stack())))

  it.effect("defaultUserStore PARTNERS: bare names mean PARTNERS for writes and reads", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const s = yield* seed
      const zoe = yield* users.create(invite("zoe@example.com"))
      assert.strictEqual(zoe.userName, "PARTNERS/zoe@example.com")
      assert.strictEqual(found(yield* users.findByUserName("kim@example.com")), s.id("PARTNERS/kim@example.com"))
      assert.strictEqual((yield* users.ensure(invite("ann@example.com"))).user.id, s.id("PARTNERS/ann@example.com"))
      assert.strictEqual(found(yield* groups.findByName("Engineering")), s.gid("PARTNERS/Engineering"))
      const team = yield* groups.ensureMember("Team", zoe.id)
      assert.strictEqual(team.group.displayName, "PARTNERS/Team")
      results.observe("names.default-store-config", 5, "created in and found in PARTNERS")
    }).pipe(Effect.provide(stack({}, { defaultUserStore: "PARTNERS" }))))

  it.effect("groups: qualified, bare, ensureMember and role groups follow the same rule", () =>
    Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const users = yield* Users.Users
      const hr = yield* HrDirectory.HrDirectory
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const s = yield* seed
      assert.strictEqual(found(yield* groups.findByName("PARTNERS/Engineering")), s.gid("PARTNERS/Engineering"))
      assert.strictEqual(found(yield* groups.findByName("engineering")), s.gid("DEFAULT/Engineering"))
      const kim = Option.getOrThrow(yield* users.findByUserName("kim@example.com"))
      const joined = yield* groups.ensureMember("Engineering", kim.id)
      assert.strictEqual(joined.group.id, s.gid("DEFAULT/Engineering"))
      const roleGroups = yield* hr.ensureRoleGroups
      const managers = roleGroups.find((g) => g.role === "hr_manager")!
      assert.strictEqual(managers.displayName, "DEFAULT/HR-Managers")
      const snap = yield* emu.snapshot()
      assert.deepStrictEqual(snap.memberships, [{ groupId: s.gid("DEFAULT/Engineering"), userId: kim.id }])
      results.observe("names.group-store", 4, "the named store's group; DEFAULT/HR-Managers created beside PARTNERS'")
    }).pipe(Effect.provide(stack())))

  it.effect("a server that ignores domain still never yields another store's user or group", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const s = yield* seed
      assert.strictEqual(found(yield* users.findByUserName("kim@example.com")), s.id("DEFAULT/kim@example.com"))
      assert.strictEqual(
        found(yield* users.findByUserName("PARTNERS/lee@example.com")),
        s.id("PARTNERS/lee@example.com")
      )
      assert.isTrue(Option.isNone(yield* users.findByUserName("ann@example.com")))
      assert.strictEqual(found(yield* groups.findByName("Engineering")), s.gid("DEFAULT/Engineering"))
      assert.isTrue(Option.isNone(yield* groups.findByName("HR-Managers")))
      results.observe(
        "names.server-ignores-domain",
        5,
        "right store each time; None where only another store holds the name"
      )
    }).pipe(Effect.provide(stack({ ignoreDomainParameter: true }))))
})

describe("ensureMember after a lost answer", () => {
  it.live("the group's create or every member PATCH answer lost: success, the state is right", () =>
    Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim@example.com"))
      const lee = yield* users.create(invite("lee@example.com"))
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Groups", times: 1 }))
      const first = yield* groups.ensureMember("Support", kim.id)
      assert.isTrue(Group.hasMember(first.group, kim.id))
      yield* emu.injectFault(
        AsgardeoEmulator.dropConnection("after", { method: "PATCH", path: "*/Groups/*", times: 20 })
      )
      const second = yield* groups.ensureMember("Support", lee.id)
      yield* emu.clearFaults
      assert.strictEqual(second.group.id, first.group.id)
      const snap = yield* emu.snapshot()
      assert.strictEqual(snap.groups.length, 1)
      assert.deepStrictEqual(snap.memberships.map((m) => m.userId).sort(), [kim.id, lee.id].sort())
      results.observe("lost.ensure-member", 2, "success; one group with both members")
    }).pipe(Effect.provide(stack())))

  it.effect("assignUserRole whose group create answer is lost: success, one group with the member", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const hr = yield* HrDirectory.HrDirectory
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim@example.com"))
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Groups", times: 1 }))
      const group = yield* hr.assignUserRole(kim.id, "Auditors")
      const snap = yield* emu.snapshot()
      assert.deepStrictEqual(snap.groups.map((g) => g.displayName), ["DEFAULT/Auditors"])
      assert.deepStrictEqual(snap.memberships, [{ groupId: group.id, userId: kim.id }])
      results.observe("lost.assign-user-role", 1, "success; the group and membership exist once")
    }).pipe(Effect.provide(stack())))
})

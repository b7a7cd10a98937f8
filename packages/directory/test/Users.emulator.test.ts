import type { ScimError } from "@asgardeo-scim/core"
import { Patch } from "@asgardeo-scim/core"
import { User, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Option, Redacted, Stream, TestClock } from "effect"
import * as Emulated from "./utils/Emulated.js"

const run = <A, E>(effect: Effect.Effect<A, E, Users.Users | AsgardeoEmulator.AsgardeoEmulator>) =>
  effect.pipe(Effect.provide(Emulated.layer()))

const invite = (email: string): User.NewUser => ({
  userName: email,
  email,
  givenName: "Kim",
  familyName: "Lee",
  askPassword: true
})

describe("Users on the emulator", () => {
  it.effect("create with askPassword sends DEFAULT/<email>, the WSO2 flag and returns a normalised user", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create(invite("kim@example.com"))
      assert.strictEqual(user.userName, "DEFAULT/kim@example.com")
      assert.strictEqual(User.userNameWithoutDomain(user), "kim@example.com")
      assert.strictEqual(User.primaryEmail(user), "kim@example.com")
      assert.strictEqual(user.name?.givenName, "Kim")
      const got = yield* users.get(user.id)
      assert.strictEqual(got.id, user.id)
    })))

  it.effect("create with a password and verifyEmail, enterprise attributes and a custom extension", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create({
        userName: "DEFAULT/ann@example.com",
        password: Redacted.make("Secr3t-Passw0rd!"),
        verifyEmail: true,
        email: "ann@example.com",
        phoneNumbers: [{ type: "work", value: "+1234567890" }],
        addresses: [{ type: "work", streetAddress: "123 Main St", locality: "San Francisco", country: "US" }],
        enterprise: { employeeNumber: "E-1", department: "Eng", manager: { value: "Taylor" } },
        attributes: { [User.CustomUrn]: { badge: "B-7" } }
      })
      assert.strictEqual(user.userName, "DEFAULT/ann@example.com")
      assert.strictEqual(user[User.EnterpriseUrn]?.employeeNumber, "E-1")
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const log = yield* emu.log
      const post = log.find((e) => e.method === "POST" && e.path.endsWith("/Users"))
      assert.isDefined(post)
    })))

  it.effect("create: 409 is Conflict, never retried; ensure returns the existing user", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const first = yield* users.ensure(invite("dup@example.com"))
      assert.isTrue(first.created)
      const error = yield* Effect.flip(users.create(invite("dup@example.com")))
      assert.strictEqual(error._tag, "Conflict")
      const again = yield* users.ensure(invite("DUP@example.com"))
      assert.isFalse(again.created)
      assert.strictEqual(again.user.id, first.user.id)
      const posts = (yield* Emulated.scimLog).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
      assert.strictEqual(posts.length, 3)
    })))

  it.effect("ensure after a lost POST response finds the user the server created", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: /\/Users$/, times: 1 }))
      const result = yield* users.ensure(invite("lost@example.com"))
      assert.isFalse(result.created)
      assert.strictEqual(result.user.userName, "DEFAULT/lost@example.com")
    })))

  it.effect("ensure after a 5xx on the POST looks the user up and creates again only when absent", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.injectFault(AsgardeoEmulator.status(503, { method: "POST", path: /\/Users$/, times: 1 }))
      const fiber = yield* Effect.fork(users.ensure(invite("five.oh.three@example.com")))
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      assert.isTrue(result.created)
      const posts = (yield* Emulated.scimLog).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
      assert.deepStrictEqual(posts.map((e) => e.status), [503, 201])
      assert.strictEqual((yield* emu.snapshot()).users.length, 1)
    })))

  it.effect("a PATCH of replace operations is retried after a 5xx; one with an add is not", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create(invite("kim.retry@example.com"))
      yield* emu.injectFault(AsgardeoEmulator.status(503, { method: "PATCH", times: 1 }))
      const fiber = yield* Effect.fork(users.patch(kim.id, [Patch.replace("name.givenName", "Kimmy")]))
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* Fiber.join(fiber)).name?.givenName, "Kimmy")
      yield* emu.injectFault(AsgardeoEmulator.status(503, { method: "PATCH", times: 1 }))
      const error = yield* Effect.flip(
        users.patch(kim.id, [Patch.addValue({ phoneNumbers: [{ type: "work", value: "+15550100" }] })])
      )
      assert.strictEqual(error._tag, "ServerError")
    })))

  it.effect("findByUserName with and without DEFAULT/, any case; None when absent", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create(invite("find.me+tag@example.com"))
      const a = yield* users.findByUserName("find.me+tag@example.com")
      const b = yield* users.findByUserName("DEFAULT/Find.Me+Tag@example.com")
      assert.strictEqual(Option.getOrThrow(a).id, user.id)
      assert.strictEqual(Option.getOrThrow(b).id, user.id)
      assert.isTrue(Option.isNone(yield* users.findByUserName("nobody@example.com")))
      // `+` forces POST .search on Asgardeo
      const log = yield* Emulated.scimLog
      assert.isTrue(log.some((e) => e.method === "POST" && e.path.endsWith("/Users/.search")))
    })))

  it.effect("list with filter string and Filter, count defaults to pageSize, projection", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      for (const n of [1, 2, 3]) yield* users.create(invite(`l${n}@example.com`))
      const page = yield* users.list({ filter: "userName sw l", count: 2 })
      assert.strictEqual(page.resources.length, 2)
      const all = yield* users.list()
      assert.strictEqual(all.resources.length, 3)
      const log = yield* Emulated.scimLog
      assert.isTrue(log.some((e) => e.method === "GET" && e.query.includes("count=100")))
      const projected = yield* users.list({ attributes: ["userName"] })
      assert.isTrue(projected.resources.every((u) => typeof u.id === "string"))
      const inStore = yield* users.list({ domain: "DEFAULT", filter: "userName sw l" })
      assert.strictEqual(inStore.resources.length, 3)
      assert.isTrue((yield* Emulated.scimLog).some((e) => e.query.includes("domain=DEFAULT")))
      const searched = yield* users.search({ filter: "userName sw l1", attributes: ["userName"] })
      assert.strictEqual(searched.resources.length, 1)
    })))

  it.effect("stream walks every page", () =>
    run(Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers(Array.from({ length: 250 }, (_, i) => ({ userName: `s${i}@example.com` })))
      const users = yield* Users.Users
      const all = yield* Stream.runCollect(users.stream())
      assert.strictEqual(Chunk.size(all), 250)
      assert.strictEqual(new Set(Chunk.toArray(all).map((u) => u.id)).size, 250)
    })))

  it.effect("replace keeps attributes it did not touch, custom extension included", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const created = yield* users.create({
        ...invite("put@example.com"),
        attributes: { [User.CustomUrn]: { badge: "B-1" } },
        enterprise: { department: "Ops" }
      })
      const user = yield* users.get(created.id)
      const replaced = yield* users.replace(user.id, { ...user, name: { ...user.name, givenName: "Jane" } })
      assert.strictEqual(replaced.name?.givenName, "Jane")
      assert.strictEqual(replaced.name?.familyName, "Lee")
      assert.strictEqual(replaced[User.EnterpriseUrn]?.department, "Ops")
      assert.deepStrictEqual(replaced[User.CustomUrn], { badge: "B-1" })
    })))

  it.effect("patch: replace, add without path, emails by filter path, several operations, raw ops", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create({
        ...invite("patch@example.com"),
        email: undefined,
        emails: [{ type: "work", value: "patch@example.com", primary: true }]
      })
      const patched = yield* users.patch(user.id, [
        Patch.replace("name.givenName", "Jane"),
        Patch.addValue({ phoneNumbers: [{ type: "mobile", value: "+1234567890" }] }),
        Patch.replaceEmail("work", "jane@example.com")
      ])
      assert.strictEqual(patched.name?.givenName, "Jane")
      assert.strictEqual(patched.phoneNumbers?.[0]?.value, "+1234567890")
      const raw = yield* users.patch(user.id, [{ op: "Replace", path: "name.familyName", value: "Smith" }])
      assert.strictEqual(raw.name?.familyName, "Smith")
    })))

  it.effect("setActive writes urn:scim:wso2:schema accountDisabled on Asgardeo", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create(invite("off@example.com"))
      yield* users.setActive(user.id, false)
      const off = yield* users.get(user.id)
      assert.isFalse(User.isActive(off))
      yield* users.setActive(user.id, true)
      assert.isTrue(User.isActive(yield* users.get(user.id)))
    })))

  it.effect("delete, then get is NotFound", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create(invite("gone@example.com"))
      yield* users.delete(user.id)
      const error = yield* Effect.flip(users.get(user.id))
      assert.strictEqual(error._tag, "NotFound")
    })))

  it.effect("bad input fails with InvalidInput before any request", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      yield* Emulated.clearLog
      const cases: Array<[unknown, string]> = [
        [{ userName: "", askPassword: true, email: "a@b.co" }, "userName"],
        [{ userName: "a@b.co", askPassword: true }, "email"],
        [{ userName: "a@b.co", verifyEmail: true, email: "a@b.co", askPassword: true }, "verifyEmail"],
        [
          { userName: "a@b.co", password: Redacted.make("x1234567!A"), askPassword: true, email: "a@b.co" },
          "askPassword"
        ],
        [{ userName: "a@b.co", email: "a@b.co" }, "password"],
        [{ userName: "a@b.co", askPassword: true, email: "not-an-email" }, "email"],
        [{ userName: "not-an-email", askPassword: true, email: "a@b.co" }, "userName"],
        [{ userName: "a@b.co", password: "plain", email: "a@b.co" }, "password"],
        [{
          userName: "a@b.co",
          askPassword: true,
          email: "a@b.co",
          attributes: { "urn:scim:schemas:extension:enterprise:2.0:User": { employeeNumber: "1" } }
        }, "attributes.urn:scim:schemas:extension:enterprise:2.0:User"]
      ]
      for (const [input, field] of cases) {
        const error = yield* Effect.flip(users.create(input as User.NewUser))
        assert.strictEqual(error._tag, "InvalidInput", JSON.stringify(field))
        assert.strictEqual((error as ScimError.InvalidInput).field, field)
        assert.notInclude(String((error as ScimError.InvalidInput).reason), "plain")
      }
      const enterpriseError = yield* Effect.flip(users.create(cases[8]![0] as User.NewUser))
      assert.include((enterpriseError as ScimError.InvalidInput).reason, User.EnterpriseUrn)
      const filterError = yield* Effect.flip(users.list({ filter: "userName eq \"a\" or userName eq \"b\"" }))
      assert.strictEqual(filterError._tag, "UnsupportedFilter")
      const sortError = yield* Effect.flip(users.list({ sortBy: "userName" } as Users.ListOptions))
      assert.strictEqual(sortError._tag, "Unsupported")
      assert.strictEqual((sortError as ScimError.Unsupported).feature, "sort")
      const idError = yield* Effect.flip(users.get("not-a-uuid"))
      assert.strictEqual(idError._tag, "InvalidId")
      const patchError = yield* Effect.flip(users.patch("6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60", []))
      assert.strictEqual(patchError._tag, "InvalidInput")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    })))

  it.effect("alphanumeric usernames", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const result = Users.prepareCreate("asgardeo", {
        userName: "kim42",
        userNameFormat: "alphanumeric",
        askPassword: true,
        email: "kim@example.com"
      })
      assert.isTrue(Either.isRight(result))
      const bad = yield* Effect.flip(
        users.create({ userName: "kim.42", userNameFormat: "alphanumeric", askPassword: true, email: "k@e.co" })
      )
      assert.strictEqual(bad._tag, "InvalidInput")
    })))

  it.effect("a userName or email longer than 254 characters fails before any request", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const long = `${"a".repeat(250)}@example.com`
      const name = yield* Effect.flip(users.create({ userName: long, askPassword: true, email: "k@e.co" }))
      assert.strictEqual(name._tag, "InvalidInput")
      assert.strictEqual((name as ScimError.InvalidInput).field, "userName")
      assert.include(name.message, "254")
      const email = yield* Effect.flip(users.create({ userName: "k@e.co", askPassword: true, email: long }))
      assert.strictEqual((email as ScimError.InvalidInput).field, "email")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    })))
})

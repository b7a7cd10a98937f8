// Nested groups over a mock: a bare member id no user has is looked up as a group where the target
// allows it (RFC 7644), never on Asgardeo; typed members are looked up as their type only; members
// go out with `type` where nested groups exist, without it on Asgardeo; bad input sends nothing.
import { Group, Groups } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Mock from "./utils/Mock.js"

const GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"

const notFound = { status: 404, body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404" } }

/** A server with the user `u1` (kim) and the groups `g1` (Ops) and `team`; every write succeeds. */
const handler = (req: Mock.Received): Mock.Reply => {
  const path = req.url.pathname
  if (req.method === "GET" && path.endsWith("/Users/u1")) return { status: 200, body: Mock.userJson("u1", "kim") }
  if (req.method === "GET" && path.endsWith("/Groups/g1")) {
    return { status: 200, body: { schemas: [GROUP_URN], id: "g1", displayName: "Ops" } }
  }
  if (req.method === "GET" && path.endsWith("/Groups/team")) {
    return { status: 200, body: { schemas: [GROUP_URN], id: "team", displayName: "Team" } }
  }
  if (req.method === "GET") return notFound
  const body = req.json as Record<string, unknown> | undefined
  return {
    status: req.method === "POST" ? 201 : 200,
    body: { schemas: [GROUP_URN], id: "team", displayName: "Team", ...body }
  }
}

const sent = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.map((r) => `${r.method} ${r.url.pathname.replace(/^.*\/(Users|Groups)/, "/$1")}${r.url.search}`)

/** The members of the last PATCH add sent. */
const addedMembers = (m: { readonly received: ReadonlyArray<Mock.Received> }) => {
  const patch = m.received.filter((r) => r.method === "PATCH").at(-1)?.json as
    | { Operations: ReadonlyArray<{ value: { members: unknown } }> }
    | undefined
  return patch?.Operations[0]?.value.members
}

describe("nested groups on an RFC 7644 target", () => {
  it.effect("a bare id no user has (404) is looked up as a group and sent with type Group and its displayName", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* groups.addMembers("team", ["g1", "u1"])
      assert.deepStrictEqual(sent(m).slice(0, 3).sort(), [
        "GET /Groups/g1?attributes=displayName",
        "GET /Users/g1?attributes=userName",
        "GET /Users/u1?attributes=userName"
      ])
      // the user lookup of g1 comes before its group lookup
      const order = sent(m)
      assert.isBelow(
        order.indexOf("GET /Users/g1?attributes=userName"),
        order.indexOf("GET /Groups/g1?attributes=displayName")
      )
      assert.deepStrictEqual(addedMembers(m), [
        { value: "g1", display: "Ops", type: "Group" },
        { value: "u1", display: "kim", type: "User" }
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a bare id that is neither a user nor a group: NotFound naming the id and the field, nothing written", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const error = yield* Effect.flip(groups.addMembers("team", ["u1", "ghost"]))
      assert.strictEqual(error._tag, "NotFound")
      assert.include(error.message, "\"ghost\"")
      assert.include(error.message, "members.1")
      assert.include(error.message, "/Users/ghost")
      assert.include(error.message, "/Groups/ghost")
      assert.isFalse(m.received.some((r) => r.method === "PATCH"))
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("typed members are looked up as their type only: a typed User that is a group is NotFound", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* groups.addMembers("team", [{ value: "g1", type: "Group" }])
      assert.deepStrictEqual(sent(m)[0], "GET /Groups/g1?attributes=displayName")
      assert.deepStrictEqual(addedMembers(m), [{ value: "g1", display: "Ops", type: "Group" }])
      m.received.length = 0
      const error = yield* Effect.flip(groups.addMembers("team", [{ value: "g1", type: "User" }]))
      assert.strictEqual(error._tag, "NotFound")
      assert.deepStrictEqual(sent(m), ["GET /Users/g1?attributes=userName"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("members with display are sent as given, with their type when given; no lookup", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* groups.addMembers("team", [
        { value: "g1", display: "Ops", type: "Group" },
        { value: "u1", display: "kim" }
      ])
      assert.deepStrictEqual(sent(m), ["PATCH /Groups/team"])
      assert.deepStrictEqual(addedMembers(m), [{ value: "g1", display: "Ops", type: "Group" }, {
        value: "u1",
        display: "kim"
      }])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("create and replace write members with type; a type read back in another case is normalised", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* groups.create({ displayName: "Team", members: ["g1"] })
      const post = m.received.find((r) => r.method === "POST")!.json as { members: unknown }
      assert.deepStrictEqual(post.members, [{ value: "g1", display: "Ops", type: "Group" }])
      yield* groups.replace("team", {
        displayName: "Team",
        members: [{ value: "g1", display: "Ops", type: "group", $ref: "https://scim.example.com/v2/Groups/g1" }]
      })
      const put = m.received.find((r) => r.method === "PUT")!.json as { members: unknown }
      assert.deepStrictEqual(put.members, [{ value: "g1", display: "Ops", type: "Group" }])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("removeMembers removes a group member by id", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* groups.removeMembers("team", ["g1"])
      const patch = m.received.find((r) => r.method === "PATCH")!.json as { Operations: unknown }
      assert.deepStrictEqual(patch.Operations, [{ op: "remove", path: "members[value eq \"g1\"]" }])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a type other than User or Group, or not a string, is InvalidInput naming the field; nothing sent", () => {
    const m = Mock.generic(handler)
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      for (const type of ["Robot", 1, ""]) {
        const error = yield* Effect.flip(groups.addMembers("team", ["u1", { value: "g1", type } as never]))
        assert.strictEqual(error._tag, "InvalidInput")
        if (error._tag === "InvalidInput") {
          assert.strictEqual(error.field, "members.1.type")
          assert.include(error.reason, "\"User\" or \"Group\"")
        }
      }
      const display = yield* Effect.flip(
        groups.addMembers("team", [{ value: "g1", type: "Group", display: 7 } as never])
      )
      assert.strictEqual(display._tag, "InvalidInput")
      if (display._tag === "InvalidInput") assert.strictEqual(display.field, "members.0.display")
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("no nested groups on Asgardeo", () => {
  const USER = "7b5f1a2e-9c1d-4a44-8f0e-0a1b2c3d4e5f"
  const GROUP = "2c1e7d55-3a90-4b7e-9d51-6f7a8b9c0d1e"
  const TEAM = "4d2f8e66-4ba1-4c8f-ae62-7a8b9c0d1e2f"
  const asgardeo = () =>
    Mock.asgardeo((req) => {
      const path = req.url.pathname
      if (req.method === "GET" && path.endsWith(`/Users/${USER}`)) {
        return { status: 200, body: Mock.userJson(USER, "DEFAULT/kim@example.com") }
      }
      if (req.method === "GET") return notFound
      return { status: 200, body: { schemas: [GROUP_URN], id: TEAM, displayName: "DEFAULT/Team" } }
    })

  it.effect("a member typed Group is InvalidInput naming the field, before any request (add, create, ensureMember)", () => {
    const m = asgardeo()
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const add = yield* Effect.flip(groups.addMembers(TEAM, [USER, { value: GROUP, type: "Group" }]))
      assert.strictEqual(add._tag, "InvalidInput")
      if (add._tag === "InvalidInput") {
        assert.strictEqual(add.field, "members.1.type")
        assert.include(add.reason, "a group cannot be a member of a group")
      }
      const create = yield* Effect.flip(
        groups.create({ displayName: "Team", members: [{ value: GROUP, type: "Group" }] })
      )
      assert.strictEqual(create._tag === "InvalidInput" && create.field, "members.0.type")
      const ensure = yield* Effect.flip(groups.ensureMember("Team", { value: GROUP, display: "Ops", type: "Group" }))
      assert.strictEqual(ensure._tag === "InvalidInput" && ensure.field, "member.0.type")
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a bare id no user has is NotFound with no group lookup; members go out without type", () => {
    const m = asgardeo()
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const error = yield* Effect.flip(groups.addMembers(TEAM, [GROUP]))
      assert.strictEqual(error._tag, "NotFound")
      assert.isFalse(m.received.some((r) => r.url.pathname.includes("/Groups/")))
      yield* groups.addMembers(TEAM, [USER, { value: USER, display: "DEFAULT/kim@example.com", type: "User" }])
      assert.deepStrictEqual(addedMembers(m), [
        { value: USER, display: "DEFAULT/kim@example.com" },
        { value: USER, display: "DEFAULT/kim@example.com" }
      ])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Group.memberIds", () => {
  it("all ids, or those of one type (ignoring case); a member without type is of none", () => {
    const group = {
      members: [
        { value: "u1", type: "User" },
        { value: "g1", type: "group" },
        { value: "x1" }
      ]
    }
    assert.deepStrictEqual(Group.memberIds(group), ["u1", "g1", "x1"])
    assert.deepStrictEqual(Group.memberIds(group, "Group"), ["g1"])
    assert.deepStrictEqual(Group.memberIds(group, "User"), ["u1"])
    assert.deepStrictEqual(Group.memberIds({}), [])
    assert.isTrue(Group.hasMember(group, "G1"))
  })
})

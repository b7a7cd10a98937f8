// Nested groups on SCIMMY (a third-party RFC 7644 server on a real socket), in its default and its
// strict mode: a group as a member of a group by typed member and by bare id, members read back
// with their type, a read-modify-write that keeps them, removal, and a bare id that is nothing.
import type { Directory as D } from "@asgardeo-scim/directory"
import { Group, Groups, Users } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Generic from "./utils/Generic.js"
import type * as ScimmyServer from "./utils/ScimmyServer.js"

for (const strict of [false, true]) {
  describe(`nested groups on SCIMMY (${strict ? "strict" : "default"} mode)`, () => {
    const run = <A, E>(effect: Effect.Effect<A, E, D.Services | ScimmyServer.Scimmy>) =>
      effect.pipe(Effect.provide(Generic.layer(NodeHttpClient.layerUndici, { strict })))

    it.live("a group joins a group by typed member and by bare id; members carry their type; removal", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const kim = yield* users.create({ userName: "kim" })
        const admins = yield* groups.create({ displayName: "Admins", members: [kim.id] })
        const ops = yield* groups.create({ displayName: "Ops" })
        // typed, at creation (display looked up: the group's displayName)
        const staff = yield* groups.create({
          displayName: "Staff",
          members: [{ value: admins.id, type: "Group" }, { value: kim.id, type: "User" }]
        })
        const created = staff.members?.find((m) => m.value === admins.id)
        assert.strictEqual(created?.type, "Group")
        assert.strictEqual(created?.display, "Admins")
        // a bare id no user has: found as a group
        yield* groups.addMembers(staff.id, [ops.id])
        const read = yield* groups.get(staff.id)
        assert.deepStrictEqual([...Group.memberIds(read, "Group")].sort(), [admins.id, ops.id].sort())
        assert.deepStrictEqual(Group.memberIds(read, "User"), [kim.id])
        assert.strictEqual(read.members?.find((m) => m.value === ops.id)?.display, "Ops")
        // again: already there, no error
        yield* groups.addMembers(staff.id, [{ value: ops.id, type: "Group" }])
        assert.strictEqual((yield* groups.get(staff.id)).members?.length, 3)
        // a read-modify-write keeps the members, their type included
        const replaced = yield* groups.replace(staff.id, { ...read, displayName: "All Staff" })
        assert.deepStrictEqual(
          [...Group.memberIds(replaced, "Group")].sort(),
          [admins.id, ops.id].sort()
        )
        // removal of a group member by id, twice (absent is no error)
        yield* groups.removeMembers(staff.id, [admins.id])
        yield* groups.removeMembers(staff.id, [admins.id])
        const after = yield* groups.get(staff.id)
        assert.isFalse(Group.hasMember(after, admins.id))
        assert.deepStrictEqual(Group.memberIds(after, "Group"), [ops.id])
        assert.isTrue(Group.hasMember(after, kim.id))
        // ensureMember with a group
        const ensured = yield* groups.ensureMember("On-Call", ops.id)
        assert.isTrue(ensured.created)
        assert.deepStrictEqual(Group.memberIds(yield* groups.get(ensured.group.id), "Group"), [ops.id])
      })))

    it.live("a bare id that is neither a user nor a group is NotFound naming it; the group is unchanged", () =>
      run(Effect.gen(function*() {
        const groups = yield* Groups.Groups
        const team = yield* groups.create({ displayName: "Team" })
        const error = yield* Effect.flip(groups.addMembers(team.id, ["no-such-id"]))
        assert.strictEqual(error._tag, "NotFound")
        assert.include(error.message, "\"no-such-id\"")
        assert.isUndefined((yield* groups.get(team.id)).members)
      })))
  })
}

// Strict mode against SCIMMY (a third-party RFC 7644 server): its real /Schemas and
// /ResourceTypes drive the checks. A refused write names the attribute and sends nothing (the
// server's request log is empty); valid writes and a get-modify-replace pass; answers checked with
// `responses: "fail"` pass on a conforming server. Default and strict SCIMMY alike.
import { Patch, ScimConfig } from "@asgardeo-scim/core"
import type { ScimError } from "@asgardeo-scim/core"
import { Directory, Groups, Resources, User, Users } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as ScimmyServer from "./utils/ScimmyServer.js"

const layer = (strictServer: boolean) =>
  Layer.unwrapEffect(Effect.map(ScimmyServer.Scimmy, (s) =>
    Directory.layerStrict({ responses: "fail" }).pipe(
      Layer.provideMerge(
        ScimConfig.layerGeneric({ scimBaseUrl: s.baseUrl, auth: { bearerToken: Redacted.make(s.token) } })
      ),
      Layer.orDie
    ))).pipe(
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provideMerge(strictServer ? ScimmyServer.layerStrict : ScimmyServer.layer)
    )

const refused = (error: { readonly _tag: string }, urn: string, attribute: string, reason: RegExp) => {
  assert.strictEqual(error._tag, "InvalidAttribute")
  const e = error as ScimError.InvalidAttribute
  assert.strictEqual(e.urn, urn)
  assert.strictEqual(e.attribute, attribute)
  assert.match(e.reason, reason)
}

for (const strictServer of [false, true]) {
  describe(`strict mode on SCIMMY (${strictServer ? "strict" : "default"} server)`, () => {
    const run = <A, E>(effect: Effect.Effect<A, E, Directory.Services | ScimmyServer.Scimmy>) =>
      Effect.provide(effect, layer(strictServer))

    it.live("valid writes, a get-modify-replace and update pass; discovery is read once", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const scimmy = yield* ScimmyServer.Scimmy
        const kim = yield* users.create({
          userName: "kim",
          password: Redacted.make("Secr3t-Passw0rd!"),
          name: { givenName: "Kim", familyName: "Lee" },
          emails: [{ type: "work", value: "kim@example.com", primary: true }],
          enterprise: { employeeNumber: "E-1", department: "Eng" }
        })
        const ann = yield* users.create({ userName: "ann" })
        const group = yield* groups.create({ displayName: "eng", members: [kim.id] })
        yield* groups.addMembers(group.id, [ann.id])
        yield* groups.removeMembers(group.id, [kim.id])
        yield* groups.rename(group.id, "engineering")
        yield* users.setActive(ann.id, false)
        const fetched = yield* users.get(kim.id)
        const replaced = yield* users.replace(kim.id, { ...fetched, title: "Engineer" })
        assert.strictEqual(replaced.title, "Engineer")
        const updated = yield* users.update(kim.id, (u) => ({ ...u, nickName: "K" }), { unconditional: true })
        assert.strictEqual(updated.nickName, "K")
        const patched = yield* users.patch(kim.id, [
          Patch.replace("name.givenName", "Kimberly"),
          Patch.replace("emails[type eq \"work\"].value", "kim@example.org"),
          Patch.addValue({ phoneNumbers: [{ type: "mobile", value: "+1234567890" }] })
        ])
        assert.strictEqual(patched.name?.givenName, "Kimberly")
        assert.strictEqual(patched[User.EnterpriseUrn]?.employeeNumber, "E-1")
        const reads = scimmy.requests.filter((r) => r.path.endsWith("/Schemas") || r.path.endsWith("/ResourceTypes"))
        assert.deepStrictEqual(reads.map((r) => r.path.split("/").pop()).sort(), ["ResourceTypes", "Schemas"])
      })))

    it.live("refused before anything is sent, each naming the attribute", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const raw = yield* Resources.make(Resources.users)
        const scimmy = yield* ScimmyServer.Scimmy
        const kim = yield* users.create({ userName: "kim" })
        const core = User.CoreUrn
        scimmy.clearRequests()

        // an unknown attribute
        refused(yield* Effect.flip(raw.create({ userName: "x", shoeSize: "42" })), core, "shoeSize", /not an attribute/)
        refused(
          yield* Effect.flip(users.replace(kim.id, { ...kim, name: { givenName: "K", nick: "k" } })),
          core,
          "name.nick",
          /not an attribute/
        )
        // a wrong type
        refused(yield* Effect.flip(raw.create({ userName: "x", active: "yes" })), core, "active", /expected a boolean/)
        refused(
          yield* Effect.flip(users.patch(kim.id, [Patch.replace("active", "False")])),
          core,
          "active",
          /Operations\.0: expected a boolean/
        )
        refused(
          yield* Effect.flip(raw.create({ userName: "x", emails: { value: "x@example.com" } })),
          core,
          "emails",
          /multi-valued/
        )
        // a readOnly attribute on create, and as a PATCH target
        refused(yield* Effect.flip(raw.create({ userName: "x", groups: [{ value: "g" }] })), core, "groups", /readOnly/)
        // (an id in a create is refused by the library's own rule, strict or not)
        assert.strictEqual((yield* Effect.flip(raw.create({ userName: "x", id: "mine" })))._tag, "InvalidInput")
        refused(
          yield* Effect.flip(users.patch(kim.id, [Patch.add("groups", [{ value: "g" }])])),
          core,
          "groups",
          /readOnly/
        )
        // a missing required attribute
        refused(yield* Effect.flip(raw.create({ name: { givenName: "X" } })), core, "userName", /required/)
        refused(
          yield* Effect.flip(users.patch(kim.id, [Patch.remove("userName")])),
          core,
          "userName",
          /required/
        )
        // an undeclared extension
        const other = "urn:example:params:scim:schemas:extension:badge:2.0:User"
        refused(
          yield* Effect.flip(raw.create({ schemas: [core, other], userName: "x", [other]: { badge: "B" } })),
          other,
          "schemas",
          /nor one of its extensions/
        )
        refused(
          yield* Effect.flip(users.patch(kim.id, [Patch.addValue({ [other]: { badge: "B" } })])),
          other,
          "",
          /not a schema extension of \/Users/
        )
        refused(
          yield* Effect.flip(raw.create({ userName: "x", [User.EnterpriseUrn]: { badge: "B" } })),
          User.EnterpriseUrn,
          "badge",
          /not an attribute/
        )
        // a value outside canonicalValues
        refused(
          yield* Effect.flip(raw.create({ userName: "x", emails: [{ type: "pager", value: "x@example.com" }] })),
          core,
          "emails.0.type",
          /canonical values \(work, home, other\)/
        )
        // a password's value is never in a message
        const secret = yield* Effect.flip(
          raw.create({ userName: "x", password: Redacted.make("Secr3t-Passw0rd!"), displayName: 7 })
        )
        assert.notInclude(JSON.stringify(secret), "Secr3t")
        assert.notInclude(String(secret), "Secr3t")
        assert.deepStrictEqual(scimmy.requests, [])
      })))
  })
}

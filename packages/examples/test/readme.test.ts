// Every README example is a file under readme/, type-checked by `pnpm check`, run here against
// the in-process emulator, and compared with the README's code blocks so the two never drift.
// Each run checks what the README says the example does, in the emulator's state after each
// request it sent (an example that did nothing, or did something else, fails).
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import type { HttpBody } from "@effect/platform"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer, Redacted } from "effect"
import * as fs from "node:fs"
import { vi } from "vitest"
import * as bulk from "../readme/bulk.js"
import * as concurrency from "../readme/concurrency.js"
import * as errors from "../readme/errors.js"
import * as filters from "../readme/filters.js"
import * as groups from "../readme/groups.js"
import * as hr from "../readme/hr.js"
import * as quickstart from "../readme/quickstart.js"
import * as servers from "../readme/servers.js"
import * as strict from "../readme/strict.js"
import * as users from "../readme/users.js"

type Json = AsgardeoEmulator.JsonObject

/** One SCIM request an example sent, and the emulator's state once it was answered. */
interface Step {
  readonly method: string
  /** Relative to the SCIM base: `/Users/{id}`. */
  readonly path: string
  readonly status: number
  /** The request body as sent (passwords included: the wire is where they are unwrapped). */
  readonly body: Json | undefined
  readonly state: AsgardeoEmulator.Snapshot
}

const bodyOf = (body: HttpBody.HttpBody): Json | undefined =>
  body._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(body.body)) as Json : undefined

/** The directory and HR layers on a fresh emulator, with the steps of every SCIM request recorded. */
const onEmulator = (options: AsgardeoEmulator.Options = {}) => {
  const steps: Array<Step> = []
  const recording = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
      HttpClient.tap(emu.client, (response) => {
        const url = new URL(response.request.url)
        if (!url.pathname.startsWith("/t/acme/scim2/")) return Effect.void
        return Effect.map(Effect.orDie(emu.snapshot()), (state) =>
          void steps.push({
            method: response.request.method,
            path: url.pathname.slice("/t/acme/scim2".length),
            status: response.status,
            body: bodyOf(response.request.body),
            state
          }))
      }))
  )
  const layer = HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()),
    Layer.provideMerge(
      Layer.unwrapEffect(Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
        Directory.layerAsgardeo({
          organization: emu.organization,
          clientId: emu.credentials.clientId,
          clientSecret: Redacted.make(emu.credentials.clientSecret),
          baseUrl: emu.baseUrl
        })))
    ),
    Layer.provide(recording),
    Layer.provideMerge(AsgardeoEmulator.layerClient(options))
  )
  return { steps, layer }
}

const userNamed = (state: AsgardeoEmulator.Snapshot, userName: string): Json | undefined =>
  state.users.find((u) => u.userName === userName)
const groupNamed = (state: AsgardeoEmulator.Snapshot, displayName: string): Json | undefined =>
  state.groups.find((g) => g.displayName === displayName)
/** The displayNames of the groups a user is a member of. */
const groupsOf = (state: AsgardeoEmulator.Snapshot, userId: unknown): Array<string> =>
  state.memberships.filter((m) => m.userId === userId).map((m) =>
    String(state.groups.find((g) => g.id === m.groupId)?.displayName)
  ).sort()
const ext = (user: Json | undefined, urn: string): Json => (user?.[urn] ?? {}) as Json
const Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const Wso2 = "urn:scim:wso2:schema"

/** The steps that wrote (everything but GETs and searches), as `METHOD /Path`, ids as `{id}`. */
const writes = (steps: ReadonlyArray<Step>) =>
  steps.filter((s) => s.method !== "GET" && !s.path.endsWith("/.search")).map((s) =>
    `${s.method} ${s.path.replace(/\/[0-9a-f-]{36}$/, "/{id}")}`
  )

describe("README examples", () => {
  it.effect("quickstart: lists the first ten users", () => {
    const { layer } = onEmulator()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers(Array.from({ length: 12 }, (_, i) => ({ userName: `u${i}@example.com` })))
      const printed: Array<string> = []
      const log = vi.spyOn(console, "log").mockImplementation((_id, userName) => void printed.push(String(userName)))
      yield* Effect.ensuring(quickstart.program, Effect.sync(() => log.mockRestore()))
      assert.strictEqual(printed.length, 10)
      assert.isTrue(printed.every((name) => /^DEFAULT\/u\d+@example\.com$/.test(name)), printed.join(", "))
    }).pipe(Effect.provide(layer))
  })

  it.effect("users: an invitation and a password user; found, patched, disabled, deleted", () => {
    const { layer, steps } = onEmulator()
    return Effect.gen(function*() {
      assert.isTrue(yield* users.program)
      assert.deepStrictEqual(writes(steps), [
        "POST /Users",
        "POST /Users",
        "PATCH /Users/{id}",
        "PATCH /Users/{id}",
        "DELETE /Users/{id}"
      ])
      assert.isTrue(steps.every((s) => s.status >= 200 && s.status < 300), JSON.stringify(steps.map((s) => s.status)))
      const [created, , patched, disabled, deleted] = steps.filter((s) => s.method !== "GET")
        .filter((s) => !s.path.endsWith("/.search"))
      const kim = userNamed(created!.state, "DEFAULT/kim@example.com")
      assert.isDefined(kim, "created in the default store")
      assert.deepStrictEqual(kim!.name, { givenName: "Kim", familyName: "Lee" })
      assert.strictEqual(ext(created!.body, Wso2).askPassword, true, "an invitation")
      assert.notProperty(created!.body, "password")
      const [, sam] = steps.filter((s) => s.method === "POST")
      assert.strictEqual(sam!.body?.password, "S3cret-pass", "the Redacted password, unwrapped on the wire only")
      assert.isDefined(userNamed(sam!.state, "DEFAULT/sam@example.com"))
      assert.strictEqual((userNamed(patched!.state, "DEFAULT/kim@example.com")!.name as Json).givenName, "Kimberly")
      assert.strictEqual(
        String(ext(userNamed(disabled!.state, "DEFAULT/kim@example.com"), Wso2).accountDisabled),
        "true"
      )
      assert.deepStrictEqual(deleted!.state.users.map((u) => u.userName), ["DEFAULT/sam@example.com"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("groups: added, ensured into On-Call, removed again; the group is returned", () => {
    const { layer, steps } = onEmulator()
    return Effect.gen(function*() {
      const returned = yield* groups.program
      assert.strictEqual(returned.displayName, "DEFAULT/Engineering")
      assert.strictEqual(returned.members?.length ?? 0, 0)
      // addMembers, ensureMember (a new group: created with its member), removeMembers.
      assert.deepStrictEqual(writes(steps), [
        "POST /Users",
        "POST /Groups",
        "PATCH /Groups/{id}",
        "POST /Groups",
        "PATCH /Groups/{id}"
      ])
      const [, , added, ensured, removed] = steps.filter((s) => s.method !== "GET" && !s.path.endsWith("/.search"))
      const lee = String(userNamed(added!.state, "DEFAULT/lee@example.com")!.id)
      // Each member write did what the README says, in order.
      assert.deepStrictEqual(groupsOf(added!.state, lee), ["DEFAULT/Engineering"])
      assert.deepStrictEqual(groupsOf(ensured!.state, lee), ["DEFAULT/Engineering", "DEFAULT/On-Call"])
      assert.deepStrictEqual(groupsOf(removed!.state, lee), ["DEFAULT/On-Call"])
      // Members are sent with display = userName.
      assert.deepStrictEqual((added!.body?.Operations as ReadonlyArray<Json>)[0]!.value, {
        members: [{ value: lee, display: "DEFAULT/lee@example.com" }]
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("bulk: the user and a group holding it by bulkId, in one request", () => {
    const { layer, steps } = onEmulator()
    return Effect.gen(function*() {
      const id = yield* bulk.program
      assert.deepStrictEqual(writes(steps), ["POST /Bulk"])
      const state = steps.at(-1)!.state
      const ann = userNamed(state, "DEFAULT/ann@example.com")
      assert.strictEqual(id, ann?.id, "the id of the user created")
      assert.deepStrictEqual(groupsOf(state, id), ["DEFAULT/Team Ann"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("concurrency: update, a conditional patch, and a delete refused for a stale version", () => {
    const { layer, steps } = onEmulator({ etag: true })
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com" }])
      assert.strictEqual(yield* concurrency.program(kim!.id), "changed since it was read: kept")
      assert.deepStrictEqual(
        steps.filter((s) => s.method !== "GET").map((s) => `${s.method} ${s.status}`),
        ["PUT 200", "PATCH 200", "DELETE 412"]
      )
      const final = userNamed(steps.at(-1)!.state, "DEFAULT/kim@example.com")
      assert.strictEqual(final?.title, "Principal Engineer")
    }).pipe(Effect.provide(layer))
  })

  it.effect("strict: a valid create passes, a misspelt PATCH is refused before it is sent; /Schemas read once", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const layer = strict.StrictDirectory({
        organization: emu.organization,
        clientId: emu.credentials.clientId,
        clientSecret: Redacted.make(emu.credentials.clientSecret),
        baseUrl: emu.baseUrl
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, emu.client)))
      const result = yield* Effect.provide(strict.program, layer)
      assert.strictEqual(result, "refused: titel (Operations.0: not an attribute of the schema)")
      const scim = (yield* emu.log).filter((e) => e.path.startsWith("/t/acme/scim2/"))
      assert.deepStrictEqual(scim.map((e) => `${e.method} ${e.path.slice("/t/acme/scim2".length)}`).sort(), [
        "GET /ResourceTypes",
        "GET /Schemas",
        "POST /Users"
      ])
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))

  it.effect("filters: typed and raw filters select what they say; the stream reads every page", () => {
    const { layer } = onEmulator()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const department = (d: string) => ({ [Enterprise]: { department: d } })
      yield* emu.seedUsers([
        // Engineers: userName starts with eng- and the department is Engineering.
        { userName: "eng-ann@example.com", emails: [{ value: "eng-ann@example.com" }], ...department("Engineering") },
        { userName: "eng-bo@example.com", emails: [{ value: "bo@example.org" }], ...department("Engineering") },
        // Not engineers: the wrong department, or the wrong prefix.
        { userName: "eng-cy@example.com", emails: [{ value: "cy@example.com" }], ...department("Sales") },
        { userName: "dee@example.com", emails: [{ value: "dee@example.com" }], ...department("Engineering") },
        // Neither an example.com email nor an "example" userName.
        { userName: "eve@corp.test", emails: [{ value: "eve@corp.test" }] },
        // 150 more, so the stream reads two pages.
        ...Array.from({ length: 150 }, (_, i) => ({ userName: `u${i}@example.com` }))
      ])
      const r = yield* filters.program
      assert.deepStrictEqual(r, { engineers: 2, byEmail: 3, all: 154 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("errors: found, NotFound and InvalidId handled by tag; a bad id is sent nowhere", () => {
    const { layer, steps } = onEmulator()
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com" }])
      assert.strictEqual(yield* errors.program(kim!.id), "found DEFAULT/kim@example.com")
      assert.strictEqual(yield* errors.program("00000000-0000-4000-8000-000000000000"), "no such user")
      assert.deepStrictEqual(steps.map((s) => s.status), [200, 404])
      assert.match(yield* errors.program("kim"), /^not an id/)
      assert.strictEqual(steps.length, 2, "the bad id was refused before any request")
    }).pipe(Effect.provide(layer))
  })

  it.effect("hr: role groups, onboarding, a role change that adds before it removes, offboarding, a batch", () => {
    const { layer, steps } = onEmulator()
    return Effect.gen(function*() {
      const lines = yield* hr.program
      assert.strictEqual(lines.length, 1)
      const line = JSON.parse(lines[0]!) as Record<string, unknown>
      assert.strictEqual(line.employeeId, "E1002")
      assert.strictEqual(line.outcome, "created")
      const final = steps.at(-1)!.state
      for (const name of ["DEFAULT/HR-Admins", "DEFAULT/HR-Managers", "DEFAULT/Employees"]) {
        assert.isDefined(groupNamed(final, name), name)
      }
      const kim = userNamed(final, "DEFAULT/kim@example.com")
      assert.strictEqual(ext(kim, Enterprise).employeeNumber, "E1001")
      assert.strictEqual(ext(kim, Enterprise).department, "Engineering")
      assert.strictEqual(String(ext(kim, Wso2).accountDisabled), "true", "offboarded: deactivated")
      assert.deepStrictEqual(groupsOf(final, kim!.id), [], "offboarded: in no role group")
      // Over time: Employees, then both while the role changes, then HR-Managers alone.
      const kimGroups = steps.map((s) => groupsOf(s.state, kim!.id).join("+"))
        .filter((g, i, all) => i === 0 || g !== all[i - 1])
      assert.deepStrictEqual(kimGroups.filter((g) => g !== ""), [
        "DEFAULT/Employees",
        "DEFAULT/Employees+DEFAULT/HR-Managers",
        "DEFAULT/HR-Managers"
      ])
      const sam = userNamed(final, "DEFAULT/sam@example.com")
      assert.deepStrictEqual(groupsOf(final, sam!.id), ["DEFAULT/HR-Admins"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("servers: a target of one's own; Asgardeo behind a gateway with a header and a backoff", () =>
    Effect.gen(function*() {
      assert.isTrue(Either.isLeft(servers.AcmeScim.encodeId("0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10")))
      assert.isFalse(servers.AcmeScim.filters.users.or)
      assert.strictEqual(servers.AcmeScim.bulk.maxOperations, 50)
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers([{ userName: "kim@example.com" }, { userName: "sam@example.com" }])
      const seen: Array<string | undefined> = []
      const recording = HttpClient.tap(
        emu.client,
        (response) => Effect.sync(() => void seen.push(response.request.headers["x-gateway-key"]))
      )
      const page = yield* servers.program.pipe(
        Effect.provide(
          servers.behindGateway({
            scimBaseUrl: emu.scimUrl,
            tokenUrl: emu.tokenUrl,
            clientId: emu.credentials.clientId,
            clientSecret: Redacted.make(emu.credentials.clientSecret)
          }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, recording)))
        )
      )
      assert.deepStrictEqual(page.resources.map((u) => u.userName), ["DEFAULT/kim@example.com"])
      assert.isAtLeast(seen.length, 2, "the token request and the list")
      assert.isTrue(seen.every((h) => h === "hr-service"), "every request carries the gateway's header")
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))

  it("the README shows each file as it is", () => {
    const readme = fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)```/g)]
    assert.isAtLeast(blocks.length, 8)
    for (const [, file, code] of blocks) {
      const source = fs.readFileSync(new URL(`../${file}`, import.meta.url), "utf8")
      assert.strictEqual(code, source, `README block for ${file} differs from the file`)
    }
  })

  it("the testkit README shows each file as it is (its first example injects faults)", () => {
    const readme = fs.readFileSync(new URL("../../testkit/README.md", import.meta.url), "utf8")
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)```/g)]
    assert.isAtLeast(blocks.length, 1)
    assert.include(blocks[0]![2], "injectFault", "the first example injects a fault")
    assert.include(blocks[0]![2], "it.effect", "and runs under it.effect")
    assert.notInclude(blocks[0]![2], "TestClock.adjust")
    for (const [, file, code] of blocks) {
      const source = fs.readFileSync(new URL(`../${file}`, import.meta.url), "utf8")
      assert.strictEqual(code, source, `testkit README block for ${file} differs from the file`)
    }
  })
})

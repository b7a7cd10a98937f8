// Hostile input: every case gets a typed error that names the problem, and no request (not even
// a token request) reaches the server: the emulator's request log is the evidence. Filter values
// passed through the builders do reach the server, which must receive exactly one comparison
// with the literal value.
import { Filter } from "@asgardeo-scim/core"
import { Groups, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Either, Exit, Option } from "effect"
import { audit, makeSink } from "./support/capture.js"
import type { Injection, Rejected } from "./support/hostile.js"
import { hostileCases } from "./support/hostile.js"
import { recorder } from "./support/results.js"
import { credentials, inProcess } from "./support/stack.js"

const results = recorder("hostile")
afterAll((file) => results.finish(file))

const rejectedCase = (c: Rejected) => {
  const sink = makeSink()
  return Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    yield* emu.clearLog
    const exit = yield* Effect.exit(c.run)
    assert.isTrue(Exit.isFailure(exit), `${c.id} was accepted`)
    if (Exit.isSuccess(exit)) return
    const failure = Cause.failureOption(exit.cause)
    assert.isTrue(Option.isSome(failure), `${c.id}: not a typed failure: ${Cause.pretty(exit.cause)}`)
    const error = Option.getOrThrow(failure) as { readonly _tag: string; readonly message?: string }
    sink.errors.push(error)
    const text = `${String(error.message)} ${String(error)}`
    assert.strictEqual(error._tag, c.tag, text)
    assert.include(text, c.names, `${c.id}: the error must name the problem`)
    const log = yield* emu.log
    assert.deepStrictEqual(log.map((l) => `${l.method} ${l.path}`), [], `${c.id}: a request reached the server`)
    assert.deepStrictEqual(audit(sink, [credentials.clientSecret, "Plain-Text-Pw-1!"]), [])
    results.observe(c.id, 1, `${error._tag}: ${String(error.message).slice(0, 90)}; 0 requests`)
  }).pipe(Effect.provide(inProcess(sink)))
}

const injectionCase = (c: Injection) => {
  const sink = makeSink()
  return Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    let found: ReadonlyArray<string>
    let expectedId: string
    if (c.target === "users") {
      const seeded = yield* emu.seedUsers(
        [c.value, "x", "y", "decoy"].map((givenName, i) => ({
          userName: `u${i}@example.com`,
          name: { givenName, familyName: "F" }
        }))
      )
      expectedId = seeded[0]!.id
      yield* emu.clearLog
      const page = yield* Effect.flatMap(Users.Users, (u) => u.list({ filter: Filter.eq("name.givenName", c.value) }))
      found = page.resources.map((u) => u.id)
    } else {
      const seeded = yield* emu.seedGroups([c.value, "x", "y"].map((displayName) => ({ displayName })))
      expectedId = seeded[0]!.id
      yield* emu.clearLog
      const group = yield* Effect.flatMap(Groups.Groups, (g) => g.findByName(c.value))
      found = Option.isSome(group) ? [group.value.id] : []
    }
    assert.deepStrictEqual(found, [expectedId], "exactly the user or group with the literal value")
    // The filter the server received.
    const log = (yield* emu.log).filter((l) => !l.path.endsWith("/oauth2/token"))
    const received = log.map((l) =>
      l.path.endsWith("/.search")
        ? (JSON.parse(sink.bodies.filter((b) => b.url.endsWith("/.search")).at(-1)!.body) as { filter: string }).filter
        : new URLSearchParams(l.query).get("filter") ?? ""
    )
    assert.isAbove(received.length, 0)
    for (const text of received) {
      const parsed = Filter.parse(text)
      assert.isTrue(Either.isRight(parsed), text)
      const filter = Either.getOrThrow(parsed)
      assert.strictEqual(filter._tag, "Compare", `one comparison, got ${text}`)
      if (filter._tag === "Compare") {
        assert.include([c.value, `DEFAULT/${c.value}`], filter.value, `the literal value, got ${text}`)
      }
    }
    results.observe(c.id, 1, `server received one comparison with the literal value (${received[0]}); 1 match`)
  }).pipe(Effect.provide(inProcess(sink)))
}

describe("hostile input", () => {
  for (const c of hostileCases) {
    if (c.reach === "none") it.effect(`${c.id}: ${c.what} -> ${c.tag}`, () => rejectedCase(c))
    else it.effect(`${c.id}: ${c.what} -> one comparison, literal value`, () => injectionCase(c))
  }
})

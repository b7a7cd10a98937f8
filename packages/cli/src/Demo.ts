/**
 * The demo, what `pnpm start` runs: the whole product on the embedded emulator, in seconds, with
 * no configuration. It starts the emulator on a loopback port (a real HTTP server), connects the
 * client over undici, sets up the role groups, onboards the sample CSV with the progress bar
 * (a bad row is reported and skipped), changes one role, offboards one employee and prints a
 * summary from the emulator's state and the client's metrics.
 *
 * @since 0.1.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { fileURLToPath } from "node:url"
import * as Batch from "./Batch.js"
import { readCsv } from "./internal/hr.js"
import { Io } from "./Io.js"
import * as Lookup from "./Lookup.js"
import * as Render from "./Render.js"

/**
 * The sample CSV shipped with the package (50 employees, one of them with a bad email).
 *
 * @since 0.1.0
 * @category constants
 */
export const sampleCsv: string = fileURLToPath(new URL("../data/employees.csv", import.meta.url))

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly csv?: string | undefined
  readonly bulk?: "auto" | boolean | undefined
  readonly concurrency?: number | undefined
  readonly json?: boolean | undefined
}

/**
 * What the demo did.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly emulator: string
  readonly batch: Batch.Summary
  readonly roleChange: { readonly userName: string; readonly from: string; readonly to: string }
  readonly offboarded: string
  readonly users: number
  readonly activeUsers: number
  readonly groups: number
  readonly memberships: number
  readonly requests: number
  readonly retries: number
  readonly rateLimited: number
  readonly tokenRequests: number
  readonly elapsedMillis: number
}

const counters = Effect.all({
  requests: Metric.value(ScimClient.requests),
  retries: Metric.value(ScimClient.retries),
  rateLimited: Metric.value(ScimClient.rateLimited),
  tokenRequests: Metric.value(AccessToken.tokenRequests)
}).pipe(Effect.map((m) => ({
  requests: m.requests.count,
  retries: m.retries.count,
  rateLimited: m.rateLimited.count,
  tokenRequests: m.tokenRequests.count
})))

/**
 * Runs the demo.
 *
 * @since 0.1.0
 * @category programs
 */
export const run = (options: Options = {}) =>
  Effect.scoped(Effect.gen(function*() {
    const io = yield* Io
    const quiet = options.json === true
    const say = (text: string) => quiet ? Effect.void : io.out(text)
    const step = (n: number, text: string) => say(`\n${Render.styled(`${n}. ${text}`, "bold", io.color)}`)
    const started = Date.now()
    const file = options.csv ?? sampleCsv

    const [EmulatorServer, NodeHttpClient] = yield* Effect.promise(() =>
      Promise.all([import("@asgardeo-scim/testkit/EmulatorServer"), import("@effect/platform-node/NodeHttpClient")])
    )
    const emu = yield* EmulatorServer.make({ port: 0 })
    yield* step(1, `Asgardeo emulator listening on ${emu.baseUrl} (organization ${emu.organization})`)
    yield* say(`   a real HTTP server on loopback; the client reaches it over undici like a real Asgardeo`)

    const services = HrDirectory.layer.pipe(
      Layer.provide(RoleMapping.layer()),
      Layer.provideMerge(Directory.layerAsgardeo({
        organization: emu.organization,
        clientId: emu.credentials.clientId,
        clientSecret: Redacted.make(emu.credentials.clientSecret),
        baseUrl: emu.baseUrl,
        // Asgardeo's published budget is 200 requests a minute; the emulator has none, so the
        // demo runs without client-side rate limiting.
        rateLimits: false
      })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
    const before = yield* counters

    const summary = yield* Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory

      yield* step(2, "Role groups (hr setup)")
      const groups = yield* hr.ensureRoleGroups
      yield* say(Render.table(["ROLE", "GROUP", "ID"], groups.map((g) => [g.role, g.name, g.id]), io.color))

      yield* step(3, `Onboarding ${file === sampleCsv ? "the sample CSV" : file} (hr onboard)`)
      const parsed = yield* readCsv(file)
      const batch = yield* Batch.run({
        file: file === sampleCsv ? "employees.csv" : file,
        parsed,
        report: Option.none(),
        concurrency: options.concurrency ?? 8,
        bulk: options.bulk ?? "auto",
        verbose: !quiet
      })
      yield* say(Batch.render(batch, io.color))

      const promoted = parsed.rows.find((r) => r.employee.role === "employee")
      const leaver = [...parsed.rows].reverse().find((r) => r.employee.role === "employee" && r !== promoted)
      if (promoted === undefined || leaver === undefined) {
        return yield* Effect.dieMessage("the demo CSV needs at least two employees with the role employee")
      }

      yield* step(4, `Promoting ${promoted.employee.email} to hr_manager (hr change-role)`)
      const user = yield* Lookup.user(promoted.employee.email)
      const change = yield* hr.changeRole(user.id, "hr_manager")
      yield* say(
        `   joined ${RoleMapping.defaultMapping["hr_manager"]} first, then left ${change.removedFrom.join(", ")}`
      )

      yield* step(5, `Offboarding ${leaver.employee.email} (hr offboard)`)
      const leaving = yield* Lookup.user(leaver.employee.email)
      const off = yield* hr.offboard(leaving.id)
      yield* say(`   deactivated, removed from ${off.removedFrom.join(", ")}`)

      const snapshot = yield* Effect.orDie(emu.snapshot())
      const after = yield* counters
      const active = snapshot.users.filter((u) => {
        const wso2 = u["urn:scim:wso2:schema"]
        return !(typeof wso2 === "object" && wso2 !== null &&
          (wso2 as { accountDisabled?: unknown }).accountDisabled === true)
      }).length
      const result: Summary = {
        emulator: emu.baseUrl,
        batch,
        roleChange: { userName: change.userName, from: promoted.employee.role, to: change.role },
        offboarded: off.userName,
        users: snapshot.users.length,
        activeUsers: active,
        groups: snapshot.groups.length,
        memberships: snapshot.memberships.length,
        requests: after.requests - before.requests,
        retries: after.retries - before.retries,
        rateLimited: after.rateLimited - before.rateLimited,
        tokenRequests: after.tokenRequests - before.tokenRequests,
        elapsedMillis: Date.now() - started
      }
      return result
    }).pipe(Effect.provide(services))

    if (quiet) {
      yield* io.out(Render.json(summary))
    } else {
      yield* step(6, "Summary")
      yield* io.out(Render.fields([
        ["users", `${summary.users} (${summary.activeUsers} active)`],
        ["groups", String(summary.groups)],
        ["memberships", String(summary.memberships)],
        ["requests made", String(summary.requests)],
        ["retries", String(summary.retries)],
        ["429 answers", String(summary.rateLimited)],
        ["token requests", String(summary.tokenRequests)],
        ["time", `${(summary.elapsedMillis / 1000).toFixed(2)} s`]
      ], io.color))
      yield* io.out(
        `\nNext: \`asgardeo-scim emulator\` keeps one running; \`asgardeo-scim --help\` lists every command; ` +
          "set ASGARDEO_ORG, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET to work on your organization."
      )
    }
    return summary
  }))

/**
 * The handler of `asgardeo-scim doctor`: runs `Doctor.run` on the connection, with an HTTP client
 * that records the header names of every answer, and prints the report (JSON with `--json`) and
 * the verdict; the exit code follows the verdict.
 *
 * @internal
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Organizations from "@asgardeo-scim/core/Organizations"
import type { RateLimiter } from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as SubOrganization from "@asgardeo-scim/core/SubOrganization"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as Roles from "@asgardeo-scim/directory/Roles"
import * as Users from "@asgardeo-scim/directory/Users"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Connection from "../Connection.js"
import * as Doctor from "../Doctor.js"
import { CliError } from "../ExitCode.js"
import { Io } from "../Io.js"
import * as Render from "../Render.js"
import * as ScopesCommand from "../ScopesCommand.js"

const describeDocument = (d: Doctor.DocumentState): string =>
  d.state === "present"
    ? d.entries === undefined ? "present" : `present (${d.entries})`
    : d.state === "absent"
    ? `absent (${d.status})`
    : d.state === "malformed"
    ? `malformed: ${d.reason}`
    : `failed: ${d.error}`

const yesNo = (b: boolean) => (b ? "yes" : "no")

const describeSwitch = (s: Doctor.OrganizationSwitch | undefined): string => {
  if (s === undefined) return "not checked"
  const o = s.organization
  const target = o === undefined ? "" : [o.name, o.id === undefined ? undefined : `(${o.id})`].filter(Boolean).join(" ")
  return s.state === "ok"
    ? `ok: a token for ${target}`
    : s.state === "failing"
    ? `failing${target === "" ? "" : ` for ${target}`}: ${s.reason}`
    : `not checked: ${s.reason}`
}

const text = (r: Doctor.Report, color: boolean): string => {
  const a = r.advertised
  const b = r.budgets
  const lacking = r.commands.filter((c) => c.missing.length > 0)
  const section = (title: string) => ["", Render.styled(title, "bold", color)]
  return [
    Render.fields([
      ["target", `${r.target.dialect} ${r.target.scimBaseUrl}`],
      ["auth", r.target.auth + (r.target.tokenUrl !== undefined ? ` (${r.target.tokenUrl})` : "")],
      [
        "token",
        r.token.state === "failed"
          ? `failed: ${r.token.error}`
          : r.token.grantedScopes === undefined
          ? `${r.token.state} (the server does not say which scopes it grants)`
          : `${r.token.state}, ${r.token.grantedScopes.length} scopes granted`
      ]
    ], color),
    ...section("SCOPES"),
    r.commands.every((c) => !c.checked)
      ? "not checked (this target does not report or check scopes)"
      : lacking.length === 0
      ? "every command has the scopes it needs"
      : Render.table(["COMMAND", "MISSING SCOPES"], lacking.map((c) => [c.command, c.missing.join(" ")]), color),
    ...section("DISCOVERY"),
    Render.fields([
      ["/ServiceProviderConfig", describeDocument(r.discovery.serviceProviderConfig)],
      ["/Schemas", describeDocument(r.discovery.schemas)],
      ["/ResourceTypes", describeDocument(r.discovery.resourceTypes)]
    ], color),
    ...section("ADVERTISED"),
    a === undefined ? "nothing (no /ServiceProviderConfig)" : Render.fields([
      ["patch", yesNo(a.patch)],
      [
        "bulk",
        a.bulk.supported
          ? `yes (${a.bulk.maxOperations ?? "?"} operations, ${a.bulk.maxPayloadSize ?? "?"} bytes)`
          : "no"
      ],
      ["filter", a.filter.supported ? `yes (${a.filter.maxResults ?? "?"} results)` : "no"],
      ["sort", yesNo(a.sort)],
      ["etag", yesNo(a.etag)],
      ["changePassword", yesNo(a.changePassword)],
      ["authentication", a.authenticationSchemes.join(", ")]
    ], color),
    ...section("QUIRKS"),
    ...r.quirks.map((q) => `- ${q}`),
    ...section("BUDGETS"),
    Render.fields([
      [
        "rate limits",
        b.rateLimits === undefined
          ? "off (client side)"
          : `scim ${b.rateLimits.scim.limit}/${b.rateLimits.scim.windowSeconds}s, token ${b.rateLimits.token.limit}/` +
            `${b.rateLimits.token.windowSeconds}s, bulk ${b.rateLimits.bulk.limit}/${b.rateLimits.bulk.windowSeconds}s`
      ],
      ["timeout", `${b.timeoutSeconds}s a request, ${b.maxAttempts} attempts`],
      ["page size", String(b.pageSize)],
      ["bulk", `${b.bulkOperations} operations a request`],
      [
        "rate-limit headers",
        r.rateLimitHeaders.seen.length === 0
          ? `none on ${r.rateLimitHeaders.answers} answers`
          : r.rateLimitHeaders.seen.join(", ")
      ]
    ], color),
    ...section("READS"),
    Render.fields(r.reads.map((x) => [x.request, x.result]), color),
    ...section("ORGANIZATION SWITCH"),
    describeSwitch(r.organizationSwitch),
    ...(r.problems.length === 0 ? [] : [
      ...section("PROBLEMS"),
      ...r.problems.map((p) =>
        `- ${Render.styled(p.severity, p.severity === "failing" ? "error" : "warn", color)} ${p.message}`
      )
    ]),
    "",
    `verdict: ${
      Render.styled(r.verdict, r.verdict === "ok" ? "ok" : r.verdict === "degraded" ? "warn" : "error", color)
    }`
  ].join("\n")
}

export const doctor = (args: Connection.Flags & { readonly json: boolean }) =>
  Effect.gen(function*() {
    const io = yield* Io
    const answers = yield* Ref.make<ReadonlyArray<ReadonlyArray<string>>>([])
    const record = HttpClient.tap((response) => Ref.update(answers, (all) => [...all, Object.keys(response.headers)]))
    const report = yield* Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const config = yield* ScimConfig.ScimConfig
      // The roles commands' scopes are those of the Roles API in use (an application has one),
      // told once a token is had (without one, `Doctor.run` reports why).
      const tokens = yield* AccessToken.AccessToken
      const first = yield* Effect.either(tokens.get())
      const rolesApi = first._tag === "Right"
        ? Option.getOrUndefined(yield* Effect.option((yield* Roles.Roles).version))
        : undefined
      // A token that could not be had is not asked for again: `Doctor.run` reports this failure.
      const checked: AccessToken.Service = first._tag === "Left"
        ? { ...tokens, get: () => Effect.fail(first.left) }
        : tokens
      const root = yield* Effect.context<
        ScimConfig.ScimConfig | AccessToken.AccessToken | RateLimiter | HttpClient.HttpClient
      >()
      // A token of that sub-organization, from the switch grant: a token request, no write.
      const switchTo = (id: string) =>
        Effect.scoped(
          Effect.flatMap(
            Layer.build(SubOrganization.layer({ id })),
            (context) => Context.get(context, AccessToken.AccessToken).get()
          )
        ).pipe(Effect.provide(root))
      return yield* Doctor.run(
        config,
        checked,
        yield* ScimClient.ScimClient,
        {
          commands: rolesApi === undefined
            ? ScopesCommand.table.filter((row) => row.rolesApi === undefined)
            : ScopesCommand.forRolesApi(rolesApi),
          answers: Ref.get(answers),
          reads: [
            ["GET /Users?count=1", users.list({ count: 1 })],
            ["GET /Groups?count=1", groups.list({ count: 1 })]
          ],
          rolesApi,
          organizationSwitch: Doctor.organizationSwitch(config, yield* Organizations.Organizations, switchTo)
        }
      )
    }).pipe(Effect.provide(Connection.layer(args, { transformClient: record })))
    // JSON keeps every key: what is not known is null rather than left out.
    yield* io.out(args.json ? JSON.stringify(report, (_, v) => v === undefined ? null : v, 2) : text(report, io.color))
    const code = Doctor.exitCode(report)
    // The report is printed; the exit code alone says the verdict.
    if (code !== 0) return yield* Effect.fail(new CliError({ code, message: "" }))
  })

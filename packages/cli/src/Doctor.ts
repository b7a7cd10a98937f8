/**
 * `asgardeo-scim doctor`: a read-only check of an organization or a SCIM server. It gets a token
 * (or takes the static one) and compares the scopes it grants with what each command needs
 * (`ScopesCommand.operations`, core's `Scopes`), reads the discovery documents
 * (`/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`: present, absent or malformed), lists
 * the dialect in use (`Target`) and what the server advertises (PATCH, Bulk, filter, sort, ETag,
 * changePassword), the client-side budgets that apply, whether the server's answers carry
 * `RateLimit*` / `Retry-After` headers, and sends two one-resource reads (`GET /Users?count=1`,
 * `GET /Groups?count=1`). Nothing is written.
 *
 * Inside a sub-organization (`--sub-org`) the scopes are compared in their `internal_org_*` form.
 * The organization switch check (`organizationSwitch`): in a sub-organization, whether its token
 * (from the organization-switch grant) could be had; otherwise the switch grant is tried for the
 * first active sub-organization of the first 20 the organizations API lists (a token request,
 * nothing else; a deactivated one refuses every switch), and the
 * reason it fails is named (not shared, grant not enabled or the M2M template, deactivated,
 * `internal_organization_view` missing). In the root organization the check is reported and does
 * not change the verdict (an application that never acts in a sub-organization need not switch);
 * with `--sub-org` a failed switch means no token: `failing`.
 *
 * The verdict: `failing` when no token can be had, or a read fails on authentication, the server
 * or the transport; `degraded` when something a command needs is missing (a scope, a discovery
 * document, PATCH or filtering not advertised, a read refused); `ok` otherwise. {@link exitCode}:
 * 0 ok, 1 degraded, 3 failing on authentication, 4 failing on the server or the transport.
 *
 * @since 0.3.0
 */
import type * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Discovery from "@asgardeo-scim/core/Discovery"
import type * as Organizations from "@asgardeo-scim/core/Organizations"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Target from "@asgardeo-scim/core/Target"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ExitCode from "./ExitCode.js"
import * as SwitchCheck from "./internal/switchCheck.js"

/**
 * The verdict of a check.
 *
 * @since 0.3.0
 * @category models
 */
export type Verdict = "ok" | "degraded" | "failing"

/**
 * What became of a discovery document.
 *
 * @since 0.3.0
 * @category models
 */
export type DocumentState =
  | { readonly state: "present"; readonly entries: number | undefined }
  | { readonly state: "absent"; readonly status: number }
  | { readonly state: "malformed"; readonly reason: string }
  | { readonly state: "failed"; readonly error: string; readonly code: ExitCode.ExitCode }

/**
 * A problem found, and how bad it is.
 *
 * @since 0.3.0
 * @category models
 */
export interface Problem {
  readonly severity: "degraded" | "failing"
  readonly message: string
  /** For `failing`: the exit code of the cause (3 authentication, 4 server or transport). */
  readonly code: ExitCode.ExitCode
}

/**
 * The organization switch check: `ok`, `failing` (with the reason) or `not checked` (with the
 * reason: a generic target, no sub-organization, no token).
 *
 * @since 0.4.0
 * @category models
 */
export type OrganizationSwitch = SwitchCheck.OrganizationSwitch

/**
 * The report of `doctor` (`--json` prints it, with `null` for what is `undefined`). No secret is in it.
 *
 * @since 0.3.0
 * @category models
 */
export interface Report {
  readonly target: {
    readonly dialect: string
    readonly scimBaseUrl: string
    readonly organization: string | undefined
    readonly auth: "client credentials" | "static bearer token"
    readonly tokenUrl: string | undefined
  }
  readonly token: {
    readonly state: "obtained" | "static" | "failed"
    readonly error: string | undefined
    /** The scopes the token grants; `undefined` when the server does not say (a static token). */
    readonly grantedScopes: ReadonlyArray<string> | undefined
  }
  /** Per command, the scopes it needs that the token lacks; `checked: false` where scopes are not checked. */
  readonly commands: ReadonlyArray<{
    readonly command: string
    readonly scopes: ReadonlyArray<string>
    readonly missing: ReadonlyArray<string>
    readonly checked: boolean
  }>
  readonly discovery: {
    readonly serviceProviderConfig: DocumentState
    readonly schemas: DocumentState
    readonly resourceTypes: DocumentState
  }
  /** What `/ServiceProviderConfig` advertises, when it was read. */
  readonly advertised:
    | {
      readonly patch: boolean
      readonly bulk: {
        readonly supported: boolean
        readonly maxOperations: number | undefined
        readonly maxPayloadSize: number | undefined
      }
      readonly filter: { readonly supported: boolean; readonly maxResults: number | undefined }
      readonly sort: boolean
      readonly etag: boolean
      readonly changePassword: boolean
      readonly authenticationSchemes: ReadonlyArray<string>
    }
    | undefined
  /** What the client assumes of this server (the `Target`) and what differs from what it advertises. */
  readonly quirks: ReadonlyArray<string>
  readonly budgets: {
    /** Client-side rate budgets per bucket, or `undefined` when off. */
    readonly rateLimits:
      | { readonly [K in "scim" | "token" | "bulk"]: { readonly limit: number; readonly windowSeconds: number } }
      | undefined
    readonly timeoutSeconds: number
    readonly maxAttempts: number
    readonly pageSize: number
    readonly bulkOperations: number
  }
  /** The rate-limit headers (`RateLimit*`, `X-RateLimit-*`, `Retry-After`) seen on the server's answers. */
  readonly rateLimitHeaders: { readonly answers: number; readonly seen: ReadonlyArray<string> }
  readonly reads: ReadonlyArray<{ readonly request: string; readonly result: string }>
  /**
   * The Roles API the scopes of the `roles` commands were checked for (`undefined` where there is
   * none, or it could not be told).
   *
   * @since 0.4.0
   */
  readonly rolesApi?: "v2" | "v3" | undefined
  /** @since 0.4.0 */
  readonly organizationSwitch?: OrganizationSwitch | undefined
  readonly problems: ReadonlyArray<Problem>
  readonly verdict: Verdict
}

/**
 * Whether a response header is a rate-limit header.
 *
 * @since 0.3.0
 * @category predicates
 */
export const isRateLimitHeader = (name: string): boolean => /^(x-)?ratelimit|^retry-after$/i.test(name)

/**
 * The exit code of a report: 0 ok, 1 degraded, the cause's code (3 or 4) when failing.
 *
 * @since 0.3.0
 * @category getters
 */
export const exitCode = (report: Report): ExitCode.ExitCode =>
  report.verdict === "ok"
    ? ExitCode.Ok
    : report.verdict === "degraded"
    ? ExitCode.Failed
    : report.problems.find((p) => p.severity === "failing")?.code ?? ExitCode.Server

/**
 * The verdict of a list of problems.
 *
 * @since 0.3.0
 * @category getters
 */
export const verdictOf = (problems: ReadonlyArray<Problem>): Verdict =>
  problems.some((p) => p.severity === "failing")
    ? "failing"
    : problems.length > 0
    ? "degraded"
    : "ok"

/** Whether an error's exit code makes the server unusable (authentication, server, transport). */
const isFatal = (code: ExitCode.ExitCode) => code === ExitCode.Auth || code === ExitCode.Server

const listShape = (body: unknown): number | undefined => {
  if (Array.isArray(body)) return body.length
  if (typeof body === "object" && body !== null && Array.isArray((body as { Resources?: unknown }).Resources)) {
    return (body as { Resources: ReadonlyArray<unknown> }).Resources.length
  }
  return undefined
}

/** Reads one discovery document and says what became of it. */
const readDocument = (client: ScimClient.Service, path: string, list: boolean) =>
  Effect.map(
    Effect.exit(client.execute({ operation: `Doctor${path.replace("/", ".")}`, method: "GET", path })),
    (exit): { readonly state: DocumentState; readonly body: unknown } => {
      if (Exit.isSuccess(exit)) {
        const body = exit.value.body
        if (list) {
          const entries = listShape(body)
          return entries === undefined
            ? { state: { state: "malformed", reason: "expected a ListResponse or an array" }, body }
            : { state: { state: "present", entries }, body }
        }
        return typeof body === "object" && body !== null && !Array.isArray(body)
          ? { state: { state: "present", entries: undefined }, body }
          : { state: { state: "malformed", reason: "expected a JSON object" }, body }
      }
      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      if (error !== undefined && (error._tag === "NotFound" || error._tag === "NotImplemented")) {
        return { state: { state: "absent", status: error.status }, body: undefined }
      }
      // An answer that is not JSON (or not what the client can read) is the document's fault.
      if (error !== undefined && error._tag === "InvalidResponse") {
        return { state: { state: "malformed", reason: error.reason }, body: undefined }
      }
      const { code, message } = ExitCode.describe(error ?? exit.cause)
      return { state: { state: "failed", error: message, code }, body: undefined }
    }
  )

const seconds = (d: Duration.Duration) => Duration.toMillis(d) / 1000

/**
 * What the client assumes of the target, in words.
 */
const dialect = (target: Target.Target): ReadonlyArray<string> => [
  `dialect ${target.name}`,
  target.userStores === undefined
    ? "no user stores: '/' in a name is an ordinary character"
    : `user stores: a bare name means ${target.userStores.primary}`,
  target.scopes.checked ? "token scopes checked before each request" : "scopes not checked by the client",
  target.paging.sort === "never" ? "sorting refused before sending" : "sorting where the server advertises it",
  ...(target.paging.maxCount !== undefined ? [`page size capped at ${target.paging.maxCount}`] : []),
  ...(target.users.invitations ? ["users created without a password get an invitation email"] : [])
]

/**
 * The inputs of {@link run} besides the services: the commands and their operations' scopes,
 * the header names seen so far, and the read probes.
 *
 * @since 0.3.0
 * @category models
 */
export interface Inputs {
  readonly commands: ReadonlyArray<{ readonly command: string; readonly scopes: ReadonlyArray<string> }>
  /** The header names of every answer so far, one entry per answer (recorded by the HTTP client). */
  readonly answers: Effect.Effect<ReadonlyArray<ReadonlyArray<string>>>
  /** The read probes: a name and the effect (its failure described by `ExitCode.describe`). */
  readonly reads: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]>
  /** The Roles API `commands` were chosen for. @since 0.4.0 */
  readonly rolesApi?: "v2" | "v3" | undefined
  /**
   * The organization switch check in the root organization (see {@link organizationSwitch}); run
   * when a token was had. In a sub-organization the check is its token's.
   *
   * @since 0.4.0
   */
  readonly organizationSwitch?: Effect.Effect<OrganizationSwitch> | undefined
}

/**
 * Why switching to a sub-organization failed, in words: the fix for each refusal the switch
 * grant gives (not shared, grant not enabled or the M2M template, deactivated, not below), a
 * missing `internal_organization_view`, or the error's own line.
 *
 * @since 0.4.0
 * @category getters
 */
export const switchFailure: (error: unknown) => string = SwitchCheck.switchFailure

/**
 * The organization switch check in a root organization: the first active sub-organization the
 * organizations API lists (of the first 20), and whether `switchTo` (a token from the organization-switch grant)
 * works for it. Never fails; sends no write.
 *
 * @since 0.4.0
 * @category programs
 */
export const organizationSwitch: (
  config: ScimConfig.Service,
  organizations: Organizations.Service,
  switchTo: (id: string) => Effect.Effect<unknown, unknown>
) => Effect.Effect<OrganizationSwitch> = SwitchCheck.organizationSwitch

/**
 * Runs the checks. Never fails: every failure is in the report.
 *
 * @since 0.3.0
 * @category programs
 */
export const run = (
  config: ScimConfig.Service,
  token: AccessToken.Service,
  client: ScimClient.Service,
  inputs: Inputs
): Effect.Effect<Report> =>
  Effect.gen(function*() {
    const problems: Array<Problem> = []
    const degraded = (message: string) => problems.push({ severity: "degraded", message, code: ExitCode.Failed })
    const failing = (message: string, code: ExitCode.ExitCode) => problems.push({ severity: "failing", message, code })

    const isStatic = config.auth._tag === "StaticToken"
    const got = yield* Effect.either(token.get())
    let grantedScopes: ReadonlyArray<string> | undefined
    let tokenError: string | undefined
    if (got._tag === "Left") {
      const { code, message } = ExitCode.describe(got.left)
      tokenError = message
      failing(`no token: ${message}`, code)
    } else {
      grantedScopes = got.right.scopes === undefined ? undefined : Array.from(got.right.scopes).sort()
    }
    const granted = config.target.scopes.checked ? grantedScopes : undefined
    const checked = granted !== undefined
    // Inside a sub-organization every scope is its internal_org_* form.
    const scopeOf = config.subOrganization === undefined ? (s: string) => s : Scopes.inOrganization
    const commands = inputs.commands.map(({ command, scopes: root }) => ({
      command,
      scopes: root.map(scopeOf),
      missing: granted === undefined ? [] : root.map(scopeOf).filter((s) => !granted.includes(s)),
      checked
    }))
    const lacking = commands.filter((c) => c.missing.length > 0)
    if (lacking.length > 0) {
      degraded(
        `the token lacks scopes for ${lacking.length} command${lacking.length === 1 ? "" : "s"}: ` +
          Array.from(new Set(lacking.flatMap((c) => c.missing))).join(", ")
      )
    }

    // Without a token nothing else can be read: the token's problem is the one reported.
    const noToken = tokenError !== undefined
    const read = (path: string, list: boolean) =>
      noToken
        ? Effect.succeed({
          state: { state: "failed", error: "not read: no token", code: ExitCode.Auth } as DocumentState,
          body: undefined
        })
        : readDocument(client, path, list)
    const spc = yield* read("/ServiceProviderConfig", false)
    const schemas = yield* read("/Schemas", true)
    const resourceTypes = yield* read("/ResourceTypes", true)
    for (
      const [name, doc] of [["/ServiceProviderConfig", spc], ["/Schemas", schemas], [
        "/ResourceTypes",
        resourceTypes
      ]] as const
    ) {
      if (doc.state.state === "absent") degraded(`${name} is absent (${doc.state.status})`)
      else if (doc.state.state === "malformed") degraded(`${name} is malformed: ${doc.state.reason}`)
      else if (doc.state.state === "failed" && !noToken) {
        if (isFatal(doc.state.code)) failing(`${name}: ${doc.state.error}`, doc.state.code)
        else degraded(`${name}: ${doc.state.error}`)
      }
    }

    const target = config.target
    const quirks: Array<string> = [...dialect(target)]
    let advertised: Report["advertised"]
    if (spc.state.state === "present") {
      const c = Discovery.decodeServiceProviderConfig(spc.body)
      advertised = {
        patch: c.patch.supported,
        bulk: {
          supported: c.bulk.supported,
          maxOperations: c.bulk.maxOperations,
          maxPayloadSize: c.bulk.maxPayloadSize
        },
        filter: { supported: c.filter.supported, maxResults: c.filter.maxResults },
        sort: c.sort.supported,
        etag: c.etag.supported,
        changePassword: c.changePassword.supported,
        authenticationSchemes: c.authenticationSchemes.map((s) => s.type)
      }
      if (!c.patch.supported) {
        degraded(
          "PATCH is not advertised: users deactivate/reactivate/patch, groups add-member/remove-member/rename " +
            "and the hr commands send PATCH"
        )
      }
      if (!c.filter.supported) degraded("filtering is not advertised: looking a user or group up by name needs it")
      if (!c.bulk.supported) quirks.push("Bulk not advertised: hr onboard --bulk auto sends one request per change")
      if (c.sort.supported && target.paging.sort === "never") {
        quirks.push("the server advertises sorting, but this dialect refuses it (Asgardeo answers 501)")
      }
      if (c.filter.maxResults !== undefined && c.filter.maxResults < config.pageSize) {
        quirks.push(`the server returns at most ${c.filter.maxResults} results a page (page size ${config.pageSize})`)
      }
      if (!c.etag.supported) quirks.push("no ETags: a replace can overwrite a concurrent change")
    }

    const reads: Array<{ readonly request: string; readonly result: string }> = []
    for (const [request, probe] of noToken ? [] : inputs.reads) {
      const exit = yield* Effect.exit(probe)
      if (Exit.isSuccess(exit)) {
        reads.push({ request, result: "ok" })
        continue
      }
      const error = exit.cause._tag === "Fail" ? exit.cause.error : exit.cause
      const { code, message } = ExitCode.describe(error)
      reads.push({ request, result: message })
      // A missing scope is counted with the scopes above; a fatal error makes the server unusable.
      const missingScope = typeof error === "object" && error !== null && "_tag" in error &&
        error._tag === "MissingScope"
      if (missingScope) continue
      if (isFatal(code)) failing(`${request}: ${message}`, code)
      else degraded(`${request}: ${message}`)
    }

    const sub = config.subOrganization
    const switchCheck: OrganizationSwitch = sub !== undefined
      ? {
        state: noToken ? "failing" : "ok",
        organization: { id: "id" in sub ? sub.id : undefined, name: "name" in sub ? sub.name : undefined },
        reason: got._tag === "Left" ? switchFailure(got.left) : undefined
      }
      : noToken || inputs.organizationSwitch === undefined
      ? { state: "not checked", organization: undefined, reason: noToken ? "no token" : "not asked" }
      : yield* inputs.organizationSwitch
    // In a sub-organization a failed switch is the token's problem, reported above. In the root it
    // is reported, not counted: many applications never act in a sub-organization.

    const answers = yield* inputs.answers
    const limits = config.rateLimits
    return {
      target: {
        dialect: target.name,
        scimBaseUrl: config.scimBaseUrl,
        organization: config.organization,
        auth: isStatic ? "static bearer token" : "client credentials",
        tokenUrl: config.auth._tag === "ClientCredentials" ? config.auth.tokenUrl : undefined
      },
      token: {
        state: tokenError !== undefined ? "failed" : isStatic ? "static" : "obtained",
        error: tokenError,
        grantedScopes
      },
      commands,
      discovery: { serviceProviderConfig: spc.state, schemas: schemas.state, resourceTypes: resourceTypes.state },
      advertised,
      quirks,
      budgets: {
        rateLimits: limits === undefined ? undefined : {
          scim: { limit: limits.scim.limit, windowSeconds: seconds(limits.scim.window) },
          token: { limit: limits.token.limit, windowSeconds: seconds(limits.token.window) },
          bulk: { limit: limits.bulk.limit, windowSeconds: seconds(limits.bulk.window) }
        },
        timeoutSeconds: seconds(config.timeout),
        maxAttempts: config.retry.maxAttempts,
        pageSize: config.pageSize,
        bulkOperations: Target.bulkLimit(target, advertised?.bulk.maxOperations)
      },
      rateLimitHeaders: {
        answers: answers.length,
        seen: Array.from(new Set(answers.flat().filter(isRateLimitHeader).map((h) => h.toLowerCase()))).sort()
      },
      reads,
      rolesApi: inputs.rolesApi,
      organizationSwitch: switchCheck,
      problems,
      verdict: verdictOf(problems)
    } satisfies Report
  }).pipe(Effect.withSpan("Doctor.run"))

/**
 * Registered apps: their defaults, the decoding of what `Options.apps` and `updateApp` say about
 * grants, template, sharing and organization, and which grants an app may use.
 *
 * An app's omitted fields make it ready for B2B tests: a standard (not M2M) app, with the
 * client-credentials and organization-switch grants, shared with every sub-organization (those
 * created later too), registered in the default organization, authorized for every scope of the
 * emulator's table (root and `internal_org_` ones).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { fail } from "./reply.js"
import { checkRoleApp, scopesForRolesApi } from "./roleApps.js"
import { allScopes } from "./scopes.js"
import type * as Public from "./types.js"

/** @internal */
export type Grant = "client_credentials" | "organization_switch"

/** An app with every default resolved. @internal */
export interface App extends Public.App {
  readonly scopes: ReadonlyArray<string>
  readonly grants: ReadonlyArray<Grant>
  readonly template: "m2m" | "standard"
  readonly sharedWith: "all" | ReadonlyArray<string>
  readonly organization: string
}

const Grants = Schema.Array(Schema.Literal("client_credentials", "organization_switch"))
const Template = Schema.Literal("m2m", "standard")
const SharedWith = Schema.Union(Schema.Literal("all"), Schema.Array(Schema.NonEmptyString))

/** What the emulator checks of an app's B2B fields (the rest is taken as given, as before). */
const B2bFields = Schema.Struct({
  grants: Schema.optional(Grants),
  template: Schema.optional(Template),
  sharedWith: Schema.optional(SharedWith),
  organization: Schema.optional(Schema.NonEmptyString)
})

/** What `updateApp` may change. */
const Patch = Schema.Struct({
  ...B2bFields.fields,
  scopes: Schema.optional(Schema.Array(Schema.String)),
  expiresIn: Schema.optional(Schema.Positive)
})

const problem = (error: ParseResult.ParseError): string => ParseResult.TreeFormatter.formatErrorSync(error)

/**
 * An app with its defaults. Throws a 400 failure for invalid B2B fields or an organization the
 * emulator does not serve.
 *
 * @internal
 */
export const resolveApp = (app: Public.App, organizations: ReadonlyArray<string>): App => {
  const checked = Schema.decodeUnknownEither(B2bFields)(app)
  if (Either.isLeft(checked)) return fail(400, `Invalid app ${String(app?.clientId)}: ${problem(checked.left)}`)
  const b2b = checked.right
  const organization = b2b.organization ?? organizations[0] ?? "acme"
  if (!organizations.includes(organization)) {
    return fail(400, `Invalid app ${app.clientId}: unknown organization ${organization}`)
  }
  checkRoleApp(app)
  const template = b2b.template ?? "standard"
  return {
    ...app,
    // `rolesApi`: the app holds one Roles API version's scopes only (roleEnv.ts).
    scopes: scopesForRolesApi(app.scopes ?? allScopes, app.rolesApi),
    grants: b2b.grants ?? (template === "m2m" ? ["client_credentials"] : ["client_credentials", "organization_switch"]),
    template,
    sharedWith: b2b.sharedWith ?? "all",
    organization
  }
}

/** The app after a patch (`updateApp`); a 400 failure for an invalid patch. @internal */
export const patchApp = (app: App, patch: unknown, organizations: ReadonlyArray<string>): App => {
  const checked = Schema.decodeUnknownEither(Patch, { onExcessProperty: "error" })(patch)
  if (Either.isLeft(checked)) return fail(400, `Invalid app patch: ${problem(checked.left)}`)
  return resolveApp({ ...app, ...checked.right }, organizations)
}

/** Whether the app may use the client-credentials grant. @internal */
export const allowsClientCredentials = (app: App): boolean => app.grants.includes("client_credentials")

/**
 * Whether the app may use the organization-switch grant: enabled, and not an app of the M2M
 * template (which Asgardeo does not let switch, product-is#20714).
 *
 * @internal
 */
export const allowsSwitch = (app: App): boolean => app.template !== "m2m" && app.grants.includes("organization_switch")

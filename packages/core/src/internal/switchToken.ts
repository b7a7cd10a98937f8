/**
 * A sub-organization's tokens: the organization-switch grant (Asgardeo B2B), exchanging a root
 * organization token of the same application for one of the sub-organization.
 *
 * - The root token comes from a cache of its own (client credentials, with
 *   `internal_organization_view` when the sub-organization is named, and the `internal_org_*`
 *   scopes as Asgardeo's guide asks for them), or from the root's `AccessToken` when a program
 *   runs over several sub-organizations: one root token for all of them.
 * - A switched token has no refresh token: a new one is derived from the root token then cached
 *   (a fresh one when the cached one has reached its send-by time).
 * - A name is looked up once, through the organizations API with the root token (the whole tree,
 *   exactly one organization of that name); the id is kept for the life of the layer.
 * - A refusal that blames the token (`invalid_grant`, or a description naming the token) drops the
 *   root token (unless another switch already did) and tries once more with a fresh one; other
 *   refusals are `OrganizationSwitchFailed`. The root token is scrubbed from every error, like the secret.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import type * as AccessToken from "../AccessToken.js"
import type * as ScimConfig from "../ScimConfig.js"
import * as ScimError from "../ScimError.js"
import { cacheSuccess } from "./cacheSuccess.js"
import * as Client from "./client.js"
import * as OrganizationsApi from "./organizationsApi.js"
import * as TokenCache from "./tokenCache.js"

const switchFailed = (subOrganization: string, error: ScimError.TokenError) =>
  new ScimError.OrganizationSwitchFailed({
    subOrganization,
    status: error.status,
    ...(error.error !== undefined ? { error: error.error } : {}),
    ...(error.errorDescription !== undefined ? { errorDescription: error.errorDescription } : {})
  })

/** Whether a refusal blames the root token (expired or revoked on the server before its time). */
const blamesToken = (error: ScimError.TokenError) =>
  error.error === "invalid_grant" || /\btoken\b/i.test(error.errorDescription ?? "")

/** The root organization's view of a sub-organization's configuration. @internal */
export const rootConfig = (
  config: ScimConfig.Service,
  scopes: ReadonlyArray<string>
): Effect.Effect<ScimConfig.Service> => {
  const auth = config.auth
  if (config.organizationUrl === undefined || auth._tag !== "ClientCredentials") {
    return Effect.dieMessage("A sub-organization needs an Asgardeo organization with client credentials")
  }
  const { subOrganization: _, ...rest } = config
  return Effect.succeed({ ...rest, scimBaseUrl: `${config.organizationUrl}/scim2`, auth: { ...auth, scopes } })
}

/** The root token's scopes for a sub-organization's configuration. @internal */
export const rootScopes = (config: ScimConfig.Service): ReadonlyArray<string> => {
  const scopes = config.auth._tag === "ClientCredentials" ? config.auth.scopes : []
  return config.subOrganization !== undefined && "name" in config.subOrganization
    ? Array.from(new Set([OrganizationsApi.scope, ...scopes]))
    : scopes
}

/** @internal */
export const make = (
  deps: TokenCache.Dependencies,
  engine: HttpClient.HttpClient,
  subOrganization: ScimConfig.SubOrganization,
  root: AccessToken.Service | undefined
): Effect.Effect<AccessToken.Service> =>
  Effect.gen(function*() {
    const scopes = rootScopes(deps.config)
    const rootOnly = yield* rootConfig(deps.config, scopes)
    const rootAuth = rootOnly.auth._tag === "ClientCredentials" ? rootOnly.auth : deps.auth
    const rootTokens = root ??
      (yield* TokenCache.make({ ...deps, config: rootOnly, auth: rootAuth }, TokenCache.clientCredentials(scopes)))
    const idOf: Effect.Effect<string, ScimError.TokenFailure> = "id" in subOrganization
      ? Effect.succeed(subOrganization.id)
      : yield* Effect.flatMap(
        Scope.extend(
          Client.make({ config: rootOnly, tokens: rootTokens, limiter: deps.limiter, engine }),
          deps.scope
        ),
        (client) =>
          cacheSuccess(
            Effect.map(
              OrganizationsApi.findByName(
                client.execute,
                "SubOrganization.resolve",
                subOrganization.name,
                deps.config.maxPageRequests
              ),
              (organization) => organization.id
            ).pipe(
              // Paging trouble in the lookup is the organizations API answering badly.
              Effect.catchTag("PagingAborted", (error) =>
                Effect.fail(
                  new ScimError.InvalidResponse({
                    method: "GET",
                    path: OrganizationsApi.path,
                    status: 200,
                    reason: error.reason
                  })
                )),
              // A bad name cannot reach here (the configuration checks it); an id is not looked up.
              Effect.catchTag("InvalidId", "InvalidInput", (error) => Effect.die(error)),
              Effect.withSpan("SubOrganization.resolve")
            )
          )
      )
    // `organization_switch` is the documented grant; a server that does not know it
    // (`unsupported_grant_type`) is asked with the older `organization_switch_cc` from then on.
    const grantType = yield* Ref.make<"organization_switch" | "organization_switch_cc">("organization_switch")
    return yield* TokenCache.make(deps, {
      span: "AccessToken.switch",
      scopes: deps.auth.scopes,
      request: (wanted) =>
        Effect.flatMap(Effect.zip(idOf, Ref.get(grantType)), ([id, grant]) =>
          Effect.map(rootTokens.get(), (rootToken): TokenCache.GrantRequest => {
            const token = Redacted.value(rootToken.value)
            return {
              fields: {
                grant_type: grant,
                token,
                switching_organization: id,
                ...(wanted.length > 0 ? { scope: wanted.join(" ") } : {})
              },
              secrets: [token],
              // Tried once more whether this refusal dropped the root token or another switch's did
              // (a root token shared by sub-organizations: each switch in flight with it is refused).
              refused: (error) =>
                error.error === "unsupported_grant_type" && grant === "organization_switch"
                  ? Effect.as(Ref.set(grantType, "organization_switch_cc"), {
                    error: switchFailed(id, error),
                    retry: true
                  })
                  : blamesToken(error)
                  ? Effect.as(rootTokens.invalidate(rootToken), { error: switchFailed(id, error), retry: true })
                  : Effect.succeed({ error: switchFailed(id, error), retry: false })
            }
          }))
    })
  })

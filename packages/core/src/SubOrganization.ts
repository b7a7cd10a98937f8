/**
 * Acting inside a B2B sub-organization of an Asgardeo root organization.
 *
 * `layer(subOrganization)` turns the root organization's `ScimConfig` and `AccessToken` into a
 * sub-organization's: SCIM under `{organizationUrl}/o/scim2`, operations checked against the
 * `internal_org_*` scopes, tokens from the organization-switch grant exchanged for the root's
 * tokens (one root token for every sub-organization a program visits). Put the directory's
 * services on top of it (`Directory.layerSubOrganization` does). For a program in one
 * sub-organization only, the `subOrganization` option of `ScimConfig` is simpler: it needs no
 * root layer.
 *
 * The application must be a Standard-Based application with the Client Credential and
 * Organization Switch grants, shared with the sub-organizations; the M2M template cannot switch
 * (`OrganizationSwitchFailed`).
 *
 * @since 0.4.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AccessToken from "./AccessToken.js"
import type * as RateLimiter from "./RateLimiter.js"
import * as ScimConfig from "./ScimConfig.js"

/**
 * A sub-organization's `ScimConfig` and `AccessToken`, from the root organization's (both are
 * read from the context the layer is built in, and shadowed in what it provides).
 *
 * @since 0.4.0
 * @category layers
 */
export const layer = (
  subOrganization: ScimConfig.SubOrganization
): Layer.Layer<
  ScimConfig.ScimConfig | AccessToken.AccessToken,
  ConfigError.ConfigError,
  ScimConfig.ScimConfig | AccessToken.AccessToken | RateLimiter.RateLimiter | HttpClient.HttpClient
> =>
  Layer.scopedContext(
    Effect.gen(function*() {
      const root = yield* ScimConfig.ScimConfig
      const rootTokens = yield* AccessToken.AccessToken
      const config = yield* ScimConfig.forSubOrganization(root, subOrganization)
      const tokens = yield* Effect.provideService(AccessToken.makeSwitched(rootTokens), ScimConfig.ScimConfig, config)
      return Context.make(ScimConfig.ScimConfig, config).pipe(Context.add(AccessToken.AccessToken, tokens))
    }).pipe(Effect.withSpan("SubOrganization.layer"))
  )

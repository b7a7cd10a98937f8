/**
 * The organization-switch grant (asgardeo-rbac-orgs.md 2.1): `grant_type=organization_switch`
 * (or the older `organization_switch_cc`), `token`, `switching_organization` (an id) and `scope`
 * on `POST /t/{root}/oauth2/token`, after the client authenticated as for client_credentials.
 *
 * The checks run in the server's order, the first failure answering 400 with an OAuth2 error: the
 * missing parameters, the grant type (the OAuth layer, before the grant handler), then
 * `OrganizationSwitchGrant.validateGrant`'s (asgardeo-rbac-orgs.md 2.1 "Server checks, in
 * order"): the organization, the token, the branch, the sharing. Asgardeo's codes are
 * unconfirmed (the source throws without a code); the emulator's choice:
 *
 * - a missing `token` or `switching_organization`: `invalid_request`;
 * - `token` not a live access token of this client issued by client_credentials in this root
 *   organization (expired, another client's, another organization's, already a switched token):
 *   `invalid_grant` "Invalid token received.";
 * - the organization unknown, disabled, not below the app's root organization, or not shared
 *   with the app: `invalid_request`, with the server's messages;
 * - the grant not enabled on the app, or an app of the M2M template: `unauthorized_client`.
 *
 * The scopes granted are the requested ones the app is authorized for among the
 * `internal_org_` ones (nothing else, `openid` included, survives the switch).
 *
 * @internal
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import type { App } from "./apps.js"
import { allowsSwitch } from "./apps.js"
import { isBelow, isSharedWith, organizationId } from "./organizations.js"
import type { Store, SubOrgRecord } from "./store.js"

/** The two grant types of the switch. @internal */
export const switchGrants: ReadonlyArray<string> = ["organization_switch", "organization_switch_cc"]

/** @internal */
export type SwitchCheck =
  | { readonly _tag: "Refused"; readonly error: string; readonly description: string }
  | { readonly _tag: "Allowed"; readonly organization: SubOrgRecord; readonly scopes: ReadonlyArray<string> }

const refuse = (error: string, description: string): SwitchCheck => ({ _tag: "Refused", error, description })

/** A sub-organization scope: one that has a root name (core's `Scopes` holds the naming rule). */
const isOrgScope = (scope: string): boolean => Scopes.fromOrganization(scope) !== scope

/**
 * Checks a switch request of an authenticated app in root organization `root`.
 *
 * @internal
 */
export const checkSwitch = (
  store: Store,
  root: string,
  app: App,
  form: URLSearchParams,
  now: number
): SwitchCheck => {
  const tokenValue = form.get("token")
  const target = form.get("switching_organization")
  const missing = [
    tokenValue === null || tokenValue === "" ? "token" : undefined,
    target ? undefined : "switching_organization"
  ]
    .filter((p) => p !== undefined)
  if (missing.length > 0) return refuse("invalid_request", `Missing parameters: ${missing.join(", ")}`)
  // The grant is enabled, and the app is not of the M2M template: checked by the OAuth layer
  // (AccessTokenIssuer) before the grant handler's own checks.
  if (!allowsSwitch(app)) {
    return refuse(
      "unauthorized_client",
      "The authenticated client is not authorized to use this authorization grant type."
    )
  }
  // The grant handler's checks, in OrganizationSwitchGrant.validateGrant's order: the
  // organization exists and is active; the token; the branch; the sharing.
  const organization = store.subOrgs.get(target!.toLowerCase())
  if (organization === undefined) return refuse("invalid_request", `Invalid organization id: ${target}`)
  if (organization.status !== "ACTIVE") {
    return refuse("invalid_request", "The switching organization is in deactivated state.")
  }
  // A live root token of this very client, issued in this root organization.
  const token = store.tokens.get(tokenValue!)
  if (
    token === undefined || token.expiresAt <= now || token.clientId !== app.clientId || token.organization !== root ||
    token.subOrganization !== undefined
  ) {
    return refuse("invalid_grant", "Invalid token received.")
  }
  // Below the app's organization.
  if (
    organization.root !== root || app.organization !== root || !isBelow(store, organization.id, organizationId(root))
  ) {
    return refuse("invalid_request", "Organization switch is only allowed for the organizations in the same branch.")
  }
  // The app is shared with it.
  if (!isSharedWith(app.sharedWith, organization)) {
    return refuse(
      "invalid_request",
      "Organization switching is not allowed for organizations that have not shared the application"
    )
  }
  // Requested ∩ the app's authorized internal_org_ scopes.
  const requested = (form.get("scope") ?? "").split(" ").filter((s) => s !== "")
  const scopes = Array.from(new Set(requested.filter((s) => isOrgScope(s) && app.scopes.includes(s))))
  return { _tag: "Allowed", organization, scopes }
}

/**
 * The two faces of a root organization: its own API (`/t/{root}/scim2/...`,
 * `/t/{root}/api/server/v1/...`) and the API of the sub-organization a switched token names
 * (`/t/{root}/o/scim2/...`, `/t/{root}/o/api/server/v1/...`: the sub-organization is not in the
 * URL, it comes from the token, asgardeo-rbac-orgs.md 2.2).
 *
 * A root path takes root tokens only and an `/o/` path switched tokens only; the other kind is
 * answered 401 as an invalid token (what Asgardeo answers is unconfirmed: the emulator's choice).
 * On the `/o/` face a token's `internal_org_` scopes count as the root scopes of the same name
 * (`internal_org_user_mgt_view` is what `internal_user_mgt_view` is at the root; core's
 * `Scopes.inOrganization` names them), so one scope check and the same handlers serve both
 * faces, each over its own organization's store.
 *
 * @internal
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import type { Identity } from "./context.js"
import { organizationId, subIdentity, subScimBase } from "./organizations.js"
import { rootScopes } from "./scopes.js"
import type { OrgStore, Store, TokenRecord } from "./store.js"
import { makeOrg } from "./store.js"
import { authenticate } from "./token.js"

/** A switched token's scopes under their root names. */
const asRootScopes = (scopes: ReadonlySet<string>): ReadonlySet<string> =>
  new Set(rootScopes.filter((scope) => scopes.has(Scopes.inOrganization(scope))))

/**
 * Checks a bearer token on one face: `sub` is true on an `/o/` path. The record answered holds
 * the scopes as that face counts them.
 *
 * @internal
 */
export const admit = (
  store: Store,
  root: string,
  authorization: string | undefined,
  now: number,
  sub: boolean
): TokenRecord | "missing" | "invalid" => {
  const auth = authenticate(store, root, authorization, now)
  if (typeof auth === "string") return auth
  if (!sub) return auth.subOrganization === undefined ? auth : "invalid"
  if (auth.subOrganization === undefined || !store.subOrgs.has(auth.subOrganization)) return "invalid"
  return { ...auth, scopes: asRootScopes(auth.scopes) }
}

/**
 * The store and SCIM base of an `/o/` request: the switched token's sub-organization's, or, for
 * an endpoint that needs no token (discovery) called without a switched one, an empty store.
 *
 * @internal
 */
export const subTenant = (
  store: Store,
  root: string,
  token: TokenRecord | undefined,
  origin: string
): { readonly org: OrgStore; readonly scimBase: string; readonly identity: Identity | undefined } => {
  const sub = token?.subOrganization === undefined ? undefined : store.subOrgs.get(token.subOrganization)
  return {
    org: sub?.store ?? makeOrg(""),
    scimBase: subScimBase(origin, root),
    identity: sub === undefined ? undefined : subIdentity(sub)
  }
}

/**
 * The organization whose tree a request on a face sees: the root's id at the root, the switched
 * sub-organization's on `/o/`.
 *
 * @internal
 */
export const viewpoint = (root: string, token: TokenRecord): string => token.subOrganization ?? organizationId(root)

/**
 * What every engine call needs: the organization's store, the time, the SCIM base URL and the
 * quirk switches.
 *
 * @internal
 */
import type { OrgStore, RenderOptions } from "./store.js"
import type * as Public from "./types.js"

/** @internal */
export type Quirks = Public.Quirks

/** @internal */
export const defaultQuirks: Quirks = {
  emailsAsStrings: false,
  totalResultsIsPageSize: false,
  doubleDecodeFilterPlus: false,
  memberConflict: "ok",
  groupPatchResponse: "group",
  maxCount: 100,
  maxBulkOperations: 100,
  userStores: ["DEFAULT"],
  expiresInRounding: "up",
  ignoreDomainParameter: false,
  cursorPaging: false,
  cursorTimeoutSeconds: 600,
  strictV2RoleScopes: false
}

/**
 * Who an organization is: its id and name, and for a sub-organization its root organization's
 * name (a role's default audience, `roleEnv.ts`).
 *
 * @internal
 */
export interface Identity {
  readonly id: string
  readonly name: string
  readonly root: string | undefined
}

/** @internal */
export interface Ctx {
  readonly org: OrgStore
  readonly now: number
  /** `{origin}/t/{org}/scim2` */
  readonly scimBase: string
  readonly quirks: Quirks
  /** The organization's identity (absent: a root organization named as its store). */
  readonly identity?: Identity | undefined
}

/** @internal */
export const renderOptions = (ctx: Ctx): RenderOptions => ({
  baseUrl: ctx.scimBase,
  emailsAsStrings: ctx.quirks.emailsAsStrings,
  roles: ctx.org.roles
})

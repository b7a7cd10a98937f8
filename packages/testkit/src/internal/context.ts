/**
 * What every engine call needs: the organization's store, the time, the SCIM base URL and the
 * quirk switches.
 *
 * @internal
 */
import type { OrgStore, RenderOptions } from "./store.js"

/** @internal */
export interface Quirks {
  readonly emailsAsStrings: boolean
  readonly totalResultsIsPageSize: boolean
  readonly doubleDecodeFilterPlus: boolean
  readonly memberConflict: "ok" | "error"
  readonly groupPatchResponse: "group" | "noContent"
  readonly maxCount: number
  readonly maxBulkOperations: number
  readonly userStores: ReadonlyArray<string>
}

/** @internal */
export const defaultQuirks: Quirks = {
  emailsAsStrings: false,
  totalResultsIsPageSize: false,
  doubleDecodeFilterPlus: false,
  memberConflict: "ok",
  groupPatchResponse: "group",
  maxCount: 100,
  maxBulkOperations: 100,
  userStores: ["DEFAULT"]
}

/** @internal */
export interface Ctx {
  readonly org: OrgStore
  readonly now: number
  /** `{origin}/t/{org}/scim2` */
  readonly scimBase: string
  readonly quirks: Quirks
}

/** @internal */
export const renderOptions = (ctx: Ctx): RenderOptions => ({
  baseUrl: ctx.scimBase,
  emailsAsStrings: ctx.quirks.emailsAsStrings
})

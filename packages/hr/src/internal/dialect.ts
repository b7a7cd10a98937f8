/**
 * What the HR helpers need to know about the server's dialect, read in this one place from the
 * client's `Target`.
 *
 * @internal
 */
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as Target from "@asgardeo-scim/core/Target"

/** @internal */
export interface Dialect {
  /** The server's dialect (`Users.prepareCreate` builds Bulk bodies with it). */
  readonly target: Target.Target
  /** Where bare userNames are created (Asgardeo's default user store). */
  readonly defaultUserStore: string | undefined
  /** New users are invited to set their password (`askPassword`) instead of being given one. */
  readonly askPassword: boolean
  /** `bulk: "auto"` uses SCIM Bulk (within the server's limits). */
  readonly bulkByDefault: boolean
  /** The token's scopes name the operations they allow, so a batch can check them before writing. */
  readonly scopesNameOperations: boolean
}

/** @internal */
export const fromClient = (client: ScimClient.Service): Dialect => {
  const target = client.target
  return {
    target,
    defaultUserStore: client.settings.defaultUserStore,
    askPassword: target.users.invitations,
    bulkByDefault: target.bulk.preferInBatches,
    scopesNameOperations: target.scopes.checked
  }
}

/**
 * What the HR helpers need to know about the server's dialect, read in this one place from the
 * client's configuration (to become fields of core's `Target` value).
 *
 * @internal
 */
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as Bulk from "@asgardeo-scim/directory/Bulk"

/** @internal */
export interface Dialect {
  /** The target as `Users.prepareCreate` takes it (Bulk bodies are built with it). */
  readonly target: "asgardeo" | "generic"
  /** Where bare userNames are created (Asgardeo's default user store). */
  readonly defaultUserStore: string | undefined
  /** New users are invited to set their password (`askPassword`) instead of being given one. */
  readonly askPassword: boolean
  /** `bulk: "auto"` uses SCIM Bulk (within the server's limits). */
  readonly bulkByDefault: boolean
  /** The most operations a Bulk request carries, whatever the server's configuration offers. */
  readonly maxBulkOperations: number
  /** The token's scopes name the operations they allow, so a batch can check them before writing. */
  readonly scopesNameOperations: boolean
}

/** @internal */
export const fromClient = (client: ScimClient.Service): Dialect => {
  const asgardeo = client.config.target === "asgardeo"
  return {
    target: client.config.target,
    defaultUserStore: client.config.defaultUserStore,
    askPassword: asgardeo,
    bulkByDefault: asgardeo,
    // Asgardeo's documented limit, applied to every target as before.
    maxBulkOperations: Bulk.asgardeoMaxOperations,
    scopesNameOperations: asgardeo
  }
}

/**
 * The organization switch check of `doctor` (see `Doctor.organizationSwitch`).
 *
 * @internal
 */
import type * as Organizations from "@asgardeo-scim/core/Organizations"
import type * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as ExitCode from "../ExitCode.js"

/** @internal */
export interface OrganizationSwitch {
  readonly state: "ok" | "failing" | "not checked"
  /** The sub-organization tried: its id and its name, where known. */
  readonly organization: { readonly id: string | undefined; readonly name: string | undefined } | undefined
  readonly reason: string | undefined
}

const tagged = (error: unknown, tag: string): error is { readonly _tag: string } & Record<string, unknown> =>
  Predicate.isTagged(error, tag)

/** @internal */
export const switchFailure = (error: unknown): string => {
  if (tagged(error, "OrganizationSwitchFailed")) {
    const description = typeof error.errorDescription === "string" ? error.errorDescription : ""
    if (error.error === "unauthorized_client" || /grant type/i.test(description)) {
      return "the application may not use the organization-switch grant: enable Organization Switch on a " +
        "Standard-Based application (the M2M template cannot switch)"
    }
    if (/not shared|have not shared/i.test(description)) {
      return "the application is not shared with this sub-organization: share it from the root organization"
    }
    if (/deactivated/i.test(description)) return "the sub-organization is deactivated"
    if (/same branch/i.test(description)) return "the sub-organization is not below this organization"
  }
  const listScope = typeof error === "object" && error !== null && "scope" in error &&
    typeof error.scope === "string" && Scopes.fromOrganization(error.scope) === Scopes.byOperation["Organizations.list"]
  if ((tagged(error, "MissingScope") && listScope) || tagged(error, "Forbidden")) {
    return "the token lacks internal_organization_view (Organization Management API): sub-organizations " +
      "cannot be listed, nor named in --sub-org"
  }
  return ExitCode.describe(error).message
}

/** How many sub-organizations the check lists to find an active one. */
const listLimit = 20

/** @internal */
export const organizationSwitch = (
  config: ScimConfig.Service,
  organizations: Organizations.Service,
  switchTo: (id: string) => Effect.Effect<unknown, unknown>
): Effect.Effect<OrganizationSwitch> =>
  Effect.gen(function*() {
    if (config.organizationUrl === undefined) {
      return { state: "not checked", organization: undefined, reason: "not an Asgardeo organization" } as const
    }
    // One page: a deactivated organization refuses every switch, so the first active one is tried.
    const listed = yield* Effect.either(organizations.list({ limit: listLimit }))
    if (listed._tag === "Left") {
      return { state: "failing", organization: undefined, reason: switchFailure(listed.left) } as const
    }
    const all = listed.right.organizations
    const first = all.find((o) => o.status === undefined || o.status.toUpperCase() === "ACTIVE")
    if (first === undefined) {
      const reason = all.length === 0
        ? "no sub-organization is listed"
        : `no active sub-organization is listed (the first ${all.length} are deactivated)`
      return { state: "not checked", organization: undefined, reason } as const
    }
    const organization = { id: first.id, name: first.name }
    const switched = yield* Effect.either(switchTo(first.id))
    return switched._tag === "Right"
      ? { state: "ok", organization, reason: undefined } as const
      : { state: "failing", organization, reason: switchFailure(switched.left) } as const
  }).pipe(Effect.withSpan("Doctor.organizationSwitch"))

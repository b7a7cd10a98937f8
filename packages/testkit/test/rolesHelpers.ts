import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, scim } from "./helpers.js"

export const ROLE = "urn:ietf:params:scim:schemas:extension:2.0:Role"
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
export const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
export const FORBIDDEN = "Operation is not permitted. You do not have permissions to make this request."

/** Runs `effect` with an in-process emulator built from `options`. */
export const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

export const patchBody = (...Operations: ReadonlyArray<unknown>) => ({ schemas: [PATCH_OP], Operations })

/** A role body for POST. */
export const roleBody = (displayName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [ROLE],
  displayName,
  ...extra
})

/** POST /{version}/Roles, failing the test unless 201. */
export const createRole = (
  displayName: string,
  extra: Record<string, unknown> = {},
  version: "v2" | "v3" = "v2"
) =>
  Effect.map(scim("POST", `/${version}/Roles`, { body: roleBody(displayName, extra) }), (a) => {
    if (a.status !== 201) throw new Error(`create role ${displayName}: ${a.status} ${a.text}`)
    return a.json as { id: string; displayName: string }
  })

/** Two users (kim, lee) and a group (admins, with kim). */
export const people = Effect.gen(function*() {
  const kim = yield* createUser("kim@example.com")
  const lee = yield* createUser("lee@example.com")
  const group = yield* scim("POST", "/Groups", {
    body: { displayName: "admins", members: [{ value: kim.id, display: "kim@example.com" }] }
  })
  return { kim, lee, group: group.json as { id: string } }
})

/** The ids of a list of `{value}`. */
export const values = (list: ReadonlyArray<{ readonly value: string }> | undefined): Array<string> =>
  (list ?? []).map((x) => x.value).sort()

export const sorted = (...ids: ReadonlyArray<string>): Array<string> => [...ids].sort()

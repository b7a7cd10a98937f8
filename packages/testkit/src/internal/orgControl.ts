/**
 * Direct operations of the control service on the organization tree and the registered apps:
 * list, create and enable or disable sub-organizations, and change an app at run time.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { patchApp } from "./apps.js"
import type { ControlFailure } from "./control.js"
import { wrap } from "./control.js"
import type { Engine } from "./engine.js"
import { addSubOrganization, info, setStatus } from "./organizations.js"
import { fail } from "./reply.js"
import type * as Public from "./types.js"

const defaultRoot = (engine: Engine): string => engine.options.organizations[0] ?? "acme"

/** Every sub-organization, in creation order. @internal */
export const subOrganizations = (engine: Engine): Effect.Effect<ReadonlyArray<Public.SubOrganization>> =>
  Effect.map(Ref.get(engine.store), (store) => Array.from(store.subOrgs.values(), info))

/** @internal */
export const createSubOrganization = (
  engine: Engine,
  seed: unknown
): Effect.Effect<Public.SubOrganization, ControlFailure> =>
  Effect.flatMap(
    Clock.currentTimeMillis,
    (now) =>
      Effect.flatMap(Ref.get(engine.store), (store) =>
        wrap(() => info(addSubOrganization(store, seed, defaultRoot(engine), now))))
  )

/** @internal */
export const setSubOrganizationStatus = (
  engine: Engine,
  id: unknown,
  status: unknown
): Effect.Effect<Public.SubOrganization, ControlFailure> =>
  Effect.flatMap(
    Clock.currentTimeMillis,
    (now) => Effect.flatMap(Ref.get(engine.store), (store) => wrap(() => info(setStatus(store, id, status, now))))
  )

/** Replaces a registered app with its patched self (until reset). @internal */
export const updateApp = (
  engine: Engine,
  clientId: unknown,
  patch: unknown
): Effect.Effect<Public.App, ControlFailure> =>
  wrap(() => {
    const i = engine.apps.findIndex((a) => a.clientId === clientId)
    if (i === -1) return fail(404, `Unknown app: ${String(clientId)}`)
    const updated = patchApp(engine.apps[i]!, patch, engine.options.organizations)
    engine.apps[i] = updated
    return updated
  })

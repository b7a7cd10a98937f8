/**
 * How connected commands reach a server: the HTTP engine for a real Asgardeo and the embedded
 * emulator of `--emulator`. The real ones are loaded with a dynamic `import()` on first use, so
 * `--help` loads neither; tests swap the service for the in-process emulator.
 *
 * @since 0.1.0
 */
import type * as AsgardeoEmulator from "@asgardeo-scim/testkit/AsgardeoEmulator"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The HTTP engine for a real server. */
  readonly httpClient: Layer.Layer<HttpClient.HttpClient>
  /** The embedded emulator of `--emulator` (its `client` reaches it in process). */
  readonly embedded: Effect.Effect<AsgardeoEmulator.AsgardeoEmulator.Service>
}

/**
 * How connected commands reach a server; tests swap it.
 *
 * @since 0.1.0
 * @category tags
 */
export class Backend extends Context.Tag("@asgardeo-scim/cli/Backend")<Backend, Service>() {}

/**
 * The sub-organization the embedded emulator of `--emulator` has below its
 * organization, for `--emulator --sub-org "ABC Builders"` (or its id).
 *
 * @since 0.4.0
 * @category constants
 */
export const embeddedSubOrganization = "ABC Builders"

/**
 * The real backend: undici, and the in-process emulator (with one sub-organization,
 * {@link embeddedSubOrganization}), each loaded on first use.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Backend> = Layer.succeed(Backend, {
  httpClient: Layer.unwrapEffect(
    Effect.map(Effect.promise(() => import("@effect/platform-node/NodeHttpClient")), (m) => m.layerUndici)
  ),
  embedded: Effect.flatMap(
    Effect.promise(() => import("@asgardeo-scim/testkit/AsgardeoEmulator")),
    (m) => m.make({ subOrganizations: [{ name: embeddedSubOrganization }] })
  )
})

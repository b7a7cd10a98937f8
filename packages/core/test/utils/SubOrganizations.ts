// What the sub-organization tests share: ids, the root organization's options, one SCIM read, the
// form of a token request, and a root organization's token layer on a mock.
import { AccessToken, RateLimiter, ScimClient, ScimConfig, Scopes } from "@asgardeo-scim/core"
import type { HttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { ORG, SECRET } from "./MockServer.js"
import type { Received } from "./MockServer.js"

export const SUB_A = "0b8f2c1e-1111-4a5b-9c3d-000000000001"
export const SUB_B = "0b8f2c1e-2222-4a5b-9c3d-000000000002"
export const USER = "008bba85-451d-414b-87de-c03b5a1f4217"

export const options = {
  organization: ORG,
  clientId: "client-id",
  clientSecret: Redacted.make(SECRET),
  rateLimits: false as const
}

/** GET /Users/{USER} through the context's client. */
export const getUser = Effect.flatMap(
  ScimClient.ScimClient,
  (client) =>
    client.execute({
      operation: "Users.get",
      scope: Scopes.forOperation("Users.get"),
      method: "GET",
      path: "/Users",
      id: USER
    })
)

/** A token request's form. */
export const form = (r: Received) => new URLSearchParams(r.body)

/** The root organization's `AccessToken`, `RateLimiter` and `ScimConfig` on an engine. */
export const rootLayer = (engine: Layer.Layer<HttpClient.HttpClient>) =>
  AccessToken.layer.pipe(
    Layer.provideMerge(RateLimiter.layer),
    Layer.provideMerge(ScimConfig.layer(options)),
    Layer.provideMerge(engine)
  )

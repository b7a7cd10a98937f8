// Users.get over a fixed-response HttpClient, N calls at concurrency 16 (for instruction counts).
import { Directory, Users } from "@asgardeo-scim/directory"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
const id = "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"
const user = JSON.stringify({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id,
  userName: "DEFAULT/kim@example.com",
  active: true,
  name: { givenName: "Kim", familyName: "Lee" },
  emails: [{ value: "kim@example.com", primary: true }],
  meta: { resourceType: "User", version: "1" }
})
const token = JSON.stringify({
  access_token: "t",
  token_type: "Bearer",
  expires_in: 3600,
  scope: "internal_user_mgt_view"
})
const Mock = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.succeed(
      HttpClientResponse.fromWeb(
        request,
        new Response(request.url.endsWith("/token") ? token : user, {
          status: 200,
          headers: { "content-type": "application/scim+json" }
        })
      )
    )
  )
)
const N = Number(process.env.N ?? 1000)
const layer = Directory.layerAsgardeo({
  organization: "acme",
  clientId: "c",
  clientSecret: Redacted.make("s"),
  scopes: ["internal_user_mgt_view"],
  rateLimits: false
}).pipe(Layer.provide(Mock))
await Effect.runPromise(
  Effect.flatMap(
    Users.Users,
    (u) => Effect.forEach(Array.from({ length: N }), () => u.get(id), { concurrency: 16, discard: true })
  ).pipe(Effect.provide(layer))
)

// Library overhead in process (no network): a fixed-response HttpClient, concurrency 16.
// node bench/micro.mjs (after pnpm build). Not part of pnpm bench: a tool for finding costs.
import { ScimClient } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted, Schema } from "effect"

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
const Small = Schema.Struct({ id: Schema.String, userName: Schema.String })
const N = Number(process.env.N ?? 20000)
const cfg = {
  organization: "acme",
  clientId: "c",
  clientSecret: Redacted.make("s"),
  scopes: ["internal_user_mgt_view"],
  rateLimits: false
}

const time = (name, layer, one) =>
  Effect.gen(function*() {
    const run = (n) => Effect.forEach(Array.from({ length: n }), () => one, { concurrency: 16, discard: true })
    yield* run(2000)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    yield* run(N)
    const c = process.cpuUsage(c0)
    console.log(
      name.padEnd(28),
      ((c.user + c.system) / N).toFixed(1),
      "µs/req cpu",
      ((performance.now() - t0) * 1000 / N).toFixed(1),
      "µs wall"
    )
  }).pipe(Effect.provide(layer))

const bare = Effect.flatMap(
  HttpClient.HttpClient,
  (c) =>
    c.execute(
      HttpClientRequest.get(`https://api.asgardeo.io/t/acme/scim2/Users/${id}`).pipe(HttpClientRequest.bearerToken("t"))
    )
      .pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Small)))
)
const scim = Effect.flatMap(
  ScimClient.ScimClient,
  (c) => c.execute({ operation: "Users.get", scope: "internal_user_mgt_view", method: "GET", path: "/Users", id })
)
const users = Effect.flatMap(Users.Users, (u) => u.get(id))

for (let i = 0; i < 2; i++) {
  await Effect.runPromise(time("bare HttpClient + Schema", Mock, bare))
  await Effect.runPromise(time("ScimClient.execute", ScimClient.layerAsgardeo(cfg).pipe(Layer.provide(Mock)), scim))
  await Effect.runPromise(time("Users.get", Directory.layerAsgardeo(cfg).pipe(Layer.provide(Mock)), users))
}

import { Scopes, Target } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Either, Schedule } from "effect"
import type { Redacted } from "effect"

// Another SCIM server: numeric ids, no `or` in user filters, at most 50 operations per Bulk
// request. Every other field is RFC 7644's (`Target.rfc7644`).
export const AcmeScim = Target.make({
  name: "acme-scim",
  encodeId: (id) => /^\d+$/.test(id) ? Either.right(id) : Either.left("Acme ids are numbers"),
  filters: { users: { ...Target.rfc7644.filters.users, or: false } },
  bulk: { maxOperations: 50 }
})

// Asgardeo's dialect behind a gateway that wants a header of its own, with a slower backoff for
// transient failures (the 401 refresh and the 429 waits keep their rules).
export const behindGateway = (connection: {
  readonly scimBaseUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}) =>
  Directory.layerGeneric({
    scimBaseUrl: connection.scimBaseUrl,
    auth: { ...connection, scopes: Scopes.all },
    target: Target.make({ name: "asgardeo-behind-gateway" }, Target.asgardeo),
    retry: { schedule: Schedule.exponential("1 second").pipe(Schedule.intersect(Schedule.recurs(5))) },
    transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-gateway-key", "hr-service"))
  })

export const program = Effect.flatMap(Users.Users, (users) => users.list({ filter: "userName sw \"kim\"" }))

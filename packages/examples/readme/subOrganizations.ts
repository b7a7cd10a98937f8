import type { ScimConfig } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { Effect, Either } from "effect"

// One sub-organization for the whole program: the root organization's application and
// `subOrganization` (by `{ id }` or `{ name }`; ASGARDEO_SUB_ORG with `Directory.layerConfig()`).
export const AbcBuilders = (root: ScimConfig.Options) =>
  Directory.layerAsgardeo({ ...root, subOrganization: { name: "ABC Builders" } })

// Inside it, the services are the usual ones: this user is created in ABC Builders only.
export const hire = Effect.flatMap(
  Users.Users,
  (users) => users.create({ userName: "kim@abc.example", email: "kim@abc.example", askPassword: true })
)

// Every sub-organization of the tree, two at a time, on the root's layer: one root token for all.
// A sub-organization that refuses (the application is not shared with it) is that one's result.
export const census = Directory.forEachSubOrganization(
  () => Effect.map(Effect.flatMap(Users.Users, (users) => users.list({ count: 1 })), (page) => page.totalResults),
  { recursive: true, concurrency: 2 }
).pipe(
  Effect.map((results) =>
    results.map(({ organization, result }) =>
      Either.match(result, {
        onLeft: (error) => `${organization.name}: ${error._tag}`,
        onRight: (count) => `${organization.name}: ${count} users`
      })
    )
  )
)

/**
 * The handler of `asgardeo-scim orgs list`.
 *
 * @internal
 */
import * as Organizations from "@asgardeo-scim/core/Organizations"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Connection from "../Connection.js"
import * as Render from "../Render.js"
import * as Output from "./output.js"

type Args<A> = Connection.Flags & { readonly json: boolean } & A

export const list = (args: Args<{ readonly recursive: boolean; readonly filter: Option.Option<string> }>) =>
  Effect.flatMap(
    Organizations.Organizations,
    (organizations) =>
      Output.collect(organizations.stream({ recursive: args.recursive, filter: Option.getOrUndefined(args.filter) }))
  ).pipe(
    Effect.flatMap((all) =>
      Output.listing(all, args.json, "sub-organization", (color) =>
        Render.table(
          ["ID", "NAME", "HANDLE", "STATUS", "CHILDREN"],
          all.map((o) => [
            o.id,
            o.name,
            o.orgHandle ?? "",
            o.status ?? "",
            o.hasChildren === undefined ? "" : o.hasChildren ? "yes" : "no"
          ]),
          color
        ))
    ),
    Effect.provide(Connection.layer(args))
  )

/**
 * `asgardeo-scim demo`.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Flags from "./Flags.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "demo",
  {
    json: Flags.json,
    csv: Options.text("csv").pipe(
      Options.withDescription("Onboard this CSV instead of the sample"),
      Options.optional
    ),
    bulk: Options.choice("bulk", ["auto", "on", "off"]).pipe(
      Options.withDescription("Use SCIM Bulk requests (auto: when the server supports them)"),
      Flags.withDefault("auto")
    )
  },
  (args) =>
    Flags.lazy(() => import("./Demo.js"), (Demo) =>
      Effect.asVoid(Demo.run({
        json: args.json,
        csv: Option.getOrUndefined(args.csv),
        bulk: args.bulk === "auto" ? "auto" : args.bulk === "on"
      })))
).pipe(
  Command.withDescription(
    "Run the whole product on the embedded emulator: role groups, a CSV onboarding, a role change, an offboarding"
  )
)

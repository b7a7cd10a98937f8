/**
 * `asgardeo-scim emulator`: the in-memory Asgardeo on a real loopback port, until Ctrl-C. Prints
 * its URL, the credentials, and the `export` lines that point the other commands at it.
 *
 * Another `--host` than a loopback address (`0.0.0.0`, a LAN address) is refused while the app
 * has the well-known default secret; `EMULATOR_CLIENT_SECRET` (environment only) sets one.
 *
 * @since 0.1.0
 */
import type * as AsgardeoEmulator from "@asgardeo-scim/testkit/AsgardeoEmulator"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { CliError, Usage } from "./ExitCode.js"
import * as Flags from "./Flags.js"
import { Io } from "./Io.js"
import * as Render from "./Render.js"

const defaultSecret = "emulator-secret"

/**
 * What to tell people about a running emulator.
 *
 * @since 0.1.0
 * @category rendering
 */
export const banner = (emu: AsgardeoEmulator.AsgardeoEmulator.Service, color: boolean): string => {
  // A secret of one's own (EMULATOR_CLIENT_SECRET) is not printed.
  const own = emu.credentials.clientSecret !== defaultSecret
  return [
    Render.styled(`Asgardeo emulator listening on ${emu.baseUrl}`, "bold", color),
    Render.fields([
      ["organization", emu.organization],
      ["token endpoint", emu.tokenUrl],
      ["SCIM base", emu.scimUrl],
      ["client id", emu.credentials.clientId],
      ["client secret", own ? "(yours, from EMULATOR_CLIENT_SECRET)" : emu.credentials.clientSecret]
    ], color),
    "",
    "Point the CLI (or your program) at it:",
    `  export ASGARDEO_BASE_URL=${emu.baseUrl}`,
    `  export ASGARDEO_ORG=${emu.organization}`,
    `  export ASGARDEO_CLIENT_ID=${emu.credentials.clientId}`,
    `  export ASGARDEO_CLIENT_SECRET=${own ? "\"$EMULATOR_CLIENT_SECRET\"" : emu.credentials.clientSecret}`,
    "",
    "Press Ctrl-C to stop (the data lives in memory)."
  ].join("\n")
}

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "emulator",
  {
    port: Options.integer("port").pipe(Options.withDescription("Port (0: any free port)"), Flags.withDefault(8790)),
    host: Options.text("host").pipe(
      Options.withDescription(
        "Address to listen on; other than loopback only with EMULATOR_CLIENT_SECRET set to a secret of your own"
      ),
      Flags.withDefault("127.0.0.1")
    ),
    org: Options.text("org").pipe(Options.withDescription("Organization name"), Flags.withDefault("acme")),
    seedUsers: Options.integer("seed-users").pipe(
      Options.withDescription("Create this many sample users at start"),
      Options.optional
    )
  },
  (args) =>
    Effect.scoped(Effect.gen(function*() {
      const io = yield* Io
      const EmulatorServer = yield* Effect.promise(() => import("@asgardeo-scim/testkit/EmulatorServer"))
      const secret = Option.filter(
        yield* Config.option(Config.redacted("EMULATOR_CLIENT_SECRET")).pipe(Effect.orElseSucceed(Option.none)),
        (s) => Redacted.value(s).trim() !== ""
      )
      const emu = yield* EmulatorServer.make({
        port: args.port,
        host: args.host,
        organization: args.org,
        ...(Option.isSome(secret)
          ? { apps: [{ clientId: "emulator-client", clientSecret: Redacted.value(secret.value) }] }
          : {})
      }).pipe(
        Effect.catchTag("BindRefused", (error) =>
          Effect.fail(
            new CliError({
              code: Usage,
              message: `emulator: refusing to listen on ${JSON.stringify(error.host)} with the default client secret ` +
                "(emulator-secret), which anyone who can reach that address knows. Use --host 127.0.0.1, " +
                "or export EMULATOR_CLIENT_SECRET with a secret of your own"
            })
          ))
      )
      const seed = Option.getOrElse(args.seedUsers, () => 0)
      if (seed > 0) {
        yield* Effect.orDie(emu.seedUsers(Array.from({ length: seed }, (_, i) => ({
          userName: `user${i + 1}@example.com`,
          name: { givenName: `User${i + 1}`, familyName: "Sample" },
          emails: [{ value: `user${i + 1}@example.com`, primary: true }]
        }))))
      }
      yield* io.out(banner(emu, io.color))
      return yield* Effect.never
    }))
).pipe(Command.withDescription("Start the Asgardeo emulator on a loopback port and print its URL and credentials"))

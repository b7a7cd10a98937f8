/**
 * The flags shared by commands. This module loads only `@effect/cli`, so building the command
 * tree (and answering `--help`) loads none of the client.
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

/**
 * The connection flags, in the order help shows them: flag, the environment variable that is
 * their default, and what they are. The one place they are described: the options below and the
 * `CONNECTION FLAGS` section of help (`[connection flags]` in a list of commands) read it.
 *
 * @since 0.2.0
 * @category options
 */
export const connectionFlags: ReadonlyArray<{
  readonly flag: string
  readonly env: string | undefined
  readonly description: string
}> = [
  { flag: "--org", env: "ASGARDEO_ORG", description: "Asgardeo organization (default: $ASGARDEO_ORG)" },
  {
    flag: "--client-id",
    env: "ASGARDEO_CLIENT_ID",
    description:
      "OAuth2 client id of the M2M application (default: $ASGARDEO_CLIENT_ID; $SCIM_CLIENT_ID with --token-url)"
  },
  {
    flag: "--client-secret",
    env: "ASGARDEO_CLIENT_SECRET",
    description: "Client secret (default: $ASGARDEO_CLIENT_SECRET; $SCIM_CLIENT_SECRET with --token-url; " +
      "prefer the variable: a flag is visible to other users)"
  },
  {
    flag: "--base-url",
    env: "ASGARDEO_BASE_URL",
    description: "API host (default: $ASGARDEO_BASE_URL or https://api.asgardeo.io)"
  },
  {
    flag: "--scim-url",
    env: "SCIM_BASE_URL",
    description: "Any SCIM 2.0 server instead of Asgardeo: its SCIM base URL (default: $SCIM_BASE_URL)"
  },
  {
    flag: "--bearer-token",
    env: "SCIM_TOKEN",
    description: "With --scim-url: a static bearer token (default: $SCIM_TOKEN; prefer the variable)"
  },
  {
    flag: "--token-url",
    env: "SCIM_TOKEN_URL",
    description: "With --scim-url: an OAuth2 token URL for client credentials, with --client-id and --client-secret " +
      "(default: $SCIM_TOKEN_URL)"
  },
  {
    flag: "--sub-org",
    env: "ASGARDEO_SUB_ORG",
    description: "Act inside this sub-organization of the Asgardeo organization: its id or its name " +
      "(default: $ASGARDEO_SUB_ORG; not with --scim-url)"
  },
  {
    flag: "--emulator",
    env: undefined,
    description: "Use the embedded in-memory Asgardeo emulator (no configuration needed)"
  }
]

const describe = (flag: string): string => connectionFlags.find((f) => f.flag === flag)!.description

/**
 * The connection flags every connected command takes.
 *
 * @since 0.1.0
 * @category options
 */
export const connection = {
  org: Options.text("org").pipe(Options.withDescription(describe("--org")), Options.optional),
  clientId: Options.text("client-id").pipe(Options.withDescription(describe("--client-id")), Options.optional),
  clientSecret: Options.redacted("client-secret").pipe(
    Options.withDescription(describe("--client-secret")),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(Options.withDescription(describe("--base-url")), Options.optional),
  scimUrl: Options.text("scim-url").pipe(Options.withDescription(describe("--scim-url")), Options.optional),
  bearerToken: Options.redacted("bearer-token").pipe(
    Options.withDescription(describe("--bearer-token")),
    Options.optional
  ),
  tokenUrl: Options.text("token-url").pipe(Options.withDescription(describe("--token-url")), Options.optional),
  subOrg: Options.text("sub-org").pipe(Options.withDescription(describe("--sub-org")), Options.optional),
  emulator: Options.boolean("emulator").pipe(Options.withDescription(describe("--emulator")))
}

/**
 * A default value that help shows: `Options.withDefault` with `Default: <value>` added to the
 * description (@effect/cli's help says only "This setting is optional").
 *
 * @since 0.2.0
 * @category options
 */
export const withDefault =
  <const B extends string | number>(fallback: B) => <A>(self: Options.Options<A>): Options.Options<A | B> =>
    self.pipe(Options.withDescription(`Default: ${fallback}`), Options.withDefault(fallback))

/**
 * The flags that carry a secret, each with the environment variable to use instead.
 *
 * @since 0.2.0
 * @category options
 */
export const secretFlags: ReadonlyArray<{ readonly flag: string; readonly env: string }> = [
  { flag: "--client-secret", env: "ASGARDEO_CLIENT_SECRET (SCIM_CLIENT_SECRET with --token-url)" },
  { flag: "--bearer-token", env: "SCIM_TOKEN" },
  { flag: "--password", env: "ASGARDEO_USER_PASSWORD" }
]

/**
 * One warning line per secret flag present in `args` (as `--flag value` or `--flag=value`),
 * naming the environment variable to use instead. The lines never contain the value.
 *
 * @since 0.2.0
 * @category options
 */
export const secretFlagWarnings = (args: ReadonlyArray<string>): ReadonlyArray<string> =>
  secretFlags
    .filter(({ flag }) => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`)))
    .map(({ env, flag }) =>
      `warning: ${flag} puts a secret on the command line, where other users may see it in the process list ` +
      `and your shell history keeps it; set ${env} instead`
    )

/**
 * The `--json` flag.
 *
 * @since 0.1.0
 * @category options
 */
export const json = Options.boolean("json").pipe(Options.withDescription("Print JSON for machines"))

/**
 * The `--all-stores` flag of commands that find a user or group by name.
 *
 * @since 0.2.0
 * @category options
 */
export const allStores = Options.boolean("all-stores").pipe(
  Options.withDescription(
    "Find the name in every user store, not only the default one (found in two stores: exit code 6)"
  )
)

/**
 * Runs a handler from a module loaded on first use.
 *
 * @since 0.1.0
 * @category utils
 */
export const lazy = <M, A, E, R>(load: () => Promise<M>, run: (module: M) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.promise(load), run)

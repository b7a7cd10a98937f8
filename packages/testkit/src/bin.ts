#!/usr/bin/env node
/**
 * The `asgardeo-emulator` command: starts the emulator on a real port
 * (`asgardeo-emulator [--port 8790] [--host 127.0.0.1] [--org acme] [--sub-org NAME] [--seed-users N] [--etag]`,
 * or `node packages/testkit/dist/bin.js ...` in this repository). `--help` prints the usage.
 *
 * @since 0.1.0
 */

const usage =
  `Usage: asgardeo-emulator [--port 8790] [--host 127.0.0.1] [--org acme]... [--sub-org NAME]... [--seed-users 0] [--etag]

Starts the in-memory Asgardeo emulator on a real port and prints its URL, credentials and
admin endpoints. It runs until interrupted (Ctrl-C).

  --port <n>        the port (default 8790, or PORT; 0 picks a free one)
  --host <host>     the address to bind (default 127.0.0.1, or HOST); a host other than loopback
                    needs EMULATOR_CLIENT_SECRET, a secret of your own for the default app
  --org <name>      an organization (default acme, or ORG); repeat it for more, the first is the default
  --sub-org <name>  a B2B sub-organization of the default organization (repeatable), served under
                    /t/{org}/o/ to tokens of the organization_switch grant; the default app is
                    shared with every sub-organization
  --seed-users <n>  users to create at start (default 0)
  --etag            the ETag mode: meta.version, ETag headers, If-Match honoured (Asgardeo has none)
  --help, -h        this text
`

const args = process.argv.slice(2)
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(usage)
} else {
  // Loaded only now: the real-port face needs the optional peer dependency @effect/platform-node.
  import("./EmulatorServer.js").then((EmulatorServer) => EmulatorServer.main(args), (error: unknown) => {
    const missing = error instanceof Error && error.message.includes("@effect/platform-node")
    process.stderr.write(
      missing
        ? "asgardeo-emulator needs @effect/platform-node (an optional peer dependency of @asgardeo-scim/testkit):\n" +
          "  npm install -D @effect/platform-node@^0.108\n"
        : `asgardeo-emulator: ${String(error)}\n`
    )
    process.exitCode = 1
  })
}

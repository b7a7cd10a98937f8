#!/usr/bin/env node
/**
 * The `asgardeo-scim` binary. `asgardeo-scim [command [subcommand...]] --help` prints the stored
 * help page of that command (`internal/fastHelp.ts`) without loading effect or @effect/cli.
 * Anything else loads `effect`, `@effect/cli` and the command tree, with the Node platform
 * layers in parallel; the HTTP engine and the emulator load when a command needs them.
 *
 * @since 0.1.0
 */

// The pages are the very text the CLI renders (checked by test/FastHelp.test.ts), coloured, and
// stripped like the rest when stdout is not to be coloured. ASGARDEO_SCIM_FULL_HELP=1 skips them.
const args = process.argv.slice(2)
const last = args[args.length - 1]
const fastHelp = (last === "--help" || last === "-h") && process.env.ASGARDEO_SCIM_FULL_HELP !== "1"
  ? (await import("./internal/fastHelp.js")).text(args, process.stdout.isTTY, process.env)
  : undefined

const main = async () => {
  const [Effect, Exit, Layer, Cli, Io, Backend, NodeFileSystem, NodePath, NodeTerminal, NodeRuntime] = await Promise
    .all([
      import("effect/Effect"),
      import("effect/Exit"),
      import("effect/Layer"),
      import("./Cli.js"),
      import("./Io.js"),
      import("./Backend.js"),
      import("@effect/platform-node/NodeFileSystem"),
      import("@effect/platform-node/NodePath"),
      import("@effect/platform-node/NodeTerminal"),
      import("@effect/platform-node/NodeRuntime")
    ])

  const layer = Layer.mergeAll(
    NodeFileSystem.layer,
    NodePath.layer,
    NodeTerminal.layer,
    Io.layerProcess,
    Backend.layer
  )

  NodeRuntime.runMain(Cli.run(process.argv).pipe(Effect.provide(layer)), {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      onExit(
        Exit.isSuccess(exit) ? Number(exit.value) : Exit.isInterrupted(exit) ? 130 : 1
      )
    }
  })
}

if (fastHelp === undefined) {
  await main()
} else {
  // `asgardeo-scim users --help | head`: a closed pipe ends the program quietly, as in `Io`.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0)
  })
  process.stdout.write(fastHelp)
}

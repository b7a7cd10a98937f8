#!/usr/bin/env node
/**
 * The `asgardeo-scim` binary. Only `effect`, `@effect/cli` and the command tree load at start;
 * the Node platform layers load here in parallel, and the HTTP engine and the emulator load
 * when a command needs them, so `--help` starts fast.
 *
 * @since 0.1.0
 */

// `asgardeo-scim --help` prints the stored root help (the very text the CLI renders, checked by
// test/Help.test.ts; coloured, and stripped like the rest when stdout is not to be coloured)
// without loading anything else: most of the start-up is loading @effect/cli.
if (process.argv.length === 3 && process.argv[2] === "--help" && process.env.ASGARDEO_SCIM_FULL_HELP !== "1") {
  const [{ rootHelp }, Color] = await Promise.all([import("./internal/helpText.js"), import("./internal/color.js")])
  process.stdout.write(Color.enabled(process.stdout.isTTY, process.env) ? rootHelp : Color.strip(rootHelp))
  process.exit(0)
}

const [Effect, Exit, Layer, Cli, Io, Backend, NodeFileSystem, NodePath, NodeTerminal, NodeRuntime] = await Promise.all([
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

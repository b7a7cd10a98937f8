#!/usr/bin/env node
/**
 * The `asgardeo-scim` binary. Only `effect`, `@effect/cli` and the command tree load at start;
 * the Node platform layers load here in parallel, and the HTTP engine and the emulator load
 * when a command needs them, so `--help` starts fast.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"

const [Cli, Io, Backend, NodeFileSystem, NodePath, NodeTerminal, NodeRuntime] = await Promise.all([
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

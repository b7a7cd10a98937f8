/**
 * The help page of every command as @effect/cli renders it through `Cli.run` (the path the
 * binary takes when it parses the command line), so that `scripts/gen-help.mjs` can store the
 * pages in `helpText.ts` and the tests can check that the stored ones are these.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Backend from "../Backend.js"
import * as Cli from "../Cli.js"
import * as Io from "../Io.js"
import * as Commands from "./commands.js"
import * as FastHelp from "./fastHelp.js"
import * as Help from "./help.js"

/**
 * Every command path (`[]` for the program itself).
 *
 * @internal
 */
export const paths: ReadonlyArray<ReadonlyArray<string>> = Help.paths(Commands.tree)

/**
 * What `asgardeo-scim args` writes, run in process with stdout coloured or not: the exit code
 * and each stream as `Io.makeTest` records it (the lines written, joined by newlines; the process
 * writes a newline after each).
 *
 * @internal
 */
export const run = (args: ReadonlyArray<string>, color: boolean) =>
  Effect.gen(function*() {
    const io = Io.makeTest({ color })
    const code = yield* Cli.run(["node", Commands.name, ...args]).pipe(
      Effect.provide(Layer.merge(io.layer, Backend.layer))
    )
    return { code, stdout: io.stdout(), stderr: io.stderr() }
  })

/**
 * The coloured help page of every path, by key; fails when one does not render cleanly (an exit
 * code other than 0, or anything on stderr).
 *
 * @internal
 */
export const renderAll = Effect.gen(function*() {
  const pages: Record<string, string> = {}
  for (const path of paths) {
    const { code, stderr, stdout } = yield* run([...path, "--help"], true)
    if (code !== 0 || stderr !== "") {
      return yield* Effect.dieMessage(`${[Commands.name, ...path].join(" ")} --help: exit code ${code}, ${stderr}`)
    }
    pages[FastHelp.key(path)] = stdout
  }
  return pages
})

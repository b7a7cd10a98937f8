// No import cycle among the testkit's source modules: the internal modules take the public models
// from `internal/types.ts`, never from `AsgardeoEmulator.ts` (which imports them).
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const src = fileURLToPath(new URL("../src", import.meta.url))

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : []
  })

/** Relative imports and re-exports (`import type` included: a cycle of types is still a cycle). */
const importsOf = (file: string, known: ReadonlySet<string>): Array<string> =>
  Array.from(
    readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)\s[^;"']*?from\s+["'](\.{1,2}\/[^"']+)["']/g),
    (m) => resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts"))
  ).filter((path) => known.has(path))

/** Every cycle found by a depth-first search, as the list of files on it. */
const cycles = (graph: ReadonlyMap<string, ReadonlyArray<string>>): Array<Array<string>> => {
  const found: Array<Array<string>> = []
  const state = new Map<string, "open" | "done">()
  const stack: Array<string> = []
  const visit = (file: string) => {
    state.set(file, "open")
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push(stack.slice(stack.indexOf(next)))
      else if (state.get(next) === undefined) visit(next)
    }
    stack.pop()
    state.set(file, "done")
  }
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file)
  return found
}

describe("imports", () => {
  it("the finder sees a cycle when there is one", () => {
    const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]])
    assert.deepStrictEqual(cycles(graph), [["a", "b", "c"]])
    assert.deepStrictEqual(cycles(new Map([["a", ["b"]], ["b", []]])), [])
  })

  it("no import cycle among the testkit's source modules", () => {
    const files = walk(src)
    const known = new Set(files)
    const graph = new Map(files.map((file) => [file, importsOf(file, known)]))
    // The graph is real: the public module and the router import internal modules.
    assert.isAbove(graph.get(join(src, "AsgardeoEmulator.ts"))!.length, 0)
    assert.isAbove(graph.get(join(src, "internal", "router.ts"))!.length, 5)
    const found = cycles(graph).map((cycle) => cycle.map((file) => relative(src, file)).join(" -> "))
    assert.deepStrictEqual(found, [])
  })
})

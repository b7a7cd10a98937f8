// A Node module hook for processes the tests start (`node --import tsx --import <this file> ...`):
// `@asgardeo-scim/<pkg>` and `@asgardeo-scim/<pkg>/<Module>` load the package's TypeScript sources,
// as vitest's alias does for the tests themselves (vitest.shared.ts), so a runner process runs
// the code under test, never a stale `dist/`. tsx (imported first) compiles the `.ts` files.
import { register } from "node:module"
import { isMainThread } from "node:worker_threads"

const packages = new URL("../../../", import.meta.url)
const pattern = /^@asgardeo-scim\/([^/]+)(?:\/(.+))?$/

/** The hook: a package of this repository becomes its source file, resolved on by tsx. */
export const resolve = (specifier, context, nextResolve) => {
  const match = pattern.exec(specifier)
  return nextResolve(
    match === null ? specifier : new URL(`${match[1]}/src/${match[2] ?? "index"}.ts`, packages).href,
    context
  )
}

// Imported with --import on the main thread: register this file; Node loads it again on its
// hooks thread, where `resolve` above is the hook.
if (isMainThread) register(import.meta.url)

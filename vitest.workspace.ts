import { existsSync, readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { TestProjectConfiguration } from "vitest/config"
import { configDefaults } from "vitest/config"

// The test suites, in one place. `pnpm test` (vitest.config.ts) runs every package's suite except
// the files below; `pnpm test:server` (vitest.server.config.ts) runs the files below;
// `pnpm bench:smoke` (vitest.bench.config.ts) runs the benchmark harness on tiny sizes. `pnpm verify`
// runs all three, so every test runs in CI.

/**
 * Test files that start a server or a process of their own (a loopback emulator or SCIMMY, the
 * built CLI, a throwaway PostgreSQL): slower, and sharing the machine's ports and CPUs. Paths from
 * the repository root.
 */
export const serverSuites: ReadonlyArray<string> = [
  "packages/cli/test/Demo.test.ts",
  "packages/cli/test/DurableKill.test.ts",
  "packages/cli/test/Help.test.ts",
  "packages/cli/test/*.scimmy.test.ts",
  "packages/directory/test/*.scimmy.test.ts",
  "packages/directory/test/Resources.test.ts",
  "packages/directory/test/Scimmy.test.ts",
  "packages/examples/test/DurableApi.test.ts",
  "packages/examples/test/DurableBackend.test.ts",
  "packages/examples/test/HrApi.test.ts",
  "packages/hr/test/*.scimmy.test.ts",
  "packages/examples/test/*.scimmy.test.ts",
  "packages/examples/test/readme-errors.test.ts",
  "packages/reliability/test/Chaos.test.ts",
  "packages/reliability/test/Emulator.test.ts",
  "packages/reliability/test/Tokens.test.ts",
  "packages/testkit/test/Bodies.test.ts",
  "packages/testkit/test/RolesServer.test.ts",
  "packages/testkit/test/Server.test.ts",
  "packages/workflow/test/Distributed.test.ts",
  "packages/workflow/test/Postgres.test.ts",
  "packages/workflow/test/SharedBudget.pg.test.ts"
]

const packagesDir = fileURLToPath(new URL("./packages/", import.meta.url))

/** Every package with a vitest.config.ts, its server suites left out (they run in their own step). */
const projects: Array<TestProjectConfiguration> = readdirSync(packagesDir)
  .filter((name) => existsSync(`${packagesDir}${name}/vitest.config.ts`))
  .sort()
  .map((name) => ({
    extends: `./packages/${name}/vitest.config.ts`,
    root: `./packages/${name}`,
    test: {
      exclude: [
        ...configDefaults.exclude,
        ...serverSuites.filter((s) => s.startsWith(`packages/${name}/`)).map((s) => s.slice(`packages/${name}/`.length))
      ]
    }
  }))

export default projects

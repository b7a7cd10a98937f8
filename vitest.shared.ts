import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"
import { mergeConfig } from "vitest/config"

const packages = fileURLToPath(new URL("./packages", import.meta.url))

// Shared by every package: tests run against sources (not dist), so `pnpm test` needs no build.
// "@asgardeo-scim/<pkg>" -> packages/<pkg>/src/index.ts
// "@asgardeo-scim/<pkg>/<Module>" -> packages/<pkg>/src/<Module>.ts
// `base`: everything but which files; the server suites' project (vitest.server.config.ts) uses it.
export const base: ViteUserConfig = {
  esbuild: { target: "es2022" },
  resolve: {
    alias: [
      { find: /^@asgardeo-scim\/([^/]+)$/, replacement: `${packages}/$1/src/index.ts` },
      { find: /^@asgardeo-scim\/([^/]+)\/(.+)$/, replacement: `${packages}/$1/src/$2.ts` }
    ]
  },
  test: {
    sequence: { concurrent: true },
    fakeTimers: { toFake: undefined }
  }
}

const config: ViteUserConfig = mergeConfig(base, { test: { include: ["test/**/*.test.ts"] } })

export default config

import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const packages = fileURLToPath(new URL("./packages", import.meta.url))

// Shared by every package: tests run against sources (not dist), so `pnpm test` needs no build.
// "@asgardeo-scim/<pkg>" -> packages/<pkg>/src/index.ts
// "@asgardeo-scim/<pkg>/<Module>" -> packages/<pkg>/src/<Module>.ts
const config: ViteUserConfig = {
  esbuild: { target: "es2022" },
  resolve: {
    alias: [
      { find: /^@asgardeo-scim\/([^/]+)$/, replacement: `${packages}/$1/src/index.ts` },
      { find: /^@asgardeo-scim\/([^/]+)\/(.+)$/, replacement: `${packages}/$1/src/$2.ts` }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    sequence: { concurrent: true },
    fakeTimers: { toFake: undefined }
  }
}

export default config

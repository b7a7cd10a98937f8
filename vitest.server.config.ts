import { defineConfig, defineProject, mergeConfig } from "vitest/config"
import { base } from "./vitest.shared.js"
import { serverSuites } from "./vitest.workspace.js"

// `pnpm test:server`: the test files that start a server or a process of their own (the list is
// in vitest.workspace.ts), as one project rooted here, each file in a fresh module graph (they come
// from several packages; sharing one graph across them breaks TestClock in Tokens.test.ts).
export default defineConfig({
  test: {
    projects: [mergeConfig(base, defineProject({ test: { name: "server", include: [...serverSuites] } }))],
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-server.json" }]]
  }
})

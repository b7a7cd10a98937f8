import { defineConfig } from "vitest/config"

// `pnpm bench:smoke`: the benchmark harness end to end on tiny sizes (bench/test). The benchmark
// itself, at full size, is `pnpm bench`.
export default defineConfig({
  test: {
    projects: ["bench"],
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-bench.json" }]]
  }
})

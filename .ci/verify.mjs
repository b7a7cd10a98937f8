// `pnpm verify`, the README's test command and what CI runs: each step in turn with its time in
// seconds, stopping at the first that fails, then the test counts of the vitest steps summed.
// `node .ci/verify.mjs --counts` prints only that last line (the closing line of .ci/run).
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

// [package.json script, the JSON report of its vitest run (vitest*.config.ts) or null]
const steps = [
  // PostgreSQL's binaries for the workflow tests: installed from Debian when missing (as root).
  ["postgres", null],
  ["check", null],
  ["lint", null],
  ["test", ".tmp/vitest-results.json"],
  ["test:server", ".tmp/vitest-server.json"],
  ["bench:smoke", ".tmp/vitest-bench.json"]
]

const counts = () => {
  const total = { passed: 0, failed: 0, skipped: 0, missing: [] }
  for (const [name, report] of steps) {
    if (report === null) continue
    if (!existsSync(`${root}${report}`)) {
      total.missing.push(name)
      continue
    }
    const r = JSON.parse(readFileSync(`${root}${report}`, "utf8"))
    total.passed += r.numPassedTests
    total.failed += r.numFailedTests
    total.skipped += r.numPendingTests + r.numTodoTests
  }
  return `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${
    total.missing.length > 0 ? ` (not run: ${total.missing.join(", ")})` : ""
  }`
}

if (process.argv.includes("--counts")) {
  console.log(counts())
  process.exit(0)
}

// The pnpm that runs this script (npm_execpath), so that it works wherever `pnpm verify` does.
const pnpm = process.env.npm_execpath
const run = (script) =>
  pnpm !== undefined && pnpm.endsWith("js")
    ? spawnSync(process.execPath, [pnpm, "run", script], { cwd: root, stdio: "inherit" })
    : spawnSync("pnpm", ["run", script], { cwd: root, stdio: "inherit", shell: process.platform === "win32" })

for (const [, report] of steps) if (report !== null) rmSync(`${root}${report}`, { force: true })
const times = []
let failed = null
for (const [script] of steps) {
  const t0 = performance.now()
  const result = run(script)
  times.push([script, (performance.now() - t0) / 1000])
  if (result.status !== 0) {
    failed = script
    break
  }
}
console.log("\npnpm verify, seconds per step:")
for (const [script, s] of times) console.log(`  ${script.padEnd(12)} ${s.toFixed(1).padStart(6)}`)
console.log(`  ${"total".padEnd(12)} ${times.reduce((a, [, s]) => a + s, 0).toFixed(1).padStart(6)}`)
console.log(counts())
if (failed !== null) {
  console.error(`pnpm verify: \`pnpm ${failed}\` failed`)
  process.exit(1)
}

// Scenario 1: overhead against raw HTTP. The fixed server runs in its own process (pinned to the
// last CPU), each client run in a fresh process (pinned to CPU 0), the kinds alternating in
// forward and reverse order for `rounds` rounds. Ratios are paired: each run divided by the raw
// undici run of the same round.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { cpuCount, getJson, max, median, min, nodeCommand, runChild, startServer } from "../lib/util.mjs"

const serverScript = fileURLToPath(new URL("../lib/fixed-server.mjs", import.meta.url))
const clientScript = fileURLToPath(new URL("../lib/overhead-client.mjs", import.meta.url))
const httpxScript = fileURLToPath(new URL("../lib/overhead_httpx.py", import.meta.url))

export const hasHttpx = () => spawnSync("python3", ["-c", "import httpx"], { stdio: "ignore" }).status === 0

export const run = async (
  { n, c, warm, rounds, kinds = ["undici", "fetch", "effect", "engine", "library", "lean"], log = () => {} }
) => {
  const httpx = hasHttpx()
  const all = httpx ? [...kinds, "httpx"] : kinds
  const [cmd, args] = nodeCommand(serverScript, [], cpuCount - 1)
  const server = await startServer(cmd, args)
  const baseUrl = server.info.baseUrl
  const runs = Object.fromEntries(all.map((k) => [k, []]))
  const serverCpu = []
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? all : [...all].reverse()
      for (const kind of order) {
        await getJson(`${baseUrl}/__stats`)
        const [command, childArgs] = kind === "httpx"
          ? (cpuCount > 1 && nodeCommand("", [], 0)[0] === "taskset"
            ? ["taskset", ["-c", "0", "python3", httpxScript, baseUrl, String(n), String(c), String(warm)]]
            : ["python3", [httpxScript, baseUrl, String(n), String(c), String(warm)]])
          : nodeCommand(clientScript, [kind, baseUrl, String(n), String(c), String(warm)], 0)
        const result = await runChild(command, childArgs)
        const stats = await getJson(`${baseUrl}/__stats`)
        if (stats.users !== n + warm) {
          throw new Error(`${kind}: the server served ${stats.users} user GETs, expected ${n + warm}`)
        }
        serverCpu.push(stats.cpuMicros / stats.users)
        result.tokenRequests = stats.tokens
        runs[kind].push(result)
        log(
          `  overhead round ${round + 1}/${rounds} ${kind}: ${result.wallMs.toFixed(0)} ms, ` +
            `${result.cpuMicrosPerRequest.toFixed(0)} µs/req`
        )
      }
    }
  } finally {
    await server.stop()
  }
  const paired = (kind, base, key) => runs[kind].map((r, i) => r[key] / runs[base][i][key])
  const rows = all.map((kind) => {
    const rs = runs[kind]
    const wall = rs.map((r) => r.wallMs)
    const cpu = rs.map((r) => r.cpuMicrosPerRequest)
    const cpuVsUndici = paired(kind, "undici", "cpuMicrosPerRequest")
    const cpuVsEffect = paired(kind, "effect", "cpuMicrosPerRequest")
    return {
      kind,
      wallMs: median(wall),
      wallRange: [min(wall), max(wall)],
      reqPerSec: n / (median(wall) / 1000),
      cpuMicros: median(cpu),
      cpuRange: [min(cpu), max(cpu)],
      peakRssMb: median(rs.map((r) => r.peakRssMb)),
      wallVsUndici: median(paired(kind, "undici", "wallMs")),
      cpuVsUndici: median(cpuVsUndici),
      cpuVsUndiciRange: [min(cpuVsUndici), max(cpuVsUndici)],
      cpuVsEffect: median(cpuVsEffect),
      cpuVsEffectRange: [min(cpuVsEffect), max(cpuVsEffect)]
    }
  })
  return { n, c, warm, rounds, httpx, rows, serverCpuMicrosPerRequest: median(serverCpu) }
}

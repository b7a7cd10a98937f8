// Scenarios 2-6 (scenario 1 is overhead.mjs). Each client runs in a fresh process; the emulator
// server runs in a process of its own.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { loadavg } from "node:os"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { cpuCount, median, nodeCommand, rootDir, runChild, startServer } from "../lib/util.mjs"

const lib = (name) => fileURLToPath(new URL(`../lib/${name}`, import.meta.url))
const serverCpu = cpuCount - 1

const withEmulator = async (options, f) => {
  const [cmd, args] = nodeCommand(lib("emulator-server.mjs"), [JSON.stringify(options)], serverCpu)
  const server = await startServer(cmd, args)
  try {
    return await f(server.info.baseUrl)
  } finally {
    await server.stop()
  }
}

const client = (script, args) => {
  const [cmd, a] = nodeCommand(lib(script), args, 0)
  return runChild(cmd, a)
}

// The burst runs against hour-long tokens (a 2 s token can expire during a 1,000-request burst,
// which would rightly cost a second token request); the steady run against short ones.
export const tokenTraffic = async ({ burst, lifetimes, expiresIn }) => {
  const first = await withEmulator(
    { tokenExpiresIn: 3600, seedUsers: 1 },
    (baseUrl) => client("token-client.mjs", [baseUrl, String(burst), "0"])
  )
  const steady = await withEmulator(
    { tokenExpiresIn: expiresIn, seedUsers: 1 },
    (baseUrl) => client("token-client.mjs", [baseUrl, "0", String(lifetimes * expiresIn)])
  )
  return { ...steady, burst: first.burst, burstTokenRequests: first.burstTokenRequests, burst401: first.burst401 }
}

export const provisioning = async ({ nGuide, nHr, timeScale }) => {
  const rateLimits = { enabled: true, timeScale, limits: { scim: 200, oauth: 200, bulk: 5 } }
  const guide = await withEmulator(
    { rateLimits },
    (baseUrl) => client("provision-client.mjs", ["guide", baseUrl, String(nGuide), String(timeScale)])
  )
  const hr = await withEmulator(
    { rateLimits },
    (baseUrl) => client("provision-client.mjs", ["hr", baseUrl, String(nHr), String(timeScale)])
  )
  // The best possible under the limits: the Bulk lane (5 requests a minute, 100 operations each,
  // of which 3 are role-group PATCHes: 97 employees) plus the SCIM lane (200 requests a minute,
  // 2 per employee: create the user, add them to the group).
  const bound = 5 * 97 + 200 / 2
  return {
    guide,
    hr,
    bound,
    shareOfBound: hr.perBudgetMinute / bound,
    vsGuide: hr.perBudgetMinute / guide.perBudgetMinute
  }
}

export const streaming = async ({ sizes }) => {
  const out = []
  for (const size of sizes) {
    out.push(await withEmulator({ seedUsers: size }, (baseUrl) => client("stream-client.mjs", [baseUrl, String(size)])))
  }
  return out
}

// Scenario 5: the in-process emulator's requests per second (emulator-speed.mjs, one fresh
// process), with the 1-minute load average before and after it (the machine may be shared).
export const emulatorSpeed = async ({ n, large }) => {
  const loadBefore = loadavg()[0]
  const result = await client("emulator-speed.mjs", [String(n), String(large)])
  return { ...result, load: [loadBefore, loadavg()[0]] }
}

const timeProcess = (command, args) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, ms: performance.now() - t0, out }))
  })

export const startup = async ({ runs }) => {
  const bin = `${rootDir}packages/cli/dist/bin.js`
  let help
  if (existsSync(bin)) {
    const times = []
    let code
    for (let i = 0; i < runs; i++) {
      const [cmd, args] = nodeCommand(bin, ["--help"], 0)
      const r = await timeProcess(cmd, args)
      times.push(r.ms)
      code = r.code
    }
    help = { available: true, ms: median(times), exitCode: code }
  } else {
    help = { available: false }
  }
  const [cmd, args] = nodeCommand(lib("fixed-server.mjs"), [], serverCpu)
  const server = await startServer(cmd, args)
  const first = []
  try {
    for (let i = 0; i < runs; i++) {
      const [c, a] = nodeCommand(lib("first-request.mjs"), [server.info.baseUrl], 0)
      const t0 = performance.now()
      const r = await runChild(c, a)
      first.push({ ...r, wallMs: performance.now() - t0 })
    }
  } finally {
    await server.stop()
  }
  const bare = []
  for (let i = 0; i < runs; i++) {
    const [c, a] = nodeCommand("-e", [""], 0)
    bare.push((await timeProcess(c, a)).ms)
  }
  return {
    help,
    bareNodeMs: median(bare),
    importedMs: median(first.map((r) => r.importedMs)),
    firstResponseMs: median(first.map((r) => r.firstResponseMs)),
    firstResponseWallMs: median(first.map((r) => r.wallMs)),
    rssMb: median(first.map((r) => r.rssMb))
  }
}

// Scenario 7: deadlines under a promise-callback-only load (deadline-load.mjs, both kinds of
// engine) and the CPU of the deadline alone (deadline-cost.mjs). Each in a fresh process.
export const deadlines = async ({ n, timeoutMillis, costN, rounds }) => {
  const load = []
  for (const mode of ["honored", "interrupt"]) {
    const script = [lib("deadline-load.mjs"), mode, String(n), String(timeoutMillis)]
    const [cmd, args] = nodeCommand("--expose-gc", script, 0)
    load.push(await runChild(cmd, args))
  }
  const cost = await client("deadline-cost.mjs", [String(costN), String(rounds)])
  return { timeoutMillis, load, cost }
}

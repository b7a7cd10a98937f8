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

const timeProcess = (command, args, env) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, ms: performance.now() - t0, out }))
  })

// Scenario 6. Every figure is from fresh processes on the client CPU, a round at a time (each
// round runs every measure once, so a burst of load hits all of them alike), medians of the
// rounds; a difference is the median of the differences paired by round.
const floorModules = ["effect/Schema", "@effect/platform/HttpClient"]
const engines = {
  lean: { label: "`@asgardeo-scim/undici`", modules: ["@asgardeo-scim/undici"] },
  platform: { label: "`@effect/platform-node/NodeHttpClient`", modules: ["@effect/platform-node/NodeHttpClient"] }
}

/** The command paths of the CLI (`users list`, `hr batch status`, ...), read from the COMMANDS section of its root help. */
export const commandPaths = (rootHelp) => {
  const lines = rootHelp.split("\n")
  const from = lines.indexOf("COMMANDS")
  const to = lines.findIndex((l, i) => i > from && /^[A-Z][A-Z ]+$/.test(l))
  return lines.slice(from + 1, to === -1 ? undefined : to).flatMap((l) => {
    const m = /^ {2}- ([a-z][a-z-]*(?: [a-z][a-z-]*){0,2})(?= |$)/.exec(l)
    return m === null ? [] : [m[1].split(" ")]
  })
}

const imported = (modules) => {
  const [cmd, args] = nodeCommand(lib("startup-import.mjs"), modules, 0)
  return runChild(cmd, args)
}

export const startup = async ({ runs }) => {
  const loadAtStart = loadavg()
  const bin = `${rootDir}packages/cli/dist/bin.js`
  const cliBuilt = existsSync(bin)
  // Plain text, as on a pipe: the paths come from the help @effect/cli renders.
  const noColor = { NO_COLOR: "1" }
  const paths = cliBuilt
    ? [[], ...commandPaths((await timeProcess(process.execPath, [bin, "--help"], noColor)).out)]
    : []
  const [cmd, args] = nodeCommand(lib("fixed-server.mjs"), [], serverCpu)
  const server = await startServer(cmd, args)
  const rounds = []
  try {
    for (let i = 0; i < runs; i++) {
      const round = { help: [] }
      const [c, a] = nodeCommand("-e", [""], 0)
      round.bare = await timeProcess(c, a)
      round.floor = await imported(floorModules)
      round.directory = await imported(["@asgardeo-scim/directory"])
      for (const [kind, engine] of Object.entries(engines)) {
        round[`engine-${kind}`] = await imported([...floorModules, ...engine.modules])
        const [fc, fa] = nodeCommand(lib("first-request.mjs"), [server.info.baseUrl, kind], 0)
        round[`first-${kind}`] = await runChild(fc, fa)
      }
      for (const path of paths) {
        const [hc, ha] = nodeCommand(bin, [...path, "--help"], 0)
        const r = await timeProcess(hc, ha, noColor)
        if (r.code !== 0) throw new Error(`asgardeo-scim ${path.join(" ")} --help exited with ${r.code}`)
        round.help.push(r.ms)
      }
      rounds.push(round)
    }
  } finally {
    await server.stop()
  }
  const med = (f) => median(rounds.map(f))
  const engineRows = Object.fromEntries(
    Object.entries(engines).map(([kind, engine]) => [kind, {
      label: engine.label,
      ms: med((r) => r[`engine-${kind}`].ms),
      cpuMs: med((r) => r[`engine-${kind}`].cpuMs),
      overFloorMs: med((r) => r[`engine-${kind}`].ms - r.floor.ms),
      overFloorCpuMs: med((r) => r[`engine-${kind}`].cpuMs - r.floor.cpuMs),
      firstMs: med((r) => r[`first-${kind}`].firstResponseMs),
      firstCpuMs: med((r) => r[`first-${kind}`].cpuMs),
      firstImportedMs: med((r) => r[`first-${kind}`].importedMs),
      // The first answered Users.get against the floor plus this engine's import, same round.
      firstOverFloorEngineMs: med((r) => r[`first-${kind}`].firstResponseMs - r[`engine-${kind}`].ms),
      firstOverFloorEngineCpuMs: med((r) => r[`first-${kind}`].cpuMs - r[`engine-${kind}`].cpuMs),
      rssMb: med((r) => r[`first-${kind}`].rssMb)
    }])
  )
  const help = paths.map((path, j) => ({ command: ["asgardeo-scim", ...path].join(" "), ms: med((r) => r.help[j]) }))
  const slowest = help.reduce((a, b) => (b.ms > a.ms ? b : a), help[0])
  return {
    runs,
    loadAtStart,
    loadAtEnd: loadavg(),
    bareNodeMs: med((r) => r.bare.ms),
    floor: { ms: med((r) => r.floor.ms), cpuMs: med((r) => r.floor.cpuMs) },
    directory: {
      ms: med((r) => r.directory.ms),
      cpuMs: med((r) => r.directory.cpuMs),
      overFloorMs: med((r) => r.directory.ms - r.floor.ms),
      overFloorCpuMs: med((r) => r.directory.cpuMs - r.floor.cpuMs)
    },
    engines: engineRows,
    help: cliBuilt
      ? { available: true, count: help.length, medianMs: median(help.map((h) => h.ms)), max: slowest, all: help }
      : { available: false }
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

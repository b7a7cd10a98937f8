// Shared helpers of the harness: child processes (pinned with taskset when it exists), their
// JSON results, medians and ratios.
import { spawn, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export const benchDir = fileURLToPath(new URL("..", import.meta.url))
export const rootDir = fileURLToPath(new URL("../..", import.meta.url))

export const hasTaskset = spawnSync("sh", ["-c", "command -v taskset"]).status === 0
export const cpuCount = (await import("node:os")).availableParallelism()

/** `[command, args]` for `node <script> ...args`, pinned to `cpu` when possible. */
export const nodeCommand = (script, args = [], cpu) =>
  hasTaskset && cpu !== undefined && cpuCount > 1
    ? ["taskset", ["-c", String(cpu), process.execPath, script, ...args]]
    : [process.execPath, [script, ...args]]

/**
 * Runs a child to completion. The child prints one JSON line starting with `RESULT ` on stdout;
 * its parsed value is returned. Fails with the child's stderr otherwise.
 */
export const runChild = (command, args, { env, timeoutMs = 600_000 } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (d) => (out += d))
    child.stderr.on("data", (d) => (err += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("close", (code) => {
      clearTimeout(timer)
      const line = out.split("\n").find((l) => l.startsWith("RESULT "))
      if (code === 0 && line !== undefined) return resolve(JSON.parse(line.slice(7)))
      reject(new Error(`${command} ${args.join(" ")} exited with ${code}\n${err.slice(-4000)}\n${out.slice(-2000)}`))
    })
  })

/** Starts a long-running child that prints `READY <json>` once listening; returns it and that JSON. */
export const startServer = (command, args, { env } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    let ready = false
    child.stderr.on("data", (d) => (err += d))
    child.stdout.on("data", (d) => {
      out += d
      const line = out.split("\n").find((l) => l.startsWith("READY "))
      if (!ready && line !== undefined) {
        ready = true
        resolve({ child, info: JSON.parse(line.slice(6)), stop: () => stop(child) })
      }
    })
    child.on("close", (code) => {
      if (!ready) reject(new Error(`server exited with ${code}\n${err.slice(-4000)}`))
    })
  })

const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("close", () => resolve())
    child.kill("SIGTERM")
  })

/** Prints the child's result for `runChild`. */
export const report = (value) => {
  process.stdout.write(`RESULT ${JSON.stringify(value)}\n`)
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export const min = (xs) => Math.min(...xs)
export const max = (xs) => Math.max(...xs)

/** Peak RSS of this process in MB (`maxRSS` is in KB). */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024

export const fmt = (x, digits = 0) =>
  x === undefined || Number.isNaN(x)
    ? "–"
    : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

export const getJson = async (url, init) => {
  const res = await fetch(url, init)
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`)
  return res.json()
}

// Scenario 6: a fresh process imports the modules named on its command line (all at once, as
// static imports would) and reports the time from process start until they are evaluated. It
// imports nothing else (not even util.mjs, whose taskset probe would count).
import { performance } from "node:perf_hooks"

await Promise.all(process.argv.slice(2).map((specifier) => import(specifier)))
const ms = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`RESULT ${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`)

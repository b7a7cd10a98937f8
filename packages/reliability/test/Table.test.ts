// RELIABILITY.md's table is kept true: every case id in it exists in the suites and vice versa.
// With RELIABILITY_WRITE_TABLE=1 (`pnpm reliability:table`, after a run) the table is regenerated
// from the observations in .results/.
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { allCases } from "./support/catalog.js"
import { hostileCases } from "./support/hostile.js"
import type { Observation } from "./support/results.js"
import { resultsDir } from "./support/results.js"

const mdPath = fileURLToPath(new URL("../../../RELIABILITY.md", import.meta.url))
const start = "<!-- table:start -->"
const end = "<!-- table:end -->"

const tableIds = (md: string): Array<string> => {
  const section = md.slice(md.indexOf(start), md.indexOf(end))
  return [...section.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]!)
}

const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

const render = (observations: ReadonlyMap<string, Observation>): string => {
  const rows = allCases.map((c) => {
    const o = observations.get(c.id)
    return `| \`${c.id}\` | ${escape(c.what)} | ${o?.count ?? "not run"} | ${escape(o?.outcome ?? "-")} | ${
      escape(c.guarantee)
    } |`
  })
  return [
    start,
    "| case | fault or input | tried | outcome | guaranteed by |",
    "| --- | --- | ---: | --- | --- |",
    ...rows,
    end
  ].join("\n")
}

const write = process.env.RELIABILITY_WRITE_TABLE === "1"

describe("RELIABILITY.md", () => {
  it.skipIf(write)("lists exactly the cases of the suites, each observed by a test", () => {
    const ids = allCases.map((c) => c.id)
    assert.strictEqual(new Set(ids).size, ids.length, "case ids are unique")
    assert.isAtLeast(hostileCases.length, 30)
    // Every suite of the folder: a case not observed by name is observed through its list
    // (the hostile cases, run one test each from support/hostile.ts).
    const dir = fileURLToPath(new URL("./", import.meta.url))
    const sources = readdirSync(dir).filter((f) => f.endsWith(".test.ts") && f !== "Table.test.ts").map((f) =>
      readFileSync(`${dir}${f}`, "utf8")
    ).join("\n")
    const hostileIds = new Set(hostileCases.map((c) => c.id))
    for (const c of allCases.filter((c) => !hostileIds.has(c.id))) {
      assert.include(sources, `"${c.id}"`, `${c.id} is observed by a suite`)
    }
    const md = readFileSync(mdPath, "utf8")
    assert.deepStrictEqual([...tableIds(md)].sort(), [...ids].sort(), "the table's ids are the suites' ids")
  })

  it.runIf(write)("regenerates the table from .results", () => {
    assert.isTrue(existsSync(resultsDir), "run the suites first")
    const observations = new Map<string, Observation>()
    for (const file of readdirSync(resultsDir).filter((f) => f.endsWith(".json"))) {
      const json = JSON.parse(readFileSync(`${resultsDir}${file}`, "utf8")) as { observations: Array<Observation> }
      for (const o of json.observations) observations.set(o.id, o)
    }
    const md = readFileSync(mdPath, "utf8")
    const next = md.slice(0, md.indexOf(start)) + render(observations) + md.slice(md.indexOf(end) + end.length)
    writeFileSync(mdPath, next)
    assert.deepStrictEqual([...tableIds(next)].sort(), allCases.map((c) => c.id).sort())
  })
})

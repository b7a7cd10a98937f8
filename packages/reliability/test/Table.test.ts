// RELIABILITY.md's table is kept true. Each suite observes its own cases (support/catalog.ts
// `suiteCases`), and its recorder fails the suite when a full run of the file did not try one of
// them (support/results.ts `finish`). This file checks that the suites together cover exactly the
// catalog, that every suite is a file of this folder that records and finishes, and that the
// table lists exactly the catalog. With RELIABILITY_WRITE_TABLE=1 (`pnpm reliability:table`,
// after a run) the table is regenerated from the observations in .results/.
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { allCases, suiteCases } from "./support/catalog.js"
import { hostileCases } from "./support/hostile.js"
import type { Observation } from "./support/results.js"
import { ranAndPassed, resultsDir, untried } from "./support/results.js"

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

const fileOf = (suite: string) => `${suite.charAt(0).toUpperCase()}${suite.slice(1)}.test.ts`

describe("RELIABILITY.md", () => {
  it.skipIf(write)("the suites observe exactly the catalog's cases, and the table lists them", () => {
    const ids = allCases.map((c) => c.id)
    assert.strictEqual(new Set(ids).size, ids.length, "case ids are unique")
    assert.isAtLeast(hostileCases.length, 30)
    // Each case belongs to exactly one suite, and the suites hold nothing else.
    const bySuites = Object.values(suiteCases).flatMap((cases) => cases.map((c) => c.id))
    assert.deepStrictEqual([...bySuites].sort(), [...ids].sort(), "the suites' cases are the catalog")
    // Each suite is a file of this folder that records its cases and checks them when it ends.
    const here = fileURLToPath(new URL("./", import.meta.url))
    for (const suite of Object.keys(suiteCases)) {
      const path = `${here}${fileOf(suite)}`
      assert.isTrue(existsSync(path), `${fileOf(suite)} exists`)
      const source = readFileSync(path, "utf8")
      assert.include(source, `recorder("${suite}")`, `${fileOf(suite)} records the ${suite} cases`)
      assert.match(source, /afterAll\(\(file\) => [^]*results\.finish\(file\)/, `${fileOf(suite)} finishes`)
    }
    // Every suite file of this folder is one of them.
    const files = readdirSync(here).filter((f) => f.endsWith(".test.ts") && f !== "Table.test.ts")
    assert.deepStrictEqual(files.sort(), Object.keys(suiteCases).map(fileOf).sort())
    const md = readFileSync(mdPath, "utf8")
    assert.deepStrictEqual([...tableIds(md)].sort(), [...ids].sort(), "the table's ids are the suites' ids")
  })

  it.skipIf(write)(
    "the check a suite makes when it ends: an untried case fails it; a partial run is not judged",
    () => {
      const observed = new Map<string, Observation>([
        ["a", { id: "a", count: 2, outcome: "ok" }],
        ["b", { id: "b", count: 0, outcome: "never injected" }]
      ])
      assert.deepStrictEqual(untried([{ id: "a" }, { id: "b" }, { id: "c" }], observed), ["b", "c"])
      const test = (mode: string, state: string | undefined) => ({
        type: "test",
        mode,
        result: state === undefined ? undefined : { state }
      })
      const file = (...tests: Array<ReturnType<typeof test>>) =>
        ({
          type: "suite",
          mode: "run",
          tasks: [{ type: "suite", mode: "run", tasks: tests }]
        }) as unknown as Parameters<
          typeof ranAndPassed
        >[0]
      assert.isTrue(ranAndPassed(file(test("run", "pass"), test("run", "pass"))))
      assert.isFalse(ranAndPassed(file(test("run", "pass"), test("skip", undefined))), "filtered with -t")
      assert.isFalse(ranAndPassed(file(test("run", "pass"), test("run", "fail"))), "a test failed")
      assert.isFalse(ranAndPassed(file()), "no test")
    }
  )

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

// Observations the suites make (case id, how many times it was tried, the outcome), written to
// packages/reliability/.results/<suite>.json; `pnpm reliability:table` turns them into the table
// of RELIABILITY.md, and Table.test.ts checks the table against the case catalog.
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

export interface Observation {
  readonly id: string
  /** How many times the fault or input was tried (faults injected, cases run). */
  readonly count: number
  readonly outcome: string
}

export const resultsDir = fileURLToPath(new URL("../../.results/", import.meta.url))

export const recorder = (suite: string) => {
  const observations = new Map<string, Observation>()
  return {
    observe: (id: string, count: number, outcome: string) => {
      const previous = observations.get(id)
      observations.set(id, {
        id,
        count: (previous?.count ?? 0) + count,
        outcome: previous === undefined || previous.outcome === outcome ? outcome : `${previous.outcome}; ${outcome}`
      })
    },
    flush: () => {
      mkdirSync(resultsDir, { recursive: true })
      writeFileSync(
        `${resultsDir}${suite}.json`,
        JSON.stringify(
          {
            suite,
            env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("CHAOS_"))),
            observations: [...observations.values()]
          },
          null,
          2
        ) + "\n"
      )
    }
  }
}

// Observations the suites make (case id, how many times it was tried, the outcome), written to
// packages/reliability/.results/<suite>.json; `pnpm reliability:table` turns them into the table
// of RELIABILITY.md. A suite's recorder accepts only the suite's own cases (support/catalog.ts
// `suiteCases`), and `finish`, its `afterAll`, fails the suite when a run of the whole file left
// one of them untried: a case in the table is a case some test really ran.
import type { afterAll } from "@effect/vitest"
import { assert } from "@effect/vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { SuiteName } from "./catalog.js"
import { suiteCases } from "./catalog.js"

export interface Observation {
  readonly id: string
  /** How many times the fault or input was tried (faults injected, cases run). */
  readonly count: number
  readonly outcome: string
}

export const resultsDir = fileURLToPath(new URL("../../.results/", import.meta.url))

/** What vitest hands an `afterAll` hook: the file (or suite) whose tests ran. */
export type Finished = Parameters<Parameters<typeof afterAll>[0]>[0]

interface TaskLike {
  readonly type: string
  readonly mode: string
  readonly result?: { readonly state: string } | undefined
  readonly tasks?: ReadonlyArray<TaskLike> | undefined
}

const testsOf = (task: TaskLike): Array<TaskLike> => task.type === "test" ? [task] : (task.tasks ?? []).flatMap(testsOf)

/**
 * Every test of the file ran and passed. A filtered run (`-t`, `.only`) or a failed test already
 * says what is wrong; the untried cases are then not reported on top of it.
 */
export const ranAndPassed = (finished: Finished): boolean => {
  const tests = testsOf(finished as TaskLike)
  return tests.length > 0 && tests.every((t) => t.mode === "run" && t.result?.state === "pass")
}

/** The cases of `cases` not tried at least once: none observed, or observed with a count of 0. */
export const untried = (
  cases: ReadonlyArray<{ readonly id: string }>,
  observations: ReadonlyMap<string, Observation>
): Array<string> => cases.filter((c) => !((observations.get(c.id)?.count ?? 0) > 0)).map((c) => c.id)

export const recorder = (suite: SuiteName) => {
  const cases: ReadonlyArray<{ readonly id: string }> = suiteCases[suite]
  const known = new Set(cases.map((c) => c.id))
  const observations = new Map<string, Observation>()
  const flush = () => {
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
  return {
    observe: (id: string, count: number, outcome: string) => {
      if (!known.has(id)) throw new Error(`${JSON.stringify(id)} is not a case of the ${suite} suite (catalog.ts)`)
      const previous = observations.get(id)
      observations.set(id, {
        id,
        count: (previous?.count ?? 0) + count,
        outcome: previous === undefined || previous.outcome === outcome ? outcome : `${previous.outcome}; ${outcome}`
      })
    },
    flush,
    /**
     * For the file's `afterAll`: writes the observations, then, when every test of the file ran
     * and passed, fails unless each of the suite's cases was tried at least once.
     */
    finish: (finished: Finished) => {
      flush()
      if (!ranAndPassed(finished)) return
      assert.deepStrictEqual(
        untried(cases, observations),
        [],
        `cases of the ${suite} suite that this run did not try (a test that no longer observes its case, ` +
          "or a fault the CHAOS_* settings never injected)"
      )
    }
  }
}

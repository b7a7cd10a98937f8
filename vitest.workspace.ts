import type { TestProjectConfiguration } from "vitest/config"

// The list of test projects. vitest.config.ts imports it into `test.projects`; with
// `test.projects` set, Vitest 3.2 does not look for a workspace file by itself, so it prints no
// deprecation warning.
const projects: Array<TestProjectConfiguration> = ["packages/*", "bench"]

export default projects

// The CLI's cases: secrets given as flags, and machine output that stays machine-readable.
// Observed by Cli.test.ts.
import type { CaseInfo } from "./catalog.js"

export const cliCases: ReadonlyArray<CaseInfo> = [
  {
    id: "cli.secret-flag-warning",
    what: "--client-secret and --password on the command line (as `--flag value` and `--flag=value`)",
    guarantee: "Flags.secretFlagWarnings: one warning on stderr naming the variable; the secret is never printed"
  },
  {
    id: "cli.json-stdout-debug",
    what: "--json at --log-level debug while the server answers 503 (the retry is logged)",
    guarantee: "Cli.run sends every log line to stderr (Io.log); stdout is exactly one JSON document"
  }
]

// The batch error-policy cases (Batch.test.ts): scopes checked before a batch's first write, and a
// fatal error met midway that ends the batch once the employees in flight have their line.
import type { CaseInfo } from "./catalog.js"

export const batchCases: ReadonlyArray<CaseInfo> = [
  {
    id: "batch.scope-precheck",
    what: "onboardMany with an app lacking internal_group_mgt_update (Bulk on and off)",
    guarantee: "every scope the batch can need checked against the token before its first write: MissingScopes"
  },
  {
    id: "batch.bulk-scope-precheck",
    what: "onboardMany with bulk: true, then \"auto\", for an app lacking the Bulk scopes",
    guarantee: "true: MissingScopes naming the Bulk scopes before any write; \"auto\": the Bulk lane off"
  },
  {
    id: "batch.fatal-midway",
    what: "403 on every group PATCH from the 5th result on, Bulk and single lanes at once",
    guarantee: "first fatal error stops every lane; in-flight employees finish with their line; BatchAborted"
  },
  {
    id: "batch.resume-after-fatal",
    what: "re-run of the stopped batch with Report.doneIds of its report, the 403 gone",
    guarantee: "done employees skipped, partial ones completed (Users.ensure, role group), state exact"
  }
]

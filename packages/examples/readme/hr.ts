import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, Report, RoleMapping } from "@asgardeo-scim/hr"
import { Effect, Layer, Stream } from "effect"

// HR on top of the directory: role groups HR-Admins, HR-Managers, Employees by default.
export const HrLive = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()), // or RoleMapping.layer({ admin: "Admins", ... }): checked, InvalidRoleMapping
  Layer.provideMerge(Directory.layer)
)

export const program = Effect.gen(function*() {
  // The service typed by the configured roles: role "ceo" or a misspelt field does not compile.
  const hr = yield* HrDirectory.typed(RoleMapping.defaultMapping)
  yield* hr.ensureRoleGroups // idempotent
  const kim = yield* hr.onboardEmployee({
    employeeId: "E1001",
    email: "kim@example.com",
    firstName: "Kim",
    lastName: "Lee",
    department: "Engineering",
    role: "employee"
  }) // an invitation, enterprise employeeNumber and department, the Employees group; safe to re-run
  yield* hr.changeRole(kim.userId, "hr_manager") // joins HR-Managers before leaving Employees
  yield* hr.offboard(kim.userId) // deactivates and leaves every role group

  // Batches: one concurrency bound over SCIM Bulk and single requests, one result per employee, resumable.
  const lines: Array<string> = []
  yield* hr.onboardMany([
    {
      employeeId: "E1002",
      email: "sam@example.com",
      firstName: "Sam",
      lastName: "Roe",
      department: "Ops",
      role: "admin"
    }
  ], { concurrency: 8, skip: Report.doneIds(Report.parse("")) }).pipe(
    Stream.runForEach((result) => Effect.sync(() => lines.push(Report.encodeLine(result.line))))
  )
  return lines // append these to a .jsonl report; Report.parse + Report.doneIds resume from it
})

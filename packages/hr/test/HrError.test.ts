// Every HR error class, pinned: its tag, its namespaced identifier, its fields, its message, the
// guard, and a Schema round trip that gives back an instance of the same class with the same message.
import { HrError } from "@asgardeo-scim/hr"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"

const classes: ReadonlyArray<readonly [string, Record<string, unknown>, string, ReadonlyArray<string>]> = [
  [
    "UnknownRole",
    { "role": "pilot", "known": ["admin", "staff"] },
    "Unknown role \"pilot\"; known roles: admin, staff",
    ["_tag", "role", "known"]
  ],
  [
    "InvalidEmployee",
    { "field": "email", "reason": "not an email" },
    "Invalid employee: email: not an email",
    ["_tag", "employeeId", "field", "reason"]
  ],
  [
    "InvalidEmployee",
    { "employeeId": "E1", "field": "email", "reason": "not an email" },
    "Invalid employee E1: email: not an email",
    ["_tag", "employeeId", "field", "reason"]
  ],
  [
    "EmployeeConflict",
    { "employeeId": "E1", "userName": "kim", "userId": "u1", "existingEmployeeNumber": "E2" },
    "kim already exists for employee E2, not E1: left untouched",
    ["_tag", "employeeId", "userName", "userId", "existingEmployeeNumber"]
  ],
  [
    "Incomplete",
    {
      "operation": "changeRole",
      "userId": "u1",
      "completed": ["a"],
      "pending": ["b", "c"],
      "causeTag": "ServerError",
      "reason": "500"
    },
    "changeRole of u1 is incomplete: done [a], not done [b; c] (ServerError: 500). Run it again to complete it",
    ["_tag", "operation", "userId", "userName", "employeeId", "completed", "pending", "causeTag", "reason"]
  ],
  [
    "Incomplete",
    {
      "operation": "offboard",
      "userId": "u1",
      "userName": "kim",
      "employeeId": "E1",
      "completed": [],
      "pending": ["b"],
      "causeTag": "ServerError",
      "reason": "500"
    },
    "offboard of kim is incomplete: done [], not done [b] (ServerError: 500). Run it again to complete it",
    ["_tag", "operation", "userId", "userName", "employeeId", "completed", "pending", "causeTag", "reason"]
  ],
  [
    "MissingScopes",
    { "operation": "HrDirectory.onboardMany", "scopes": ["internal_user_mgt_create"], "granted": [] },
    "HrDirectory.onboardMany needs the scope internal_user_mgt_create (SCIM2 Users API), which the token was not granted; nothing was sent. Authorize it on the application's API Authorization tab in the Asgardeo console",
    ["_tag", "operation", "scopes", "granted"]
  ],
  [
    "MissingScopes",
    {
      "operation": "HrDirectory.onboardMany",
      "scopes": ["internal_user_mgt_create", "internal_group_mgt_update"],
      "granted": ["x"]
    },
    "HrDirectory.onboardMany needs the scopes internal_user_mgt_create (SCIM2 Users API), internal_group_mgt_update (SCIM2 Groups API), which the token was not granted; nothing was sent. Authorize them on the application's API Authorization tab in the Asgardeo console",
    ["_tag", "operation", "scopes", "granted"]
  ],
  [
    "BatchAborted",
    { "causeTag": "Forbidden", "reason": "no", "processed": 3, "done": 2 },
    "The batch stopped on Forbidden: no. 3 employee(s) processed (2 done), none started after. Fix the cause, then run the batch again with this run's report: done employees are skipped, partial ones completed",
    ["_tag", "causeTag", "reason", "processed", "done"]
  ],
  [
    "InvalidRoleMapping",
    { "reason": "empty" },
    "Invalid role mapping: empty",
    ["_tag", "role", "reason"]
  ],
  [
    "InvalidRoleMapping",
    { "role": "admin", "reason": "two roles on one group" },
    "Invalid role mapping (role \"admin\"): two roles on one group",
    ["_tag", "role", "reason"]
  ],
  [
    "MissingRole",
    { "role": "admin", "displayName": "HR Admin" },
    "The Asgardeo role \"HR Admin\" of HR role \"admin\" does not exist in any audience: create it in the Asgardeo console (User Management > Roles), or build the layer with ensure: true to create the missing roles (without permissions)",
    ["_tag", "role", "displayName", "audienceType", "audienceValue"]
  ],
  [
    "MissingRole",
    { "role": "employee", "displayName": "Employee", "audienceType": "application", "audienceValue": "app-1" },
    "The Asgardeo role \"Employee\" of HR role \"employee\" does not exist in the application audience app-1: create it in the Asgardeo console (User Management > Roles), or build the layer with ensure: true to create the missing roles (without permissions)",
    ["_tag", "role", "displayName", "audienceType", "audienceValue"]
  ]
]

describe("every HR error class", () => {
  it("keeps its tag, identifier, fields, message, guard and Schema round trip", () => {
    const all: Record<string, unknown> = HrError
    for (const [name, props, message, fields] of classes) {
      const Class = all[name] as any
      const error = new Class(props)
      assert.strictEqual(error._tag, name)
      assert.strictEqual(Class.identifier, `@asgardeo-scim/hr/HrError/${name}`)
      assert.deepStrictEqual(Object.keys(Class.fields), fields)
      assert.strictEqual(error.message, message)
      assert.isTrue(HrError.isHrError(error))
      assert.strictEqual(error[HrError.TypeId], HrError.TypeId)
      assert.instanceOf(error, Error)
      const encoded = Schema.encodeSync(Class)(error)
      assert.deepStrictEqual(encoded, { _tag: name, ...props })
      const decoded = Schema.decodeUnknownSync(Class)(encoded) as Error
      assert.strictEqual(decoded.message, message)
      assert.instanceOf(decoded, Class)
    }
    assert.isFalse(HrError.isHrError(new Error("x")))
  })
})

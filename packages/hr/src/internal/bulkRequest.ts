/**
 * One Bulk request of a batch: the users of a chunk of employees created, and (role groups mode)
 * each role group given its new members, in one request. It only says what it did for each
 * employee (`Known`): the per-employee step does the rest (a user Bulk could not create, a group
 * add that failed, an Asgardeo role to assign, the department group), as it does for every
 * employee.
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Employee from "../Employee.js"
import type { RoleGroup } from "../RoleGroups.js"
import type { Dialect } from "./dialect.js"
import type { Known } from "./employeeStep.js"

/** @internal */
export interface Planned {
  readonly index: number
  readonly raw: unknown
  readonly employee: Employee.Employee
}

/**
 * What is left for the step: everything (`known` undefined), or what follows a known state.
 *
 * @internal
 */
export interface ToSettle {
  readonly index: number
  readonly raw: unknown
  readonly known: Known | undefined
}

/** @internal */
export interface Sent {
  /** Bulk was refused (not authorized, not offered): the batch carries on with single requests. */
  readonly refused: boolean
  readonly settle: ReadonlyArray<ToSettle>
}

/** The tags of a Bulk request refused as such: single requests may still work. */
const refusals: ReadonlySet<string> = new Set(["MissingScope", "Forbidden", "NotImplemented", "Unsupported"])

/** @internal */
export const send = (
  bulk: Bulk.Service,
  dialect: Dialect,
  toNewUser: (employee: Employee.Employee) => User.NewUser,
  /** The role groups to fill in the same request; `undefined`: users only (Asgardeo roles mode). */
  all: ReadonlyArray<RoleGroup> | undefined,
  chunk: ReadonlyArray<Planned>
): Effect.Effect<Sent> =>
  Effect.gen(function*() {
    const ready: Array<
      Planned & { readonly bulkId: string; readonly userName: string; readonly group: RoleGroup | undefined }
    > = []
    const ops: Array<Bulk.Operation> = []
    for (const c of chunk) {
      const prepared = Users.prepareCreate(
        dialect.target,
        toNewUser(c.employee),
        "HrDirectory.onboardMany",
        dialect.defaultUserStore
      )
      const group = all?.find((g) => g.role === c.employee.role)
      if (Either.isRight(prepared) && (all === undefined || group !== undefined)) {
        const bulkId = `u${c.index}`
        ready.push({ ...c, bulkId, userName: prepared.right.userName, group })
        ops.push(Bulk.create("Users", bulkId, prepared.right.body))
      }
    }
    const groupOps = new Map<string, string>()
    for (const group of all ?? []) {
      const members = ready.filter((p) => p.group?.id === group.id)
      if (members.length === 0) continue
      const bulkId = `g${chunk[0]!.index}-${group.role}`
      groupOps.set(group.id, bulkId)
      ops.push(
        Bulk.patch("Groups", group.id, [
          Patch.addMembers(members.map((m) => ({ value: Bulk.ref(m.bulkId), display: m.userName })))
        ], bulkId)
      )
    }
    const everything = chunk.map((c): ToSettle => ({ index: c.index, raw: c.raw, known: undefined }))
    if (ops.length === 0) return { refused: false, settle: everything }
    const outcome = yield* Effect.either(bulk.execute(ops))
    // The whole request failed or its answer was lost: the step settles each employee on its own.
    if (Either.isLeft(outcome)) return { refused: refusals.has(outcome.left._tag), settle: everything }
    const byBulkId = outcome.right.byBulkId
    const readyByIndex = new Map(ready.map((r) => [r.index, r]))
    const settle = chunk.map((c): ToSettle => {
      const p = readyByIndex.get(c.index)
      const userOp = p === undefined ? undefined : byBulkId.get(p.bulkId)
      if (p === undefined || userOp?.ok !== true || userOp.id === undefined) {
        return { index: c.index, raw: c.raw, known: undefined }
      }
      const placed = p.group !== undefined && byBulkId.get(groupOps.get(p.group.id) ?? "")?.ok === true
      return {
        index: c.index,
        raw: c.raw,
        known: {
          employee: p.employee,
          user: { id: userOp.id, userName: p.userName, groups: [] },
          created: true,
          placed
        }
      }
    })
    return { refused: false, settle }
  })

/**
 * The rule for an HR role's name, shared by both mappings (`RoleMapping`'s role groups and
 * `AsgardeoRoles`): not empty, no surrounding white space, no control characters, at most
 * `maxRoleLength` characters (as `Employee.role`).
 *
 * @internal
 */
import * as Validation from "@asgardeo-scim/core/Validation"

/** The longest role name (as `Employee.role`). @internal */
export const maxRoleLength = 64

/** What is wrong with a role name, if anything. @internal */
export const roleProblem = (role: string): string | undefined =>
  role.trim() === ""
    ? "a role must not be empty"
    : role.trim() !== role
    ? "a role must not begin or end with white space"
    : Validation.hasControlCharacter(role)
    ? "a role must not contain control characters"
    : role.length > maxRoleLength
    ? `a role must be at most ${maxRoleLength} characters`
    : undefined

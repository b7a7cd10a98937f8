/**
 * Group names and user stores: on Asgardeo what precedes the first `/` of a group name is read
 * as a user store, so a new name carries none (the store is the `domain` option) and a name as
 * the server writes it (`PARTNERS/Team`) must name a valid store. Elsewhere `/` is ordinary.
 *
 * @internal
 */
import type * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Either from "effect/Either"
import { invalid, writtenValueOf } from "./common.js"

/** A name to create or rename to: on Asgardeo a `/` would be read as a user-store prefix. @internal */
export const refuseSlash = (
  hasStores: boolean,
  operation: string,
  field: string,
  name: string,
  hint: string
): Either.Either<string, ScimError.InvalidInput> =>
  hasStores && name.includes("/")
    ? Either.left(invalid(operation, field, `on Asgardeo a '/' is read as a user-store prefix: ${hint}`))
    : Either.right(name)

/** A name as the server writes it (replace, patch): on Asgardeo what precedes `/` is the store. @internal */
export const checkStore = (
  hasStores: boolean,
  operation: string,
  field: string,
  name: string
): Either.Either<string, ScimError.InvalidInput> => {
  const { domain } = Validation.splitDomain(name)
  return hasStores && domain !== undefined && !Validation.isUserStoreDomain(domain)
    ? Either.left(
      invalid(
        operation,
        field,
        "on Asgardeo the part before '/' is the user store (letters, digits, '.', '_' or '-'): " +
          "a '/' cannot be part of a group name"
      )
    )
    : Either.right(name)
}

/** The store of a new group: Asgardeo-only, a valid user-store domain, upper-cased. @internal */
export const checkDomain = (
  hasStores: boolean,
  operation: string,
  domain: unknown
): Either.Either<string | undefined, ScimError.InvalidInput> => {
  if (domain === undefined) return Either.right(undefined)
  if (!hasStores) return Either.left(invalid(operation, "domain", "domain (a user store) is an Asgardeo-only option"))
  if (typeof domain !== "string" || !Validation.isUserStoreDomain(domain)) {
    return Either.left(
      invalid(
        operation,
        "domain",
        `a user store domain is letters, digits, '.', '_' or '-', at most ${Validation.maxDomainLength}`
      )
    )
  }
  return Either.right(domain.toUpperCase())
}

/** A group to create from a name that may carry its store (`PARTNERS/Team` on Asgardeo). @internal */
export const fromQualifiedName = (
  hasStores: boolean,
  name: string
): { readonly displayName: string; readonly domain?: string } => {
  if (!hasStores || typeof name !== "string") return { displayName: name }
  const qualified = Validation.splitDomain(name.trim())
  return qualified.domain === undefined
    ? { displayName: name }
    : { displayName: qualified.name, domain: qualified.domain }
}

/** The name a rename sends: the new name in the group's current store (bare in DEFAULT). @internal */
export const inStoreOf = (current: string, name: string): string => {
  const { domain } = Validation.splitDomain(current)
  return domain === undefined || Validation.sameDomain(domain, "DEFAULT") ? name : Validation.qualify(domain, name)
}

/** The displayName a PATCH operation writes, if any (path `displayName` or a path-less value). @internal */
export const displayNameOf = (op: Patch.PatchOperation): unknown => writtenValueOf(op, "displayname")

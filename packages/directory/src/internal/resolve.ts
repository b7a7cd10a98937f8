/**
 * Finding one user, one group or one role by name: the single rule every lookup by name follows
 * (`Users.findByUserName` and `ensure`, `Groups.findByName` and `ensureMember`, `Roles.findByName`
 * and `ensure`, and through them the CLI and the HR flows).
 *
 * On a target with user stores (`Target.userStores`: Asgardeo):
 * - a qualified name (`PARTNERS/kim@example.com`) matches only a resource of that store;
 * - a bare name means the configured default store (`defaultUserStore`, `DEFAULT` unless set);
 * - with `allStores`, every store is searched.
 * The request carries the store as the `domain` parameter, and the store of every name that comes
 * back is checked here all the same: a server that ignores `domain` never yields another store's
 * user. A name returned without prefix is in the primary store (`DEFAULT` on Asgardeo).
 *
 * On a target without stores (RFC 7644): a name matches exactly as given (ignoring
 * case, as RFC 7643's userName is caseExact false), and `/` is an ordinary character.
 *
 * Two matches are never resolved by a guess: they fail with `AmbiguousUser` / `AmbiguousGroup`
 * listing the candidates (even in one store, which only a broken server answers). A full page may
 * hide more: paging goes on while pages are full, so the answer never rests on a partial list.
 * The common case is one request.
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as internal from "./common.js"

/**
 * Options of a lookup by name.
 *
 * @internal
 */
export interface FindOptions {
  /** Search every user store (Asgardeo only); more than one match fails as ambiguous. */
  readonly allStores?: boolean | undefined
}

/**
 * A checked name to look up.
 *
 * @internal
 */
export interface Wanted {
  /** The name as asked (trimmed), for errors. */
  readonly asked: string
  /** The name to filter on: without its store on Asgardeo, as given elsewhere. */
  readonly name: string
  /** The target's primary store (a returned name without prefix is in it); `undefined`: no stores. */
  readonly primary: string | undefined
  /** The store a match must be in; `undefined` for every store (or a target without stores). */
  readonly store: string | undefined
  /** The `domain` parameter restricting the request to that store, where the server takes one. */
  readonly domain: string | undefined
}

const optionKeys = new Set(["allStores"])

/**
 * Checks a name and the lookup options against the target, before any request.
 *
 * @internal
 */
export const prepare = (
  operation: string,
  field: string,
  client: Pick<ScimClient.Service, "target" | "settings">,
  name: unknown,
  options: unknown,
  maxLength: number
): Either.Either<Wanted, ScimError.InvalidInput> => {
  const bad = (f: string, reason: string) => Either.left(internal.invalid(operation, f, reason))
  if (typeof name !== "string" || name.trim() === "") return bad(field, "must be a non-empty string")
  if (Validation.hasControlCharacter(name)) return bad(field, "must not contain control characters")
  if (options !== undefined && !internal.isRecord(options)) return bad("options", "the options must be an object")
  const o: Record<string, unknown> = options ?? {}
  for (const key of Object.keys(o)) {
    if (!optionKeys.has(key) && o[key] !== undefined) return bad(`options.${key}`, "unknown option")
  }
  if (o.allStores !== undefined && typeof o.allStores !== "boolean") {
    return bad("options.allStores", "expected a boolean")
  }
  const allStores = o.allStores === true
  const asked = name.trim()
  const stores = client.target.userStores
  if (stores === undefined) {
    if (allStores) {
      return bad("options.allStores", "allStores: this server has no user stores (an Asgardeo-only option)")
    }
    if (Validation.splitDomain(asked).domain?.toUpperCase() === ScimConfig.primaryUserStore) {
      return bad(field, "the DEFAULT/ user-store prefix is Asgardeo-only: leave it out")
    }
    if (asked.length > maxLength) return bad(field, `must be at most ${maxLength} characters`)
    return Either.right({ asked, name: asked, primary: undefined, store: undefined, domain: undefined })
  }
  const split = Validation.splitDomain(asked)
  if (split.domain !== undefined && !Validation.isUserStoreDomain(split.domain)) {
    return bad(
      field,
      `${JSON.stringify(split.domain.slice(0, 80))} is not a user-store domain (letters, digits, '.', '_' or '-')`
    )
  }
  if (split.name.trim() === "") return bad(field, "the name after the user-store domain must not be empty")
  if (split.name.length > maxLength) return bad(field, `must be at most ${maxLength} characters`)
  if (split.domain !== undefined && allStores) {
    return bad("options.allStores", "give a name qualified with its store or allStores, not both")
  }
  const store = allStores ? undefined : split.domain ?? client.settings.defaultUserStore ?? stores.primary
  return Either.right({
    asked,
    name: split.name,
    primary: stores.primary,
    store,
    domain: stores.domainParameter ? store : undefined
  })
}

/**
 * Two names equal without regard to case: their lower cases and their upper cases agree. Lower
 * case alone would make other names equal (the Kelvin sign `K` lower-cases to `k`, but stays
 * itself in upper case), and a lookup that compares names itself must never name another
 * person; `É`/`é` stay equal.
 */
const same = (a: string, b: string): boolean =>
  a.toLowerCase() === b.toLowerCase() && a.toUpperCase() === b.toUpperCase()

/**
 * Whether a name returned by the server is the one wanted (name ignoring case, both ways, and
 * the store).
 *
 * @internal
 */
export const matches = (wanted: Wanted, returned: string | undefined): boolean => {
  if (returned === undefined) return false
  if (wanted.primary === undefined) return same(returned, wanted.name)
  const r = Validation.splitDomain(returned)
  if (!same(r.name, wanted.name)) return false
  return wanted.store === undefined || Validation.sameDomain(r.domain ?? wanted.primary, wanted.store)
}

/**
 * The name to create a group under, so that a lookup of the same name finds it: on Asgardeo a
 * bare name whose default store is not the primary one (where the server puts a bare name) is
 * qualified with the default store; any other name is sent as given.
 *
 * @internal
 */
export const createName = (client: Pick<ScimClient.Service, "target" | "settings">, name: string): string => {
  const stores = client.target.userStores
  const store = client.settings.defaultUserStore
  return stores === undefined || store === undefined || Validation.splitDomain(name).domain !== undefined ||
      Validation.sameDomain(store, stores.primary)
    ? name
    : Validation.qualify(store, name)
}

/**
 * One page of a lookup: the filter, the store (`domain`), the 1-based start and the page size.
 *
 * @internal
 */
export interface PageRequest {
  /** `undefined`: the whole list, where the server does not filter. */
  readonly filter: Filter.Filter | undefined
  readonly domain: string | undefined
  readonly startIndex: number | undefined
  readonly count: number
}

/**
 * Looks a name up: `None`, the one match, or `ambiguous(candidates)` for two or more.
 *
 * Where the server does not filter (its configuration says `filter.supported` false, or a filter
 * by name answered 501 or 400 `invalidFilter`, now or in an earlier lookup), the lookup goes
 * without a filter (starting again after a refusal): it pages the whole list and matches every
 * name here, by the same rule, until an empty page or the reported total (a short page is no
 * end there) or a second match, within the request cap (`PagingAborted` past it, or on a page of
 * nothing new). Only a server without filtering (501, or its configuration) is remembered; a
 * 400 `invalidFilter` is taken for that name alone.
 *
 * @internal
 */
export const find = <A extends { readonly id: string }, E, X>(options: {
  readonly wanted: Wanted
  readonly attribute: "userName" | "displayName"
  readonly nameOf: (a: A) => string | undefined
  readonly path: string
  readonly pageSize: number
  readonly maxRequests: number
  readonly fetchPage: (request: PageRequest) => Effect.Effect<internal.ListResult<A>, E>
  readonly ambiguous: (candidates: ReadonlyArray<A>) => X
  /**
   * Filters the server applies with the name's (`and`): a role's audience. `nameOf` checks it on
   * every resource answered all the same (a server that ignores it never yields another's).
   */
  readonly refine?: ReadonlyArray<Filter.Filter> | undefined
  /**
   * Whether the server is known not to filter, which answers say so for this lookup (`refuses`),
   * which say so for good (`lacks`: remembered), and remembering it.
   */
  readonly unfiltered?: {
    readonly known: Effect.Effect<boolean>
    readonly refuses: (error: E) => boolean
    readonly lacks: (error: E) => boolean
    readonly remember: Effect.Effect<void>
  }
}): Effect.Effect<Option.Option<A>, E | X | ScimError.PagingAborted> =>
  Effect.gen(function*() {
    const { unfiltered, wanted } = options
    // Joined from the left (`a and b and c`), printed without parentheses.
    const byName = (options.refine ?? []).reduce<Filter.Filter>(
      (f, more) => Filter.and(f, more),
      Filter.eq(options.attribute, wanted.name)
    )
    let filter = unfiltered !== undefined && (yield* unfiltered.known) ? undefined : byName
    const domain = wanted.domain
    let seen = new Set<string>()
    let found: Array<A> = []
    let startIndex = 1
    let requests = 0
    let received = 0
    const aborted = (unfilteredReason: string, filteredReason: string) =>
      Effect.fail(
        new ScimError.PagingAborted({
          path: options.path,
          requests,
          resources: received,
          reason: `a lookup by ${options.attribute} ${filter === undefined ? unfilteredReason : filteredReason}`
        })
      )
    while (true) {
      if (requests >= options.maxRequests) {
        return yield* aborted(
          `on a server without filtering pages the whole list, and it was not done after ${requests} requests ` +
            "(raise maxPageRequests)",
          `still received full pages after ${requests} requests (the server may ignore the filter)`
        )
      }
      const request = { filter, domain, startIndex: startIndex === 1 ? undefined : startIndex, count: options.pageSize }
      const answer = yield* Effect.either(options.fetchPage(request))
      requests++
      if (Either.isLeft(answer)) {
        if (filter === undefined || unfiltered === undefined || !unfiltered.refuses(answer.left)) {
          return yield* Effect.fail(answer.left)
        }
        // The server does not filter (this name, or at all): start again on the whole list,
        // matching here; only a server without filtering (501) is remembered.
        if (unfiltered.lacks(answer.left)) yield* unfiltered.remember
        filter = undefined
        seen = new Set<string>()
        found = []
        startIndex = 1
        received = 0
        continue
      }
      const page = answer.right
      let fresh = 0
      for (const resource of page.resources) {
        if (seen.has(resource.id)) continue
        seen.add(resource.id)
        fresh++
        if (matches(wanted, options.nameOf(resource))) found.push(resource)
      }
      received += fresh
      // Two matches settle it (ambiguous).
      if (found.length >= 2) break
      if (filter !== undefined) {
        // Filtered: the matches are few, and a page that is not full ends them. A full page of
        // nothing new is a server that ignores the filter and startIndex: what it does not show
        // may hold another match, so neither "absent" nor the one match seen can be answered.
        if (page.resources.length < options.pageSize) break
      } else {
        // The whole list: servers cap pages (a short page is no end), so only an empty page or
        // the reported total ends it; a page of nothing new means the server ignores startIndex,
        // and a lookup that cannot see the whole list must not say "absent".
        if (page.resources.length === 0) break
      }
      if (fresh === 0) {
        return yield* aborted(
          "paging the whole list got a page of resources it had already seen (the server may ignore startIndex)",
          "got a full page of resources it had already seen (the server may ignore the filter and startIndex)"
        )
      }
      if (filter === undefined) {
        const total = page.totalResults
        if (total !== undefined && startIndex + page.resources.length > total) break
      }
      startIndex += page.resources.length
    }
    if (found.length >= 2) return yield* Effect.fail(options.ambiguous(found))
    return Option.fromNullable(found[0])
  })

import { Filter, FilterProfile } from "@asgardeo-scim/core"
import { InvalidFilter, UnsupportedFilter } from "@asgardeo-scim/core/ScimError"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"

describe("FilterProfile", () => {
  it("is what Filter re-exports", () => {
    assert.strictEqual(Filter.check, FilterProfile.check)
    assert.strictEqual(Filter.profiles, FilterProfile.profiles)
    assert.strictEqual(Filter.profileByName, FilterProfile.profileByName)
    const profile: Filter.Profile = FilterProfile.profileByName("asgardeoUsers")
    assert.strictEqual(profile.name, "asgardeoUsers")
  })

  it("check decodes first: what is not a filter is InvalidFilter, never a pass or a defect", () => {
    const eq = Filter.eq("userName", "kim")
    const notFilters: ReadonlyArray<unknown> = [42, null, {}, [], { _tag: "Nope" }, Filter.and(eq, 42 as never)]
    for (const profile of Object.values(FilterProfile.profiles)) {
      for (const value of notFilters) {
        const result = FilterProfile.check(value as Filter.Filter, profile)
        assert.isTrue(Either.isLeft(result) && result.left instanceof InvalidFilter, `${profile.name}`)
      }
      // A decoded copy on success (of an attribute the profile allows).
      const allowed = profile.attributes === undefined ? eq : Filter.eq(profile.attributes[0]!, "kim")
      const ok = FilterProfile.check(allowed, profile)
      assert.isTrue(Either.isRight(ok), profile.name)
      if (Either.isRight(ok)) {
        assert.deepStrictEqual(ok.right, allowed)
        assert.notStrictEqual(ok.right, allowed)
      }
    }
    const unsupported = FilterProfile.check(Filter.pr("title"), FilterProfile.profiles.asgardeoUsers)
    assert.isTrue(Either.isLeft(unsupported) && unsupported.left instanceof UnsupportedFilter)
  })

  it("asgardeoRoles: displayName, audience.value and audience.type only (any case), eq ne co sw ew, and", () => {
    const roles = FilterProfile.profiles.asgardeoRoles
    const accepted = [
      Filter.eq("displayName", "auditor"),
      Filter.and(Filter.sw("DisplayName", "aud"), Filter.eq("audience.value", "3645709f-ea8d-5595-7690-e1fa0efe3df9")),
      Filter.and(Filter.ne("audience.type", "application"), Filter.ew("displayName", "or")),
      Filter.co("AUDIENCE.TYPE", "org")
    ]
    for (const f of accepted) assert.isTrue(Either.isRight(FilterProfile.check(f, roles)), Filter.print(f))
    const refused: ReadonlyArray<readonly [Filter.Filter, string]> = [
      [Filter.eq("id", "x"), "the attribute \"id\" is not supported by asgardeoRoles"],
      [Filter.eq("users.value", "x"), "the attribute \"users.value\""],
      [Filter.and(Filter.eq("displayName", "a"), Filter.eq("permissions.value", "p")), "permissions.value"],
      [Filter.or(Filter.eq("displayName", "a"), Filter.eq("displayName", "b")), "'or' is not supported"],
      [Filter.not(Filter.eq("displayName", "a")), "'not' is not supported"],
      [Filter.gt("displayName", "a"), "operator 'gt'"],
      [Filter.pr("displayName"), "operator 'pr'"],
      [Filter.valuePath("audience", Filter.eq("value", "x")), "value paths"]
    ]
    for (const [f, reason] of refused) {
      const result = FilterProfile.check(f, roles)
      assert.isTrue(Either.isLeft(result) && result.left instanceof UnsupportedFilter, Filter.print(f))
      if (Either.isLeft(result)) assert.include(result.left.reason, reason)
    }
    assert.strictEqual(FilterProfile.profileByName("asgardeoRoles"), roles)
  })

  it("attributes: a value path's own attribute is checked, not its sub-attributes", () => {
    const profile: FilterProfile.Profile = {
      ...FilterProfile.profiles.rfc7644,
      name: "only-emails",
      attributes: ["emails"]
    }
    assert.isTrue(Either.isRight(FilterProfile.check(Filter.valuePath("emails", Filter.eq("type", "work")), profile)))
    assert.isTrue(
      Either.isLeft(FilterProfile.check(Filter.valuePath("phoneNumbers", Filter.eq("type", "work")), profile))
    )
    assert.isTrue(Either.isLeft(FilterProfile.check(Filter.eq("type", "work"), profile)))
  })
})

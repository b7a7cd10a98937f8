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
      // A decoded copy on success.
      const ok = FilterProfile.check(eq, profile)
      assert.isTrue(Either.isRight(ok))
      if (Either.isRight(ok)) {
        assert.deepStrictEqual(ok.right, eq)
        assert.notStrictEqual(ok.right, eq)
      }
    }
    const unsupported = FilterProfile.check(Filter.pr("title"), FilterProfile.profiles.asgardeoUsers)
    assert.isTrue(Either.isLeft(unsupported) && unsupported.left instanceof UnsupportedFilter)
  })
})

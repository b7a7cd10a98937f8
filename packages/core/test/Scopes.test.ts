import { Scopes } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"

describe("Scopes", () => {
  it("names a sub-organization scope with internal_org_", () => {
    assert.strictEqual(Scopes.inOrganization("internal_user_mgt_view"), "internal_org_user_mgt_view")
    assert.strictEqual(Scopes.inOrganization("internal_bulk_user_create"), "internal_org_bulk_user_create")
    assert.strictEqual(Scopes.inOrganization("internal_org_user_mgt_view"), "internal_org_user_mgt_view")
    assert.strictEqual(Scopes.inOrganization("openid"), "openid")
  })

  it("maps a sub-organization scope back", () => {
    for (const scope of Scopes.all) {
      assert.strictEqual(Scopes.fromOrganization(Scopes.inOrganization(scope)), scope)
    }
    assert.strictEqual(Scopes.fromOrganization("internal_user_mgt_view"), "internal_user_mgt_view")
    assert.strictEqual(Scopes.fromOrganization("internal_org_"), "internal_")
  })
})

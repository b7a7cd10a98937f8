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

  it("roles: v2 and v3 operations, their API resources, the bulk role scopes, the unconfirmed v2 scopes", () => {
    assert.strictEqual(Scopes.byOperation["Roles.create"], "internal_role_mgt_create")
    assert.strictEqual(Scopes.byOperation["RolesV3.create"], "internal_role_mgt_meta_create")
    assert.strictEqual(Scopes.byOperation["Roles.patch"], "internal_role_mgt_update")
    assert.strictEqual(Scopes.byOperation["RolesV3.patch"], "internal_role_mgt_meta_update")
    assert.strictEqual(Scopes.byOperation["RolesV3.updateUsers"], "internal_role_mgt_users_update")
    assert.strictEqual(Scopes.byOperation["RolesV3.updateGroups"], "internal_role_mgt_groups_update")
    assert.strictEqual(Scopes.byOperation["Roles.get"], Scopes.byOperation["RolesV3.get"])
    assert.strictEqual(Scopes.byOperation["Roles.delete"], Scopes.byOperation["RolesV3.delete"])
    assert.deepStrictEqual(
      Scopes.forOperations(["Bulk.createRole", "Bulk.updateRole", "Bulk.deleteRole"]),
      ["internal_bulk_role_create", "internal_bulk_role_update", "internal_bulk_role_delete"]
    )
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_create"), "SCIM2 Roles V2 API")
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_update"), "SCIM2 Roles V2 API")
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_permissions_update"), "SCIM2 Roles V2 API")
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_meta_create"), "SCIM2 Roles V3 API")
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_meta_update"), "SCIM2 Roles V3 API")
    assert.strictEqual(Scopes.apiResource("internal_role_mgt_view"), "SCIM2 Roles V2 API or SCIM2 Roles V3 API")
    assert.strictEqual(Scopes.apiResource("internal_bulk_role_create"), "SCIM2 Bulk API")
    assert.deepStrictEqual(Scopes.unconfirmedRolesV2, [
      "internal_role_mgt_users_update",
      "internal_role_mgt_groups_update",
      "internal_role_mgt_permissions_update"
    ])
    // What tokens request by default: both versions' scopes and the unconfirmed ones.
    for (
      const scope of [
        ...Scopes.rolesV2Only,
        ...Scopes.rolesV3Only,
        ...Scopes.unconfirmedRolesV2,
        "internal_role_mgt_view"
      ]
    ) {
      assert.include(Scopes.all, scope)
    }
    assert.strictEqual(new Set(Scopes.all).size, Scopes.all.length)
  })
})

/**
 * Discovery documents: ServiceProviderConfig, ResourceTypes (a ListResponse) and Schemas (a bare
 * array with UPPERCASE attribute characteristics, asgardeo-api.md §8). The User schema declares
 * what the emulator stores; the custom extension is declared with no attributes (a new
 * organization's), so strict mode refuses custom attributes here as it would there.
 *
 * @internal
 */
import type { Quirks } from "./context.js"
import type { JsonObject } from "./reply.js"
import { CUSTOM_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA, WSO2_SCHEMA } from "./reply.js"

/**
 * `maxPayloadSize` is the emulator's body limit (default 1 MiB, Asgardeo's value); `etag`, its
 * ETag mode (Asgardeo has none).
 *
 * @internal
 */
export const serviceProviderConfig = (
  scimBase: string,
  quirks: Quirks,
  maxPayloadSize: number,
  etag = false
): JsonObject => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
  patch: { supported: true },
  bulk: { supported: true, maxOperations: quirks.maxBulkOperations, maxPayloadSize },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: etag },
  // RFC 9865, only in the emulator's opt-in cursor mode (Asgardeo has no cursor paging).
  ...(quirks.cursorPaging
    ? {
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: "index",
        defaultPageSize: quirks.maxCount,
        maxPageSize: quirks.maxCount,
        cursorTimeout: quirks.cursorTimeoutSeconds
      }
    }
    : {}),
  authenticationSchemes: [
    {
      name: "OAuth Bearer Token",
      description: "Authentication scheme using the OAuth Bearer Token Standard",
      specUri: "https://tools.ietf.org/html/rfc6750",
      type: "oauthbearertoken",
      primary: true
    },
    {
      name: "HTTP Basic",
      description: "Authentication scheme using the HTTP Basic Standard",
      specUri: "https://tools.ietf.org/html/rfc2617",
      type: "httpbasic",
      primary: false
    }
  ],
  meta: { location: `${scimBase}/ServiceProviderConfig`, resourceType: "ServiceProviderConfig" }
})

/** @internal */
export const resourceTypes = (scimBase: string): JsonObject => ({
  totalResults: 2,
  startIndex: 1,
  itemsPerPage: 2,
  schemas: [LIST_SCHEMA],
  Resources: [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_SCHEMA, required: false },
        { schema: WSO2_SCHEMA, required: false },
        { schema: CUSTOM_SCHEMA, required: false }
      ],
      meta: { location: `${scimBase}/ResourceTypes/User`, resourceType: "ResourceType" }
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Group",
      schema: GROUP_SCHEMA,
      meta: { location: `${scimBase}/ResourceTypes/Group`, resourceType: "ResourceType" }
    }
  ]
})

const attr = (
  name: string,
  type: string,
  extra: { multiValued?: boolean; required?: boolean; mutability?: string; subAttributes?: Array<JsonObject> } = {}
): JsonObject => ({
  name,
  type,
  multiValued: extra.multiValued ?? false,
  description: name,
  required: extra.required ?? false,
  caseExact: false,
  mutability: extra.mutability ?? "READ_WRITE",
  returned: "DEFAULT",
  uniqueness: name === "userName" ? "SERVER" : "NONE",
  ...(extra.subAttributes === undefined ? {} : { subAttributes: extra.subAttributes })
})

const multi = (name: string) =>
  attr(name, "COMPLEX", {
    multiValued: true,
    subAttributes: [
      attr("value", "STRING"),
      attr("display", "STRING"),
      attr("type", "STRING"),
      attr("primary", "BOOLEAN")
    ]
  })

/** A user's or group's `roles`: its role assignments (`roleStore.ts`), read-only. */
const roles = () =>
  attr("roles", "COMPLEX", {
    multiValued: true,
    mutability: "READ_ONLY",
    subAttributes: ["value", "display", "$ref", "audienceValue", "audienceDisplay", "audienceType"].map((name) =>
      attr(name, name === "$ref" ? "REFERENCE" : "STRING", { mutability: "READ_ONLY" })
    )
  })

/** One schema document; its `meta.location` is under `scimBase`. */
const schema = (
  scimBase: string,
  id: string,
  name: string,
  description: string,
  attributes: Array<JsonObject>
): JsonObject => ({
  id,
  name,
  description,
  attributes,
  meta: { resourceType: "Schema", location: `${scimBase}/Schemas/${id}` }
})

/** @internal */
export const schemas = (scimBase: string): ReadonlyArray<JsonObject> => [
  schema(scimBase, USER_SCHEMA, "User", "User Account", [
    attr("id", "STRING", { mutability: "READ_ONLY" }),
    attr("userName", "STRING", { required: true }),
    attr("name", "COMPLEX", {
      subAttributes: [
        attr("formatted", "STRING"),
        attr("familyName", "STRING"),
        attr("givenName", "STRING"),
        attr("middleName", "STRING"),
        attr("honorificPrefix", "STRING"),
        attr("honorificSuffix", "STRING")
      ]
    }),
    attr("displayName", "STRING"),
    attr("nickName", "STRING"),
    attr("profileUrl", "REFERENCE"),
    attr("title", "STRING"),
    attr("userType", "STRING"),
    attr("preferredLanguage", "STRING"),
    attr("locale", "STRING"),
    attr("timezone", "STRING"),
    attr("active", "BOOLEAN"),
    attr("password", "STRING", { mutability: "WRITE_ONLY" }),
    multi("emails"),
    multi("phoneNumbers"),
    multi("ims"),
    multi("photos"),
    attr("addresses", "COMPLEX", {
      multiValued: true,
      subAttributes: [
        attr("formatted", "STRING"),
        attr("streetAddress", "STRING"),
        attr("locality", "STRING"),
        attr("region", "STRING"),
        attr("postalCode", "STRING"),
        attr("country", "STRING"),
        attr("type", "STRING"),
        attr("primary", "BOOLEAN")
      ]
    }),
    attr("groups", "COMPLEX", {
      multiValued: true,
      mutability: "READ_ONLY",
      subAttributes: [
        attr("value", "STRING", { mutability: "READ_ONLY" }),
        attr("$ref", "REFERENCE", { mutability: "READ_ONLY" }),
        attr("display", "STRING", { mutability: "READ_ONLY" }),
        attr("type", "STRING", { mutability: "READ_ONLY" })
      ]
    }),
    roles()
  ]),
  schema(scimBase, GROUP_SCHEMA, "Group", "Group", [
    attr("id", "STRING", { mutability: "READ_ONLY" }),
    attr("displayName", "STRING", { required: true }),
    attr("members", "COMPLEX", {
      multiValued: true,
      subAttributes: [attr("value", "STRING"), attr("display", "STRING"), attr("$ref", "REFERENCE")]
    }),
    roles()
  ]),
  schema(scimBase, ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise User", [
    attr("employeeNumber", "STRING"),
    attr("costCenter", "STRING"),
    attr("organization", "STRING"),
    attr("division", "STRING"),
    attr("department", "STRING"),
    attr("manager", "COMPLEX", { subAttributes: [attr("value", "STRING"), attr("displayName", "STRING")] })
  ]),
  schema(scimBase, WSO2_SCHEMA, "WSO2User", "WSO2 system attributes", [
    attr("askPassword", "BOOLEAN"),
    attr("verifyEmail", "BOOLEAN"),
    attr("accountDisabled", "BOOLEAN"),
    attr("accountLocked", "BOOLEAN"),
    attr("country", "STRING")
  ]),
  // The organization's custom attributes (defined in the Console): none in a new organization.
  schema(scimBase, CUSTOM_SCHEMA, "CustomUser", "Custom attributes", [])
]

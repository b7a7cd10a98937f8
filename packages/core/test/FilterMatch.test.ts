// FilterMatch: a Filter evaluated here, as RFC 7644 §3.4.2.2 says (cases from its examples).
import { Filter, FilterMatch } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const bjensen = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
  userName: "bjensen",
  name: { familyName: "Jensen", givenName: "Barbara" },
  title: "Tour Guide",
  userType: "Employee",
  active: true,
  nickName: "",
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" }
  ],
  meta: { lastModified: "2011-05-13T04:42:34Z" },
  [ENTERPRISE]: { employeeNumber: "701984", manager: { value: "26118915" } },
  loginCount: 12
}

const m = (filter: string) => FilterMatch.matches(Either.getOrThrow(Filter.parse(filter)), bjensen)

describe("FilterMatch.matches", () => {
  it("RFC 7644 §3.4.2.2's examples", () => {
    assert.isTrue(m("userName Eq \"BJensen\""))
    assert.isTrue(m("name.familyName co \"O'Malley\"") === false)
    assert.isTrue(m("userName sw \"J\"") === false)
    assert.isTrue(m("userName sw \"b\""))
    assert.isTrue(m("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"bj\""))
    assert.isTrue(m("title pr"))
    assert.isTrue(m("meta.lastModified gt \"2011-05-13T04:42:34Z\"") === false)
    assert.isTrue(m("meta.lastModified ge \"2011-05-13T04:42:34Z\""))
    assert.isTrue(m("meta.lastModified lt \"2011-05-14T00:00:00Z\""))
    assert.isTrue(m("title pr and userType eq \"Employee\""))
    assert.isTrue(m("title pr or userType eq \"Intern\""))
    assert.isTrue(m("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")"))
    assert.isTrue(
      m("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")") === false
    )
    assert.isTrue(m("emails[type eq \"work\" and value co \"@example.com\"]"))
    assert.isTrue(m("emails[type eq \"home\" and value co \"@example.com\"]") === false)
  })

  it("extensions, numbers, booleans, ne and pr on empty values", () => {
    assert.isTrue(m(`${ENTERPRISE}:employeeNumber eq "701984"`))
    assert.isTrue(m(`${ENTERPRISE}:manager.value eq "26118915"`))
    assert.isTrue(m("loginCount gt 10"))
    assert.isTrue(m("loginCount gt \"10\"") === false)
    assert.isTrue(m("active eq true"))
    assert.isTrue(m("active gt true") === false)
    assert.isTrue(m("nickName pr") === false)
    assert.isTrue(m("displayName pr") === false)
    assert.isTrue(m("displayName ne \"x\""))
    assert.isTrue(m("emails.type ne \"work\"") === false)
    assert.isFalse(FilterMatch.matches(Filter.pr("userName"), null))
  })
})

describe("FilterMatch: review cases", () => {
  it("dateTime values compare as instants (milliseconds, offsets)", () => {
    const r = { meta: { lastModified: "2024-01-01T00:00:00.500Z", created: "2024-01-01T11:00:00+02:00" } }
    assert.isTrue(FilterMatch.matches(Filter.compare("meta.lastModified", "gt", "2024-01-01T00:00:00Z"), r))
    assert.isFalse(FilterMatch.matches(Filter.compare("meta.created", "gt", "2024-01-01T10:00:00Z"), r))
    assert.isTrue(FilterMatch.matches(Filter.eq("meta.created", "2024-01-01T09:00:00.000Z"), r))
  })

  it("caseExact attributes compare exactly; names never equal through Unicode folding", () => {
    assert.isFalse(FilterMatch.matches(Filter.eq("externalId", "E-1"), { externalId: "e-1" }))
    assert.isFalse(FilterMatch.matches(Filter.eq("id", "ABC"), { id: "abc" }))
    assert.isFalse(FilterMatch.matches(Filter.eq("userName", "kim"), { userName: "\u212Aim" }))
    assert.isTrue(FilterMatch.matches(Filter.eq("userName", "émile"), { userName: "Émile" }))
  })

  it("an extension attribute is looked for under its URN only", () => {
    assert.isFalse(FilterMatch.matches(Filter.eq("urn:example:ext:User:title", "boss"), { title: "boss" }))
    assert.isTrue(
      FilterMatch.matches(Filter.eq("urn:example:ext:User:title", "boss"), {
        "urn:example:ext:User": { title: "boss" }
      })
    )
  })
})

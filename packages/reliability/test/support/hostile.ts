// The hostile-input cases: what is passed, which typed error names the problem, and what
// guarantees it. `reach: "none"`: no request (not even a token request) may reach the server.
// `reach: "filter"`: the request reaches the server, which must receive exactly one comparison
// with the literal value (injection through the builders is impossible).
import { AsgardeoConfig, Filter, Patch } from "@asgardeo-scim/core"
import type { ScimClient, ScimError } from "@asgardeo-scim/core"
import { Bulk, Groups, Resources, User, Users } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { Effect, Redacted, Stream } from "effect"
import { employee } from "./stack.js"

type Services = Users.Users | Groups.Groups | Bulk.Bulk | HrDirectory.HrDirectory | ScimClient.ScimClient

export interface Rejected {
  readonly id: string
  readonly what: string
  readonly guarantee: string
  readonly reach: "none"
  /** Fails with the error under test. */
  readonly run: Effect.Effect<never, unknown, Services> | Effect.Effect<unknown, unknown, Services>
  readonly tag: string
  /** What the error's message must name. */
  readonly names: string
}

export interface Injection {
  readonly id: string
  readonly what: string
  readonly guarantee: string
  readonly reach: "filter"
  readonly target: "users" | "groups"
  readonly value: string
}

export type HostileCase = Rejected | Injection

const uuid = "3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
const users = Users.Users
const groups = Groups.Groups
const hr = HrDirectory.HrDirectory
const any = <A>(a: unknown) => a as A

const validation = "input validation before any request (Schema / prepareCreate)"
const idCheck = "ScimClient.encodeId: Asgardeo ids are UUIDs, one encoded path segment"
const parser = "Filter.parse: the SCIM filter grammar"
const profile = "Filter.check against the target's filter profile"
const printer = "Filter builders: values are JSON-escaped string literals, attribute paths checked"
const config = "AsgardeoConfig validation at layer construction"
const writes = "Validation: one set of write rules (control characters, lengths, stores, Redacted passwords)"
const bodyCap = "Validation.encodeBody: the 1 MiB cap where ScimClient serializes every body"
const mappingCheck = "RoleMapping.make: the mapping checked when made (Either), its layer failing with it"
const names = "one lookup rule (directory internal/resolve.ts): name and store checked before any request"
const streamOptions = "stream options checked like list options: no filter or key is ever dropped"
const generic = "Resources: the generic service decodes ids, options, PATCH operations and bodies like Users does"
/** The generic service over /Users (`Resources.make(Resources.users)`). */
const viaResources = <A, E>(
  f: (service: Resources.Service<User.User, User.Projection>) => Effect.Effect<A, E>
) => Effect.flatMap(Resources.make(Resources.users), f)
const decoding =
  "Filter.decode: a filter is a string or a well-formed Filter, decoded at run time (no prototypes, getters or cycles trusted)"

const rejected = (
  id: string,
  what: string,
  guarantee: string,
  tag: string,
  names: string,
  run: Rejected["run"]
): Rejected => ({ id, what, guarantee, reach: "none", run, tag, names })

const injection = (id: string, what: string, value: string, target: "users" | "groups" = "users"): Injection => ({
  id,
  what,
  guarantee: printer,
  reach: "filter",
  target,
  value
})

const list = (filter: string | Filter.Filter) => Effect.flatMap(users, (u) => u.list({ filter }))
const groupList = (filter: string) => Effect.flatMap(groups, (g) => g.list({ filter }))
/** A filter argument from plain JavaScript: anything at all. */
const streamAny = (options: unknown) =>
  Effect.flatMap(users, (u) => Stream.runCollect(u.stream(any<Users.StreamOptions>(options))))
const listAny = (filter: unknown) => Effect.flatMap(users, (u) => u.list({ filter: any<string>(filter) }))
const notAFilter = (u: unknown) => any<Filter.Filter>(u)
const cyclicFilter = () => {
  const node: Record<string, unknown> = { _tag: "Not" }
  node.filter = node
  return node
}
const getterFilter = () =>
  Object.defineProperty({ _tag: "Compare", operator: "eq", value: "x" }, "attribute", {
    enumerable: true,
    get: () => "userName"
  })
const getUser = (id: unknown) => Effect.flatMap(users, (u) => u.get(any<string>(id)))
const onboard = (input: unknown) => Effect.flatMap(hr, (h) => h.onboardEmployee(any(input)))
const create = (input: unknown) => Effect.flatMap(users, (u) => u.create(any(input)))
const invite = { askPassword: true, email: "a@example.com" }
const bigExtension = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`a${i}`, "x".repeat(1000)]))
const configOf = (options: Partial<AsgardeoConfig.Options>) =>
  AsgardeoConfig.make({
    organization: "acme",
    clientId: "id",
    clientSecret: Redacted.make("secret"),
    ...options
  })
const e = employee(1)

export const hostileCases: ReadonlyArray<HostileCase> = [
  // -- filter values through the builders: one comparison, the literal value -------------------
  injection("hostile.filter.quote", "filter value with a double quote", "O\"Brien"),
  injection("hostile.filter.backslash", "filter value with backslashes", "back\\slash\\"),
  injection(
    "hostile.filter.or-injection",
    "filter value that tries to close the string and add `or`",
    "x\" or userName pr or name.givenName eq \"y"
  ),
  injection("hostile.filter.and-injection", "filter value with `and` after a quote", "x\" and userName eq \"a@b.co"),
  injection("hostile.filter.brackets", "filter value with a value path in brackets", "emails[type eq \"work\"]"),
  injection("hostile.filter.parens", "filter value with parentheses", ") or (userName pr"),
  injection("hostile.filter.keywords", "filter value made of filter keywords", "and or not pr eq"),
  injection("hostile.filter.unicode", "filter value with unicode, emoji and a bidi override", "Zoë 山田 🙂 \u202e"),
  injection("hostile.filter.plus-percent", "filter value with + and % (sent by POST .search)", "a+b%20c%2F"),
  injection(
    "hostile.filter.group-name",
    "group name lookup with an `or` injection",
    "x\" or displayName pr or displayName eq \"y",
    "groups"
  ),
  // -- raw filter strings ---------------------------------------------------------------------
  rejected(
    "hostile.raw.unterminated",
    "raw filter with an unterminated string",
    parser,
    "InvalidFilter",
    "position",
    list("userName eq \"abc")
  ),
  rejected(
    "hostile.raw.no-value",
    "raw filter without a value",
    parser,
    "InvalidFilter",
    "position",
    list("userName eq")
  ),
  rejected(
    "hostile.raw.unbalanced",
    "raw filter with an unbalanced parenthesis",
    parser,
    "InvalidFilter",
    "position",
    list("(userName eq \"a\"")
  ),
  rejected(
    "hostile.raw.unknown-operator",
    "raw filter with an unknown operator",
    parser,
    "InvalidFilter",
    "position",
    list("userName xx \"a\"")
  ),
  rejected(
    "hostile.raw.trailing",
    "raw filter with trailing garbage",
    parser,
    "InvalidFilter",
    "position",
    list("userName eq \"a\" ; DROP TABLE users")
  ),
  rejected(
    "hostile.raw.or",
    "`or` on Asgardeo user filters",
    profile,
    "UnsupportedFilter",
    "'or'",
    list("userName eq \"a@b.co\" or userName eq \"c@d.co\"")
  ),
  rejected(
    "hostile.raw.pr",
    "`pr` on Asgardeo user filters",
    profile,
    "UnsupportedFilter",
    "'pr'",
    list("userName pr")
  ),
  rejected(
    "hostile.raw.gt",
    "`gt` on Asgardeo user filters",
    profile,
    "UnsupportedFilter",
    "'gt'",
    list("meta.lastModified gt \"2020-01-01\"")
  ),
  rejected(
    "hostile.raw.value-path",
    "value path on Asgardeo user filters",
    profile,
    "UnsupportedFilter",
    "value paths",
    list("emails[type eq \"work\"]")
  ),
  rejected(
    "hostile.raw.not",
    "`not` on Asgardeo user filters",
    profile,
    "UnsupportedFilter",
    "'not'",
    list("not (userName eq \"a\")")
  ),
  rejected(
    "hostile.raw.groups-and",
    "two expressions on Asgardeo group filters",
    profile,
    "UnsupportedFilter",
    "one expression",
    groupList("displayName eq \"a\" and displayName eq \"b\"")
  ),
  rejected(
    "hostile.builder.attribute-injection",
    "builder with an attribute name that smuggles a filter",
    printer,
    "InvalidFilter",
    "attribute",
    list(Filter.eq("userName eq \"x\" or userName", "y"))
  ),
  rejected(
    "hostile.builder.object-value",
    "builder with an object as the value (plain JavaScript)",
    printer,
    "InvalidFilter",
    "value",
    list(Filter.eq("userName", any({ $ne: null })))
  ),
  // -- filter arguments that are not filters (plain JavaScript) --------------------------------
  rejected(
    "hostile.filter-arg.number",
    "a number as filter",
    decoding,
    "InvalidFilter",
    "got the number 42",
    listAny(42)
  ),
  rejected("hostile.filter-arg.null", "null as filter", decoding, "InvalidFilter", "got null", listAny(null)),
  rejected(
    "hostile.filter-arg.boolean",
    "`true` as filter",
    decoding,
    "InvalidFilter",
    "got the boolean true",
    listAny(true)
  ),
  rejected(
    "hostile.filter-arg.nan",
    "NaN as filter",
    decoding,
    "InvalidFilter",
    "got the number NaN",
    listAny(Number.NaN)
  ),
  rejected(
    "hostile.filter-arg.empty-object",
    "`{}` as filter",
    decoding,
    "InvalidFilter",
    "_tag: missing",
    listAny({})
  ),
  rejected("hostile.filter-arg.array", "`[]` as filter", decoding, "InvalidFilter", "got an array", listAny([])),
  rejected(
    "hostile.filter-arg.unknown-tag",
    "`{ _tag: \"Nope\" }` as filter",
    decoding,
    "InvalidFilter",
    "is not a filter node",
    listAny({ _tag: "Nope" })
  ),
  rejected(
    "hostile.filter-arg.missing-fields",
    "`{ _tag: \"Compare\" }` (no attribute, operator or value) as filter",
    decoding,
    "InvalidFilter",
    "attribute: missing",
    listAny({ _tag: "Compare" })
  ),
  rejected(
    "hostile.filter-arg.not-undefined",
    "`Filter.not(undefined)`",
    decoding,
    "InvalidFilter",
    "filter: expected a filter, got undefined",
    listAny(Filter.not(notAFilter(undefined)))
  ),
  rejected(
    "hostile.filter-arg.and-number",
    "`Filter.and(eq, 42)` (would print half an expression)",
    decoding,
    "InvalidFilter",
    "right: expected a filter, got the number 42",
    listAny(Filter.and(Filter.eq("userName", "a@b.co"), notAFilter(42)))
  ),
  rejected(
    "hostile.filter-arg.cyclic",
    "a filter that contains itself",
    decoding,
    "InvalidFilter",
    "cycle",
    listAny(cyclicFilter())
  ),
  rejected(
    "hostile.filter-arg.getter",
    "a filter whose attribute is a getter (could answer differently when printed)",
    decoding,
    "InvalidFilter",
    "getter",
    listAny(getterFilter())
  ),
  rejected(
    "hostile.stream.filter-as-options",
    "a Filter passed to stream in place of its options",
    streamOptions,
    "InvalidInput",
    "the options must be an object",
    streamAny("userName eq \"kim@example.com\"")
  ),
  rejected(
    "hostile.stream.misspelt-option",
    "stream({ filtr: ... }): a misspelt option",
    streamOptions,
    "InvalidInput",
    "filtr",
    streamAny({ filtr: "userName eq \"kim@example.com\"" })
  ),
  rejected(
    "hostile.bulk.store-prefix",
    "a Bulk POST /Groups whose name's store is not a store (`bad store!/Team`)",
    writes,
    "InvalidInput",
    "user store",
    Effect.flatMap(Bulk.Bulk, (b) => b.execute([Bulk.create("Groups", "g1", { displayName: "bad store!/Team" })]))
  ),
  rejected(
    "hostile.patch.username-store",
    "Users.patch of userName into `bad store!/kim@example.com`",
    writes,
    "InvalidInput",
    "user store",
    Effect.flatMap(
      users,
      (u) => u.patch(uuid, [{ op: "replace", path: "userName", value: "bad store!/kim@example.com" }])
    )
  ),
  // -- ids ------------------------------------------------------------------------------------
  rejected("hostile.id.dotdot", "id `../Groups`", idCheck, "InvalidId", "UUID", getUser("../Groups")),
  rejected("hostile.id.slash", "id with `/`", idCheck, "InvalidId", "UUID", getUser(`${uuid}/x`)),
  rejected("hostile.id.query", "id with `?`", idCheck, "InvalidId", "UUID", getUser(`${uuid}?attributes=password`)),
  rejected("hostile.id.fragment", "id with `#`", idCheck, "InvalidId", "UUID", getUser(`${uuid}#x`)),
  rejected("hostile.id.encoded-slash", "id with `%2F..%2F`", idCheck, "InvalidId", "UUID", getUser("%2F..%2F")),
  rejected(
    "hostile.id.crlf",
    "id with CR/LF and a header",
    idCheck,
    "InvalidId",
    "UUID",
    getUser(`${uuid}\r\nX-Injected: 1`)
  ),
  rejected("hostile.id.empty", "empty id", idCheck, "InvalidId", "UUID", getUser("")),
  rejected(
    "hostile.id.group-dotdot",
    "group id `..`",
    idCheck,
    "InvalidId",
    "UUID",
    Effect.flatMap(groups, (g) => g.get(".."))
  ),
  rejected(
    "hostile.id.delete-token-path",
    "delete of `../../oauth2/token`",
    idCheck,
    "InvalidId",
    "UUID",
    Effect.flatMap(users, (u) => u.delete("../../oauth2/token"))
  ),
  rejected("hostile.id.number", "a number as id (plain JavaScript)", idCheck, "InvalidId", "string", getUser(42)),
  // -- userName, email, names -----------------------------------------------------------------
  rejected(
    "hostile.user.empty-username",
    "empty userName",
    validation,
    "InvalidInput",
    "userName",
    create({ userName: "  ", askPassword: true, email: "a@b.co" })
  ),
  rejected(
    "hostile.user.long-username",
    "userName of 300 characters",
    validation,
    "InvalidInput",
    "userName",
    create({ userName: `${"a".repeat(290)}@example.com`, askPassword: true, email: "a@example.com" })
  ),
  rejected(
    "hostile.user.malformed-username",
    "userName that is not an email on Asgardeo",
    validation,
    "InvalidInput",
    "userName",
    create({ userName: "not an email", askPassword: true, email: "a@b.co" })
  ),
  rejected(
    "hostile.user.malformed-email",
    "email `a@@b.com`",
    validation,
    "InvalidInput",
    "email",
    create({ userName: "a@b.co", askPassword: true, email: "a@@b.com" })
  ),
  rejected(
    "hostile.user.plain-password",
    "password as a plain string (would be logged)",
    validation,
    "InvalidInput",
    "Redacted",
    create({ userName: "a@b.co", password: "Plain-Text-Pw-1!" })
  ),
  rejected(
    "hostile.employee.long-name",
    "employee firstName of 257 characters",
    validation,
    "InvalidEmployee",
    "firstName",
    onboard({ ...e, firstName: "x".repeat(257) })
  ),
  rejected(
    "hostile.employee.crlf-email",
    "employee email with CR/LF and a header",
    validation,
    "InvalidEmployee",
    "email",
    onboard({ ...e, email: "a@b.co\r\nBcc: x@evil.example" })
  ),
  rejected(
    "hostile.employee.empty-name",
    "employee lastName empty",
    validation,
    "InvalidEmployee",
    "lastName",
    onboard({ ...e, lastName: "" })
  ),
  rejected(
    "hostile.employee.control-chars",
    "employee department with a NUL byte",
    validation,
    "InvalidEmployee",
    "department",
    onboard({ ...e, department: "Fin\u0000ance" })
  ),
  // -- every write: one set of rules (core Validation) ------------------------------------------
  rejected(
    "hostile.write.nul-username",
    "userName `DEFAULT/Adm\\u0000ins@example.com` (a NUL byte)",
    writes,
    "InvalidInput",
    "userName",
    create({ ...invite, userName: "DEFAULT/Adm\u0000ins@example.com" })
  ),
  rejected(
    "hostile.write.c1-given-name",
    "givenName with a C1 control character (U+0085)",
    writes,
    "InvalidInput",
    "givenName",
    create({ ...invite, userName: "a@example.com", givenName: "Kim\u0085" })
  ),
  rejected(
    "hostile.write.long-given-name",
    "givenName of 1 MB",
    writes,
    "InvalidInput",
    "givenName",
    create({ ...invite, userName: "a@example.com", givenName: "x".repeat(1_000_000) })
  ),
  rejected(
    "hostile.write.control-extension",
    "custom extension string with a BEL control character",
    writes,
    "InvalidInput",
    "badge",
    create({ ...invite, userName: "a@example.com", attributes: { [User.CustomUrn]: { badge: "B\u00077" } } })
  ),
  rejected(
    "hostile.write.replace-control",
    "Users.replace with a NUL in name.givenName",
    writes,
    "InvalidInput",
    "name.givenName",
    Effect.flatMap(
      users,
      (u) => u.replace(uuid, { userName: "DEFAULT/a@example.com", name: { givenName: "K\u0000im" } })
    )
  ),
  rejected(
    "hostile.write.patch-control",
    "PATCH value with a DEL character",
    writes,
    "InvalidInput",
    "Operations.0.value",
    Effect.flatMap(users, (u) => u.patch(uuid, [{ op: "replace", path: "title", value: "Boss\u007f" }]))
  ),
  rejected(
    "hostile.write.group-slash",
    "group name `PARTNERS/Admins` (a user store smuggled in the name)",
    writes,
    "InvalidInput",
    "domain",
    Effect.flatMap(groups, (g) => g.create({ displayName: "PARTNERS/Admins" }))
  ),
  rejected(
    "hostile.write.group-nul",
    "group name `DEFAULT/Adm\\u0000ins`",
    writes,
    "InvalidInput",
    "displayName",
    Effect.flatMap(groups, (g) => g.create({ displayName: "DEFAULT/Adm\u0000ins" }))
  ),
  rejected(
    "hostile.write.group-domain",
    "group domain option `PART NERS`",
    writes,
    "InvalidInput",
    "domain",
    Effect.flatMap(groups, (g) => g.create({ displayName: "Admins", domain: "PART NERS" }))
  ),
  rejected(
    "hostile.write.member-display",
    "group member display with CR/LF",
    writes,
    "InvalidInput",
    "members.0.display",
    Effect.flatMap(groups, (g) => g.addMembers(uuid, [{ value: uuid, display: "a@example.com\r\nX: 1" }]))
  ),
  rejected(
    "hostile.write.body-too-large",
    "Users.replace with 1,100 extension strings of 1,000 characters (1.1 MB)",
    bodyCap,
    "InvalidInput",
    "1048576",
    Effect.flatMap(users, (u) => u.replace(uuid, { userName: "DEFAULT/a@example.com", [User.CustomUrn]: bigExtension }))
  ),
  rejected(
    "hostile.write.patch-plain-password",
    "PATCH password as a plain string",
    writes,
    "InvalidInput",
    "Redacted",
    Effect.flatMap(users, (u) => u.patch(uuid, [{ op: "replace", path: "password", value: "Plain-Text-Pw-1!" }]))
  ),
  rejected(
    "hostile.write.bulk-plain-password",
    "Bulk POST /Users with a plain-string password",
    writes,
    "InvalidInput",
    "Redacted",
    Effect.flatMap(Bulk.Bulk, (b) =>
      b.execute([
        Bulk.create("Users", "u1", { userName: "DEFAULT/a@example.com", password: "Plain-Text-Pw-1!" })
      ]))
  ),
  rejected(
    "hostile.write.bulk-control",
    "Bulk data with a NUL in a group name",
    writes,
    "InvalidInput",
    "operations.0.data.displayName",
    Effect.flatMap(Bulk.Bulk, (b) => b.execute([Bulk.create("Groups", "g1", { displayName: "Adm\u0000ins" })]))
  ),
  rejected(
    "hostile.employee.c1-name",
    "employee firstName with a C1 control character (U+0085)",
    validation,
    "InvalidEmployee",
    "firstName",
    onboard({ ...e, firstName: "Ann\u0085" })
  ),
  // -- roles ----------------------------------------------------------------------------------
  rejected(
    "hostile.role.unknown",
    "unknown role `ceo`",
    "Roles.groupOf: no fallback role",
    "UnknownRole",
    "ceo",
    onboard({ ...e, role: "ceo" })
  ),
  rejected(
    "hostile.role.proto",
    "role `__proto__` in changeRole",
    "Roles.groupOf: a Map, not an object lookup",
    "UnknownRole",
    "__proto__",
    Effect.flatMap(hr, (h) => h.changeRole(uuid, "__proto__"))
  ),
  rejected(
    "hostile.role.number",
    "a number as role (plain JavaScript)",
    "Roles.groupOf",
    "UnknownRole",
    "42",
    Effect.flatMap(hr, (h) => h.changeRole(uuid, any(42)))
  ),
  // -- role mappings (configuration: refused when made, before any layer is built) -------------
  rejected(
    "hostile.mapping.empty",
    "an empty role mapping `{}`",
    mappingCheck,
    "InvalidRoleMapping",
    "empty",
    RoleMapping.make({})
  ),
  rejected(
    "hostile.mapping.control",
    "a role group name with a NUL",
    mappingCheck,
    "InvalidRoleMapping",
    "control characters",
    RoleMapping.make({ admin: "HR-Ad\u0000mins" })
  ),
  rejected(
    "hostile.mapping.shared-group",
    "two roles on one group (`Staff`, `DEFAULT/staff`)",
    mappingCheck,
    "InvalidRoleMapping",
    "each role needs its own group",
    RoleMapping.make({ admin: "Staff", employee: "DEFAULT/staff" })
  ),
  rejected(
    "hostile.mapping.not-object",
    "null as role mapping (plain JavaScript)",
    mappingCheck,
    "InvalidRoleMapping",
    "expected an object",
    RoleMapping.make(any(null))
  ),
  // -- wrong types from plain JavaScript ------------------------------------------------------
  rejected("hostile.type.null-employee", "null as employee", validation, "InvalidEmployee", "employee", onboard(null)),
  rejected(
    "hostile.type.number-email",
    "a number as email",
    validation,
    "InvalidEmployee",
    "email",
    onboard({ ...e, email: 42 })
  ),
  rejected(
    "hostile.type.object-id",
    "an object as employeeId",
    validation,
    "InvalidEmployee",
    "employeeId",
    onboard({ ...e, employeeId: { toString: () => "E1" } })
  ),
  rejected(
    "hostile.type.missing-fields",
    "an empty object as employee",
    validation,
    "InvalidEmployee",
    "is missing",
    onboard({})
  ),
  rejected(
    "hostile.type.number-username",
    "a number as userName",
    validation,
    "InvalidInput",
    "userName",
    create({ userName: 123, askPassword: true, email: "a@b.co" })
  ),
  rejected(
    "hostile.type.string-boolean",
    "`\"yes\"` as active flag",
    validation,
    "InvalidInput",
    "active",
    Effect.flatMap(users, (u) => u.setActive(uuid, any("yes")))
  ),
  rejected(
    "hostile.type.null-member",
    "null as a group member",
    validation,
    "InvalidInput",
    "member",
    Effect.flatMap(groups, (g) => g.addMembers(uuid, [any(null)]))
  ),
  // -- names across user stores ---------------------------------------------------------------
  rejected(
    "hostile.name.bad-store",
    "userName lookup with a store that is not a user-store domain (`BAD STORE/kim@example.com`)",
    names,
    "InvalidInput",
    "not a user-store domain",
    Effect.flatMap(users, (u) => u.findByUserName("BAD STORE/kim@example.com"))
  ),
  rejected(
    "hostile.name.store-only",
    "group lookup of a store without a name (`PARTNERS/`)",
    names,
    "InvalidInput",
    "must not be empty",
    Effect.flatMap(groups, (g) => g.findByName("PARTNERS/"))
  ),
  rejected(
    "hostile.name.qualified-all-stores",
    "a qualified name with allStores (which store was meant?)",
    names,
    "InvalidInput",
    "allStores",
    Effect.flatMap(users, (u) => u.findByUserName("PARTNERS/kim@example.com", { allStores: true }))
  ),
  rejected(
    "hostile.name.string-all-stores",
    "`\"yes\"` as allStores (plain JavaScript)",
    names,
    "InvalidInput",
    "allStores",
    Effect.flatMap(users, (u) => u.findByUserName("kim@example.com", any({ allStores: "yes" })))
  ),
  rejected(
    "hostile.name.control-chars",
    "group name with a NUL byte in ensureMember",
    names,
    "InvalidInput",
    "control characters",
    Effect.flatMap(groups, (g) => g.ensureMember("HR\u0000Admins", uuid))
  ),
  // -- configuration --------------------------------------------------------------------------
  rejected(
    "hostile.config.user-store",
    "defaultUserStore `DEFAULT/../x` (not a user-store domain)",
    config,
    "ConfigError",
    "defaultUserStore",
    configOf({ defaultUserStore: "DEFAULT/../x" })
  ),
  rejected(
    "hostile.config.http-remote",
    "base URL `http://` to a non-loopback host",
    config,
    "ConfigError",
    "ASGARDEO_BASE_URL",
    configOf({ baseUrl: "http://api.example.com" })
  ),
  rejected(
    "hostile.config.http-lookalike",
    "base URL `http://127.0.0.1.evil.example` (a loopback look-alike)",
    config,
    "ConfigError",
    "only loopback hosts",
    configOf({ baseUrl: "http://127.0.0.1.evil.example" })
  ),
  rejected(
    "hostile.config.http-localhost-lookalike",
    "base URL `http://localhost.evil.example`",
    config,
    "ConfigError",
    "only loopback hosts",
    configOf({ baseUrl: "http://localhost.evil.example" })
  ),
  rejected(
    "hostile.config.http-dot-localhost",
    "base URL `http://foo.localhost` (a name under .localhost, resolved by DNS)",
    config,
    "ConfigError",
    "only loopback hosts",
    configOf({ baseUrl: "http://foo.localhost" })
  ),
  rejected(
    "hostile.config.http-localhost-fqdn",
    "base URL `http://localhost.` (fully qualified, may go to DNS)",
    config,
    "ConfigError",
    "only loopback hosts",
    configOf({ baseUrl: "http://localhost." })
  ),
  rejected(
    "hostile.config.credentials-in-url",
    "base URL with user:password",
    config,
    "ConfigError",
    "credentials",
    configOf({ baseUrl: "https://user:pw@api.asgardeo.io" })
  ),
  rejected(
    "hostile.config.org-traversal",
    "organization `acme/../other`",
    config,
    "ConfigError",
    "ASGARDEO_ORG",
    configOf({ organization: "acme/../other" })
  ),
  // -- the generic resource service -------------------------------------------------------------
  rejected(
    "hostile.resources.id",
    "Resources.make(Resources.users).get with id `../Groups`",
    generic,
    "InvalidId",
    "UUID",
    viaResources((r) => r.get("../Groups"))
  ),
  rejected(
    "hostile.resources.options",
    "Resources list with `sortBy`",
    generic,
    "Unsupported",
    "sortBy",
    viaResources((r) => r.list(any<Resources.ListOptions>({ sortBy: "userName" })))
  ),
  rejected(
    "hostile.resources.patch",
    "Resources patch with op `move`",
    generic,
    "InvalidInput",
    "Operations",
    viaResources((r) => r.patch(uuid, [{ op: "move", path: "title" }]))
  ),
  rejected(
    "hostile.resources.plain-password",
    "Resources create with a plain-string password",
    generic,
    "InvalidInput",
    "password",
    viaResources((r) => r.create({ userName: "kim@example.com", password: "hunter2" }))
  ),
  rejected(
    "hostile.resources.store-prefix",
    "Resources patch of userName into `bad store!/kim@example.com`",
    generic,
    "InvalidInput",
    "user store",
    viaResources((r) => r.patch(uuid, [Patch.replace("userName", "bad store!/kim@example.com")]))
  ),
  rejected(
    "hostile.config.empty-secret",
    "empty client secret",
    config,
    "ConfigError",
    "ASGARDEO_CLIENT_SECRET",
    configOf({ clientSecret: Redacted.make("") })
  )
]

/** The error a case failed with, for tests that want the type. */
export type CaseError = ScimError.ScimError | { readonly _tag: string; readonly message: string }

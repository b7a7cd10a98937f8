/**
 * The checks and the POST body of a new user (`Users.create`, `Users.ensure`): the rules that are
 * the `Users` service's own, on top of the generic resource service.
 *
 * @internal
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Target from "@asgardeo-scim/core/Target"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as User from "../User.js"
import * as internal from "./common.js"
import { storePrefixReason } from "./resources.js"

const newUserKeys = new Set(Object.keys(User.NewUser.fields))

const coreKeys = new Set([
  "id",
  "schemas",
  "userName",
  "password",
  "emails",
  "name",
  "meta",
  User.EnterpriseUrn
])

// A look-alike of a Redacted value (plain JavaScript) or a wiped one throws when read.
const readable = (secret: Redacted.Redacted<unknown>): boolean => {
  try {
    Redacted.value(secret)
    return true
  } catch {
    return false
  }
}

/** See `Users.prepareCreate`. @internal */
export const prepareCreate = (
  target: Target.Target | "asgardeo" | "generic",
  input: unknown,
  operation = "Users.create",
  defaultUserStore?: string
): Either.Either<{ readonly userName: string; readonly body: Record<string, unknown> }, ScimError.InvalidInput> => {
  const t = Target.isTarget(target) ? target : target === "asgardeo" ? Target.asgardeo : Target.rfc7644
  const stores = t.userStores
  const store = defaultUserStore ?? stores?.primary ?? ScimConfig.primaryUserStore
  const bad = (field: string, reason: string) => Either.left(internal.invalid(operation, field, reason))
  if (!internal.isRecord(input)) return bad("", "expected a NewUser object")
  const wrongUrn = (field: string) =>
    bad(field, `${User.WrongEnterpriseUrn} is not a SCIM schema: use ${User.EnterpriseUrn} (or the enterprise field)`)
  if (User.WrongEnterpriseUrn in input) return wrongUrn(User.WrongEnterpriseUrn)
  if (internal.isRecord(input.attributes) && User.WrongEnterpriseUrn in input.attributes) {
    return wrongUrn(`attributes.${User.WrongEnterpriseUrn}`)
  }
  for (const key of Object.keys(input)) {
    if (!newUserKeys.has(key) && input[key] !== undefined) {
      return bad(key, key.startsWith("urn:") ? "put extension objects under attributes" : "unknown field")
    }
  }
  if (input.password !== undefined && !Redacted.isRedacted(input.password)) {
    return bad("password", "must be Redacted (Redacted.make(...)), so it is never logged")
  }
  if (input.password !== undefined && !readable(input.password)) {
    return bad("password", "the Redacted value cannot be read")
  }
  const decoded = internal.decodeInput(operation, User.NewUser)(input)
  if (Either.isLeft(decoded)) return Either.left(decoded.left)
  const u = decoded.right
  // The password stays Redacted in the body: ScimClient unwraps it when it serializes the request.
  const secret = u.password === undefined ? undefined : Redacted.value(u.password)
  if (secret !== undefined) {
    if (secret === "") return bad("password", "must not be empty")
    if (Validation.hasControlCharacter(secret)) return bad("password", "must not contain control characters")
    if (secret.length > Validation.maxStringLength) {
      return bad("password", `must be at most ${Validation.maxStringLength} characters`)
    }
  }
  const password = secret === undefined ? undefined : Redacted.make(secret)
  if (!t.users.invitations) {
    if (u.askPassword !== undefined) return bad("askPassword", "askPassword is an Asgardeo-only option")
    if (u.verifyEmail !== undefined) return bad("verifyEmail", "verifyEmail is an Asgardeo-only option")
  }
  if (t.userNameFormat !== "email" && u.userNameFormat !== undefined) {
    return bad("userNameFormat", "userNameFormat is an Asgardeo-only option")
  }
  if (
    stores === undefined && Validation.splitDomain(u.userName).domain?.toUpperCase() === ScimConfig.primaryUserStore
  ) {
    return bad("userName", "the DEFAULT/ user-store prefix is Asgardeo-only: leave it out")
  }
  if (u.email !== undefined && u.emails !== undefined) return bad("email", "give email or emails, not both")
  const emails = u.emails ?? (u.email !== undefined ? [{ value: u.email, primary: true }] : undefined)
  const hasEmail = emails !== undefined && emails.length > 0
  if (u.askPassword === true && password !== undefined) {
    return bad("askPassword", "askPassword (an invitation) and a password exclude each other")
  }
  if (u.askPassword === true && !hasEmail) return bad("email", "askPassword needs an email to send the invitation to")
  if (u.verifyEmail === true && !hasEmail) return bad("email", "verifyEmail needs an email to verify")
  if (u.verifyEmail === true && password === undefined) {
    return bad("verifyEmail", "verifyEmail goes with a password (use askPassword for an invitation)")
  }
  if (t.users.passwordOrInvitation && password === undefined && u.askPassword !== true) {
    return bad("password", "Asgardeo needs a password or askPassword: true (an invitation)")
  }
  let userName = u.userName.trim()
  // On a server with user stores what precedes the first `/` is a store; elsewhere `/` is ordinary.
  const split = stores === undefined ? { domain: undefined, name: userName } : Validation.splitDomain(userName)
  const bare = split.name
  if (bare === "") return bad("userName", "must not be empty")
  if (split.domain !== undefined && !Validation.isUserStoreDomain(split.domain)) {
    return bad("userName", storePrefixReason)
  }
  const alphanumeric = u.userNameFormat === "alphanumeric"
  if (t.userNameFormat === "email") {
    if (alphanumeric && !/^[A-Za-z0-9]+$/.test(bare)) {
      return bad("userName", "with alphanumeric usernames, a userName is letters and digits only")
    }
    if (!alphanumeric && !Validation.isEmailAddress(bare)) {
      return bad(
        "userName",
        "on Asgardeo a userName is an email (or set userNameFormat: \"alphanumeric\" when the organization uses that)"
      )
    }
  }
  // A bare name goes to the default store: always for an email (Asgardeo files a bare email in the
  // primary store), for an alphanumeric name only when the default store is not the primary one.
  if (stores !== undefined && split.domain === undefined) {
    if (!alphanumeric || !Validation.sameDomain(store, stores.primary)) userName = Validation.qualify(store, userName)
  }
  if (u.name !== undefined && (u.givenName !== undefined || u.familyName !== undefined)) {
    return bad("givenName", "give name or givenName/familyName, not both")
  }
  const name = u.name ??
    (u.givenName !== undefined || u.familyName !== undefined
      ? {
        ...(u.givenName !== undefined ? { givenName: u.givenName } : {}),
        ...(u.familyName !== undefined ? { familyName: u.familyName } : {})
      }
      : undefined)
  const checked = internal.decodeJson(operation, u.attributes ?? {}, { field: "attributes" })
  if (Either.isLeft(checked)) return Either.left(checked.left)
  const attributes = internal.isRecord(checked.right) ? checked.right : {}
  const addresses = u.addresses === undefined
    ? undefined
    : internal.decodeJson(operation, u.addresses, { field: "addresses", attribute: "addresses" })
  if (addresses !== undefined && Either.isLeft(addresses)) return Either.left(addresses.left)
  for (const key of Object.keys(attributes)) {
    if (coreKeys.has(key) && !(key === User.EnterpriseUrn && u.enterprise === undefined)) {
      return bad(`attributes.${key}`, `set ${key === User.EnterpriseUrn ? "enterprise" : key} with its own field`)
    }
    if (key === User.Wso2Urn && !internal.isRecord(attributes[key])) {
      return bad(`attributes.${key}`, "an extension is an object")
    }
  }
  const wso2: Record<string, unknown> = {
    ...(internal.isRecord(attributes[User.Wso2Urn]) ? attributes[User.Wso2Urn] : {}),
    ...(u.askPassword === true ? { askPassword: true } : {}),
    ...(u.verifyEmail === true ? { verifyEmail: true } : {})
  }
  const enterprise = u.enterprise ?? attributes[User.EnterpriseUrn]
  const { [User.Wso2Urn]: _wso2, [User.EnterpriseUrn]: _ent, ...rest } = attributes
  const extensionUrns = Object.keys(rest).filter((k) => k.startsWith("urn:"))
  const schemas = [
    User.CoreUrn,
    ...(enterprise !== undefined ? [User.EnterpriseUrn] : []),
    ...(Object.keys(wso2).length > 0 ? [User.Wso2Urn] : []),
    ...extensionUrns
  ]
  const copy = (key: keyof User.NewUser) => (u[key] !== undefined ? { [key]: u[key] } : {})
  const body: Record<string, unknown> = {
    schemas,
    userName,
    ...(password !== undefined ? { password } : {}),
    ...(name !== undefined ? { name } : {}),
    ...copy("displayName"),
    ...copy("nickName"),
    ...copy("title"),
    ...copy("userType"),
    ...copy("locale"),
    ...copy("timezone"),
    ...copy("preferredLanguage"),
    ...copy("externalId"),
    ...copy("active"),
    ...(emails !== undefined ? { emails } : {}),
    ...copy("phoneNumbers"),
    ...(addresses !== undefined ? { addresses: addresses.right } : {}),
    ...rest,
    ...(enterprise !== undefined ? { [User.EnterpriseUrn]: enterprise } : {}),
    ...(Object.keys(wso2).length > 0 ? { [User.Wso2Urn]: wso2 } : {})
  }
  return Either.right({ userName, body })
}

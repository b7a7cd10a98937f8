/**
 * The token endpoint (asgardeo-api.md §2): Basic or client_secret_post (not both), unauthorized
 * scopes dropped silently, no `scope` when nothing was granted, and a still-valid token reused
 * for the same client and scope set with its remaining lifetime. Grants: client_credentials, and
 * the organization switch (`orgSwitch.ts`), whose tokens carry their sub-organization and never
 * a refresh token.
 *
 * @internal
 */
import type * as Apps from "./apps.js"
import { allowsClientCredentials } from "./apps.js"
import { checkSwitch, switchGrants } from "./orgSwitch.js"
import type { Reply } from "./reply.js"
import type { Store, TokenRecord } from "./store.js"
import { newId } from "./store.js"

/** @internal */
export type App = Apps.App

/** @internal */
export interface TokenRequest {
  readonly authorization: string | undefined
  readonly body: string
}

/** @internal */
export interface TokenResult {
  readonly reply: Reply
  readonly clientId: string | undefined
  readonly issued: boolean
}

const oauthError = (status: number, error: string, description: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { error, error_description: description },
  ...(headers === undefined ? {} : { headers })
})

const decodeBasic = (header: string): { readonly id: string; readonly secret: string } | undefined => {
  const m = /^Basic\s+(.+)$/i.exec(header.trim())
  if (m === null) return undefined
  try {
    const decoded = atob(m[1]!)
    const i = decoded.indexOf(":")
    if (i === -1) return undefined
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) }
  } catch {
    return undefined
  }
}

/** @internal */
export const handleToken = (
  store: Store,
  organization: string,
  apps: ReadonlyArray<App>,
  now: number,
  defaultExpiresIn: number,
  request: TokenRequest,
  rounding: "up" | "down" = "up"
): TokenResult => {
  const form = new URLSearchParams(request.body)
  const basic = request.authorization === undefined ? undefined : decodeBasic(request.authorization)
  const postId = form.get("client_id")
  const postSecret = form.get("client_secret")
  const noClient = { clientId: undefined, issued: false }
  if (basic !== undefined && (postId !== null || postSecret !== null)) {
    return {
      ...noClient,
      reply: oauthError(
        400,
        "invalid_request",
        "Client Authentication failed: more than one authentication method used."
      )
    }
  }
  const credentials = basic ?? (postId !== null ? { id: postId, secret: postSecret ?? "" } : undefined)
  const usedBasic = basic !== undefined
  const unauthorized = (clientId: string | undefined): TokenResult => ({
    clientId,
    issued: false,
    reply: oauthError(
      401,
      "invalid_client",
      "Client credentials are invalid.",
      usedBasic || credentials === undefined ? { "WWW-Authenticate": `Basic realm="${organization}"` } : undefined
    )
  })
  if (credentials === undefined) return unauthorized(undefined)
  const app = apps.find((a) => a.clientId === credentials.id)
  if (app === undefined || app.clientSecret !== credentials.secret) return unauthorized(credentials.id)
  const grant = form.get("grant_type")
  if (grant === null) {
    return {
      clientId: app.clientId,
      issued: false,
      reply: oauthError(400, "invalid_request", "Missing grant_type parameter value")
    }
  }
  const refused = (error: string, description: string): TokenResult => ({
    clientId: app.clientId,
    issued: false,
    reply: oauthError(400, error, description)
  })
  const expiresIn = app.expiresIn ?? defaultExpiresIn
  if (switchGrants.includes(grant)) {
    const checked = checkSwitch(store, organization, app, form, now)
    if (checked._tag === "Refused") return refused(checked.error, checked.description)
    return issue(store, { organization, subOrganization: checked.organization.id }, app, checked.scopes, {
      now,
      expiresIn,
      rounding
    })
  }
  if (grant !== "client_credentials") return refused("unsupported_grant_type", `Unsupported grant_type value: ${grant}`)
  if (!allowsClientCredentials(app)) {
    return refused(
      "unauthorized_client",
      "The authenticated client is not authorized to use this authorization grant type."
    )
  }
  const requested = (form.get("scope") ?? "").split(" ").filter((s) => s !== "")
  const granted = requested.includes("SYSTEM")
    ? [...app.scopes]
    : Array.from(new Set(requested.filter((s) => app.scopes.includes(s))))
  return issue(store, { organization }, app, granted, { now, expiresIn, rounding })
}

/**
 * A token for `granted`: the live one of the same client, organization (and sub-organization)
 * and scope set, with its remaining lifetime, or a new one.
 */
const issue = (
  store: Store,
  where: { readonly organization: string; readonly subOrganization?: string | undefined },
  app: App,
  scopes: ReadonlyArray<string>,
  { expiresIn, now, rounding }: { readonly now: number; readonly expiresIn: number; readonly rounding: "up" | "down" }
): TokenResult => {
  const { organization, subOrganization } = where
  const granted = [...scopes].sort()
  const scopeKey = granted.join(" ")
  const indexKey = `${
    subOrganization === undefined ? organization : `${organization}/${subOrganization}`
  } ${app.clientId} ${scopeKey}`
  const existing = store.tokenIndex.get(indexKey)
  const record = existing === undefined ? undefined : store.tokens.get(existing)
  let token: TokenRecord
  if (record !== undefined && record.expiresAt > now) {
    token = record
  } else {
    if (record !== undefined) store.tokens.delete(record.token)
    token = {
      token: newId(),
      organization,
      clientId: app.clientId,
      scopes: new Set(granted),
      scopeKey,
      issuedAt: now,
      expiresAt: now + expiresIn * 1000,
      ...(subOrganization === undefined ? {} : { subOrganization })
    }
    store.tokens.set(token.token, token)
    store.tokenIndex.set(indexKey, token.token)
  }
  const remaining = Math.max(0, (rounding === "up" ? Math.ceil : Math.floor)((token.expiresAt - now) / 1000))
  return {
    clientId: app.clientId,
    issued: token !== record,
    reply: {
      status: 200,
      headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
      body: {
        access_token: token.token,
        ...(scopeKey === "" ? {} : { scope: scopeKey }),
        token_type: "Bearer",
        expires_in: remaining
      }
    }
  }
}

/** Checks a bearer token: the record, or why it is refused. @internal */
export const authenticate = (
  store: Store,
  organization: string,
  authorization: string | undefined,
  now: number
): TokenRecord | "missing" | "invalid" => {
  if (authorization === undefined) return "missing"
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim())
  if (m === null) return "invalid"
  const record = store.tokens.get(m[1]!)
  if (record === undefined || record.organization !== organization || record.expiresAt <= now) return "invalid"
  return record
}

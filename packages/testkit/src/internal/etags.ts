/**
 * The opt-in ETag mode (`Options.etag`), as RFC 7644 §3.14 describes it (Asgardeo itself has
 * none): the ServiceProviderConfig says `etag.supported`; every resource answered carries
 * `meta.version`, a weak entity tag over its full rendering and its revision (the number of
 * writes through its own endpoint), so any change to what a GET shows changes it (a membership
 * included) and a write that restores an earlier state does not bring an earlier version back;
 * a single resource's answer carries it as `ETag`; a PUT, PATCH or DELETE with `If-Match` whose
 * tags do not name the current version (or `*`) is answered 412 and changes nothing. The check
 * and the write happen in one step.
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import type { JsonObject, Reply } from "./reply.js"
import { errorReply, isObject } from "./reply.js"

/** 53-bit FNV-style hash of a text (cyrb53): stable, fast, no platform crypto. */
const hash = (text: string): string => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16)
}

/**
 * The version of a rendered resource at a revision: `W/"<revision>-<hash>"`, the hash over the
 * resource without its `meta.version`.
 *
 * @internal
 */
export const versionOf = (resource: JsonObject, revision = 0): string => {
  const meta = isObject(resource["meta"]) ? resource["meta"] : undefined
  const { version: _version, ...restMeta } = meta ?? {}
  return `W/"${revision}-${hash(JSON.stringify(meta === undefined ? resource : { ...resource, meta: restMeta }))}"`
}

/** The resource's revision in its organization. @internal */
export const revisionOf = (ctx: Ctx, id: string): number => ctx.org.revisions.get(id) ?? 0

/** Counts a write of the resource `id` (a successful PUT, PATCH or DELETE of it). @internal */
export const bump = (ctx: Ctx, id: string): void => {
  ctx.org.revisions.set(id, revisionOf(ctx, id) + 1)
}

/** The resource with its `meta.version`. */
const versioned = (resource: JsonObject, version: string): JsonObject => ({
  ...resource,
  meta: { ...(isObject(resource["meta"]) ? resource["meta"] : {}), version }
})

/** The opaque part of an entity tag: weak and strong tags compare equal (RFC 7644's examples do). */
const opaque = (tag: string): string => tag.trim().replace(/^W\//, "")

/**
 * A 412 when `If-Match` is given and names neither `*` nor the current version of `current`
 * (the full rendering); `undefined` when the write may go ahead.
 *
 * @internal
 */
export const precondition = (
  ifMatch: string | undefined,
  current: () => JsonObject,
  revision: number
): Reply | undefined => {
  if (ifMatch === undefined) return undefined
  const resource = current()
  const tags = ifMatch.split(",").map((t) => t.trim()).filter((t) => t !== "")
  if (tags.includes("*")) return undefined
  const now = opaque(versionOf(resource, revision))
  return tags.some((t) => opaque(t) === now)
    ? undefined
    : errorReply(412, "Failed to update. Resource has changed on the server.")
}

/**
 * A single resource's answer with its version: `meta.version` in the body (the version of the
 * full rendering `full`, whatever the answer projects) and the `ETag` header.
 *
 * @internal
 */
export const withVersion = (reply: Reply, full: (id: string) => JsonObject, ctx: Ctx): Reply => {
  const body = reply.text !== undefined ? parse(reply.text) : reply.body
  if (!isObject(body) || typeof body["id"] !== "string" || reply.status >= 300) return reply
  const version = versionOf(full(body["id"]), revisionOf(ctx, body["id"]))
  const { text: _text, textBytes: _bytes, ...rest } = reply
  return { ...rest, body: versioned(body, version), headers: { ...reply.headers, ETag: version } }
}

/**
 * A list answer whose every resource carries its `meta.version` (of its full rendering).
 *
 * @internal
 */
export const withVersions = (reply: Reply, full: (id: string) => JsonObject, ctx: Ctx): Reply => {
  const body = reply.text !== undefined ? parse(reply.text) : reply.body
  if (!isObject(body) || !Array.isArray(body["Resources"]) || reply.status >= 300) return reply
  const { text: _text, textBytes: _bytes, ...rest } = reply
  return {
    ...rest,
    body: {
      ...body,
      Resources: body["Resources"].map((r: unknown) =>
        isObject(r) && typeof r["id"] === "string"
          ? versioned(r, versionOf(full(r["id"]), revisionOf(ctx, r["id"])))
          : r
      )
    }
  }
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

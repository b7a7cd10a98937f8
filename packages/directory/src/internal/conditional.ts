/**
 * Conditional writes (RFC 7644 §3.14): the per-call `ifMatch` of replace, patch and delete, and
 * the options of `update` (read, apply, write with `If-Match`, again on 412), decoded at run time;
 * whether the server offers ETags is read from its `ServiceProviderConfig`.
 *
 * @internal
 */
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as ServiceProviderConfig from "@asgardeo-scim/core/ServiceProviderConfig"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as internal from "./common.js"

/** The most attempts `update` may be given. @internal */
export const maxUpdateAttempts = 10

/** `update`'s attempts when not given. @internal */
export const defaultUpdateAttempts = 3

/** The options of `update`, decoded. @internal */
export interface UpdateOptions {
  readonly unconditional: boolean
  readonly maxAttempts: number
}

const onlyKeys = (operation: string, o: Record<string, unknown>, keys: ReadonlyArray<string>) => {
  for (const key of Object.keys(o)) {
    if (!keys.includes(key)) return internal.invalid(operation, key, `unknown option (expected ${keys.join(", ")})`)
  }
  return undefined
}

/**
 * The `If-Match` a write sends: `undefined` without `ifMatch`; with it, only where the server
 * advertises `etag.supported` (elsewhere `Unsupported`: it would ignore the header, and the write
 * would silently be last-writer-wins). Options are checked before anything is read.
 *
 * @internal
 */
export const ifMatch = (
  client: ScimClient.Service,
  operation: string,
  options: unknown
): Effect.Effect<string | undefined, ScimClient.Error | ScimError.Unsupported> =>
  Effect.suspend(() => {
    if (options === undefined) return Effect.succeed(undefined)
    if (!internal.isRecord(options)) return internal.fail(operation, "", "the options must be an object")
    const bad = onlyKeys(operation, options, ["ifMatch"])
    if (bad !== undefined) return Effect.fail(bad)
    const tag = options.ifMatch
    if (tag === undefined) return Effect.succeed(undefined)
    if (typeof tag !== "string" || !Validation.isEntityTag(tag)) {
      return internal.fail(operation, "ifMatch", Validation.entityTagRule)
    }
    return Effect.as(
      ServiceProviderConfig.ensureSupported(client.serviceProviderConfig, {
        operation,
        feature: "etag",
        instead: "leave ifMatch out to write without a condition"
      }),
      tag
    )
  })

/** The options of `update`, checked before anything is read. @internal */
export const updateOptions = (
  operation: string,
  options: unknown
): Effect.Effect<UpdateOptions, ScimError.InvalidInput> => {
  if (options === undefined) return Effect.succeed({ unconditional: false, maxAttempts: defaultUpdateAttempts })
  if (!internal.isRecord(options)) return internal.fail(operation, "", "the options must be an object")
  const bad = onlyKeys(operation, options, ["unconditional", "maxAttempts"])
  if (bad !== undefined) return Effect.fail(bad)
  const { maxAttempts, unconditional } = options
  if (unconditional !== undefined && typeof unconditional !== "boolean") {
    return internal.fail(operation, "unconditional", "expected true or false")
  }
  if (
    maxAttempts !== undefined &&
    !(typeof maxAttempts === "number" && Number.isSafeInteger(maxAttempts) && maxAttempts >= 1 &&
      maxAttempts <= maxUpdateAttempts)
  ) {
    return internal.fail(operation, "maxAttempts", `an integer from 1 to ${maxUpdateAttempts}`)
  }
  return Effect.succeed({
    unconditional: unconditional === true,
    maxAttempts: (maxAttempts as number | undefined) ?? defaultUpdateAttempts
  })
}

/**
 * Whether `update` writes conditionally: where the server advertises ETags, always; elsewhere
 * only with `unconditional: true` (`Unsupported` otherwise: no silent last-writer-wins).
 *
 * @internal
 */
export const updateIsConditional = (
  client: ScimClient.Service,
  operation: string,
  options: UpdateOptions
): Effect.Effect<boolean, ScimClient.Error | ScimError.Unsupported> =>
  options.unconditional
    ? Effect.map(ServiceProviderConfig.advertised(client.serviceProviderConfig), (spc) => spc.etag.supported)
    : Effect.as(
      ServiceProviderConfig.ensureSupported(client.serviceProviderConfig, {
        operation,
        feature: "etag",
        instead: "pass { unconditional: true } to write without a condition (the last writer wins)"
      }),
      true
    )

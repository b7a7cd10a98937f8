/**
 * Strict mode, opt in: writes are checked against the server's own `/Schemas` and
 * `/ResourceTypes` before they are sent, and answers may be checked too. Discovery is read once
 * (on the first checked write) and kept; a program that does not opt in sends no extra request.
 * The rules are `SchemaCheck`'s: unknown attributes and undeclared extensions, `readOnly` and
 * `immutable` attributes, missing required attributes, types and `canonicalValues`. A refused
 * write fails with `InvalidAttribute` (the schema URN, the attribute's dotted path, why) and
 * nothing is sent.
 *
 * `Directory.layerStrict` provides it, with `Users`, `Groups` and `Resources.make` services
 * checking through it. Bulk requests and list pages are not checked.
 *
 * @since 0.3.0
 */
import * as Discovery from "@asgardeo-scim/core/Discovery"
import * as SchemaCheck from "@asgardeo-scim/core/SchemaCheck"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"

/**
 * `responses`: what a resource answered by a create, get, replace or PATCH that does not match
 * its schema does: `"off"` (the default: not checked), `"warn"` (a warning is logged with the
 * attribute, and the answer is used) or `"fail"` (`InvalidResponse` for a read). An answer to a
 * write that landed (a 2xx to a create, replace or PATCH) is never turned into a failure: a
 * caller told "failed" would write again; with `"fail"` it is logged as with `"warn"`.
 *
 * @since 0.3.0
 * @category models
 */
export interface Options {
  readonly responses?: "off" | "warn" | "fail" | undefined
  /**
   * Attributes whose type and `canonicalValues` strict mode does not check, for a server whose
   * `/Schemas` misdescribes them (a boolean declared as a string): core ones by name (`active`,
   * `name.givenName`), extension ones URN-qualified. They must still be declared; a name
   * `/Schemas` does not declare fails the first write with `InvalidInput` (field `unchecked`).
   *
   * @since 0.3.0
   */
  readonly unchecked?: ReadonlyArray<string> | undefined
}

/**
 * A write to check: a create's or a replace's body, or PATCH operations.
 *
 * @since 0.3.0
 * @category models
 */
export type Write =
  | { readonly _tag: "create" | "replace"; readonly body: unknown }
  | { readonly _tag: "patch"; readonly operations: ReadonlyArray<SchemaCheck.Operation> }

/**
 * Why a write is refused: the body does not match the schema (`InvalidAttribute`), the server has
 * no `/Schemas` or `/ResourceTypes` or does not describe the endpoint (`Unsupported`), or
 * discovery could not be read.
 *
 * @since 0.3.0
 * @category models
 */
export type WriteError = ScimError.InvalidAttribute | ScimError.Unsupported | ScimClient.Error

/**
 * @since 0.3.0
 * @category models
 */
export interface Service {
  readonly responses: "off" | "warn" | "fail"
  /** Checks a write to an endpoint (`/Users`) before it is sent. */
  readonly checkWrite: (operation: string, endpoint: string, write: Write) => Effect.Effect<void, WriteError>
  /**
   * Checks a resource a server answered (per `responses`). `fail` gives `InvalidResponse`;
   * discovery that cannot be read is logged and the answer passes.
   */
  readonly checkResponse: (answer: {
    readonly operation: string
    readonly endpoint: string
    readonly method: string
    readonly path: string
    readonly status: number
    readonly body: unknown
    /** The answer to a write that landed: a mismatch is logged, never a failure. */
    readonly written?: boolean | undefined
  }) => Effect.Effect<void, ScimError.InvalidResponse | ScimError.InvalidInput>
}

/**
 * @since 0.3.0
 * @category tags
 */
export class StrictSchemas extends Context.Tag("@asgardeo-scim/directory/StrictSchemas")<StrictSchemas, Service>() {}

const decodeOptions = (
  options: unknown
): Either.Either<
  { readonly responses: "off" | "warn" | "fail"; readonly unchecked: ReadonlyArray<string> },
  ScimError.InvalidInput
> => {
  if (options === undefined) return Either.right({ responses: "off", unchecked: [] })
  const invalid = (field: string, reason: string) =>
    Either.left(new ScimError.InvalidInput({ operation: "StrictSchemas.make", field, reason }))
  if (typeof options !== "object" || options === null) return invalid("", "expected an options object")
  const { responses, unchecked, ...rest } = options as Record<string, unknown>
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) return invalid(extra, "not an option of strict mode (responses, unchecked)")
  if (
    unchecked !== undefined &&
    !(Array.isArray(unchecked) && unchecked.every((n) => typeof n === "string" && n !== "" && n.length <= 512))
  ) {
    return invalid("unchecked", "expected an array of attribute names")
  }
  if (responses !== undefined && responses !== "off" && responses !== "warn" && responses !== "fail") {
    return invalid("responses", "expected \"off\", \"warn\" or \"fail\"")
  }
  return Either.right({ responses: responses ?? "off", unchecked: (unchecked as ReadonlyArray<string>) ?? [] })
}

/**
 * The service over `Discovery`; options from plain JavaScript are checked (`InvalidInput`).
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, ScimError.InvalidInput, Discovery.Discovery> =>
  Effect.gen(function*() {
    const { responses, unchecked } = yield* decodeOptions(options)
    const discovery = yield* Discovery.Discovery

    /** The resource type at an endpoint, from discovery read once. */
    const schemasOf = (operation: string, endpoint: string) =>
      Effect.all([discovery.resourceTypes, discovery.schemas]).pipe(
        Effect.catchIf(
          (e): e is ScimError.NotFound | ScimError.NotImplemented =>
            e._tag === "NotFound" || e._tag === "NotImplemented",
          (e) =>
            Effect.fail(
              new ScimError.Unsupported({
                operation,
                feature: "strict mode",
                reason: `discovery answered ${e.status} (${e.path}): there are no schemas to check against`
              })
            )
        ),
        Effect.flatMap(([types, declared]): Effect.Effect<
          SchemaCheck.ResourceSchemas,
          ScimError.InvalidInput | ScimError.Unsupported
        > => {
          const relaxed = SchemaCheck.relax(declared, unchecked)
          if (relaxed.unknown.length > 0) {
            return Effect.fail(
              new ScimError.InvalidInput({
                operation,
                field: "unchecked",
                reason: `/Schemas declares no attribute ${relaxed.unknown.map((n) => JSON.stringify(n)).join(", ")}`
              })
            )
          }
          const found = SchemaCheck.forEndpoint(types, relaxed.schemas, endpoint)
          return Either.isRight(found) ? Effect.succeed(found.right) : Effect.fail(
            new ScimError.Unsupported({ operation, feature: "strict mode", reason: found.left })
          )
        })
      )

    const checkWrite: Service["checkWrite"] = (operation, endpoint, write) => {
      // Plain-JS callers pass anything: what is not a write fails before discovery is read.
      const w: unknown = write
      const bad = typeof operation !== "string"
        ? "operation"
        : typeof endpoint !== "string"
        ? "endpoint"
        : typeof w !== "object" || w === null || !["create", "replace", "patch"].includes((w as Write)._tag)
        ? "write"
        : undefined
      if (bad !== undefined) {
        return Effect.fail(
          new ScimError.InvalidInput({
            operation: "StrictSchemas.checkWrite",
            field: bad,
            reason: bad === "write"
              ? "expected { _tag: \"create\" | \"replace\", body } or { _tag: \"patch\", operations }"
              : "expected a string"
          })
        )
      }
      return checkWriteOf(operation, endpoint, write)
    }

    const checkWriteOf: Service["checkWrite"] = (operation, endpoint, write) =>
      Effect.flatMap(schemasOf(operation, endpoint), (s) => {
        const bad = write._tag === "patch"
          ? SchemaCheck.checkPatch(s, write.operations)
          : SchemaCheck.checkResource(s, write.body, write._tag)
        return bad === undefined ? Effect.void : Effect.fail(bad)
      }).pipe(Effect.withSpan("StrictSchemas.checkWrite", { attributes: { operation, endpoint, kind: write._tag } }))

    const checkResponse: Service["checkResponse"] = (answer) =>
      responses === "off" ?
        Effect.void :
        typeof answer !== "object" || answer === null || typeof answer.endpoint !== "string"
        ? Effect.fail(
          new ScimError.InvalidInput({
            operation: "StrictSchemas.checkResponse",
            field: "answer",
            reason: "expected { operation, endpoint, method, path, status, body }"
          })
        )
        : Effect.matchEffect(schemasOf(answer.operation, answer.endpoint), {
          onFailure: (e) =>
            Effect.logWarning(`strict mode: ${answer.operation}: the answer is not checked: ${e.message}`),
          onSuccess: (s) => {
            const bad = SchemaCheck.checkResource(s, answer.body, "response")
            if (bad === undefined) return Effect.void
            const reason = `strict mode: ${bad.message}` +
              (answer.written === true ? " (the write landed; the answer is used)" : "")
            return responses === "fail" && answer.written !== true
              ? Effect.fail(
                new ScimError.InvalidResponse({
                  method: answer.method,
                  path: answer.path,
                  status: answer.status,
                  reason
                })
              )
              : Effect.logWarning(reason).pipe(Effect.annotateLogs({
                operation: answer.operation,
                urn: bad.urn,
                attribute: bad.attribute
              }))
          }
        }).pipe(Effect.withSpan("StrictSchemas.checkResponse", {
          attributes: { operation: answer.operation, endpoint: answer.endpoint }
        }))

    return StrictSchemas.of({ responses, checkWrite, checkResponse })
  })

/**
 * @since 0.3.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<StrictSchemas, ScimError.InvalidInput, Discovery.Discovery> => Layer.effect(StrictSchemas, make(options))

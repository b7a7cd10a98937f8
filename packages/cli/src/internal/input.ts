/**
 * Input that commands read from a file or stdin: the text of a file (`-` for stdin), and JSON
 * parsed from it. Every failure is a usage error (exit code 2) raised before any request.
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import * as Validation from "@asgardeo-scim/core/Validation"
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { CliError, Usage } from "../ExitCode.js"
import { Io, maxInputBytes, tooLarge } from "../Io.js"

/**
 * The text of `file`, or of stdin when `file` is `-`.
 *
 * @internal
 */
export const readText = (
  file: string,
  maxBytes: number = Number.POSITIVE_INFINITY
): Effect.Effect<string, CliError, FileSystem.FileSystem | Io> =>
  file === "-"
    ? Effect.flatMap(Io, (io) => io.readStdin(maxBytes))
    : Effect.flatMap(FileSystem.FileSystem, (fs) =>
      // The size first: a device or a file over the limit is refused before it is read.
      Effect.flatMap(fs.stat(file), (info): Effect.Effect<string, CliError | PlatformError.PlatformError> =>
        info.type !== "File"
          ? Effect.fail(new CliError({ code: Usage, message: `cannot read ${file}: not a file` }))
          : Number(info.size) > maxBytes
          ? Effect.fail(tooLarge(file, maxBytes))
          : Effect.flatMap(fs.readFile(file), (bytes) => decodeUtf8(file, bytes)))).pipe(
        Effect.mapError((e) =>
          e._tag === "CliError" ? e : new CliError({
            code: Usage,
            message: `cannot read ${file}: ${
              e._tag === "SystemError" && e.reason === "NotFound" ? "no such file" : e.message
            }`
          })
        )
      )

/**
 * The text of a file's bytes: UTF-8 (a byte-order mark is dropped), else a usage error. Other
 * encodings are refused rather than read with U+FFFD in place of what they hold (a role or a
 * user named with it).
 */
const decodeUtf8 = (file: string, bytes: Uint8Array): Effect.Effect<string, CliError> =>
  Effect.try({
    try: () => new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    catch: () =>
      new CliError({
        code: Usage,
        message: `cannot read ${file}: it is not UTF-8 (save it as UTF-8); nothing was sent`
      })
  })

/**
 * How deep a JSON document may nest: as deep as a value the client writes (`Validation.maxDepth`,
 * the brackets of the document itself counted too). Deeper is no input of this CLI, and reading it
 * would exhaust the stack.
 */
const maxJsonDepth = Validation.maxDepth + 1

/** The deepest nesting of arrays and objects in JSON text (brackets in strings not counted). */
const jsonDepth = (text: string): number => {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === "\"") inString = false
    } else if (c === "\"") inString = true
    else if (c === "[" || c === "{") max = Math.max(max, ++depth)
    else if (c === "]" || c === "}") depth--
  }
  return max
}

/**
 * The JSON document in `file` (`-`: stdin). `what` names it in errors (`--data`).
 *
 * @internal
 */
export const readJson = (file: string, what: string): Effect.Effect<unknown, CliError, FileSystem.FileSystem | Io> =>
  Effect.flatMap(readText(file, maxInputBytes), (text) =>
    jsonDepth(text) > maxJsonDepth
      ? Effect.fail(
        new CliError({
          code: Usage,
          message: `${what}: ${file === "-" ? "stdin" : file} is nested more than ${maxJsonDepth} levels deep; ` +
            "nothing was sent"
        })
      )
      : Effect.try({
        try: (): unknown => JSON.parse(text),
        catch: (e) =>
          new CliError({
            code: Usage,
            message: `${what}: ${file === "-" ? "stdin" : file} is not JSON (${
              text.trim() === "" ? "it is empty" : e instanceof Error ? e.message : String(e)
            }); nothing was sent`
          })
      }))

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * A body whose `password` is a string, with it `Redacted`: the library takes passwords only so,
 * and a file's plain text becomes one here, at the edge (it is unwrapped only on the wire).
 *
 * @internal
 */
export const redactPassword = (body: Record<string, unknown>): Record<string, unknown> =>
  typeof body.password === "string" ? { ...body, password: Redacted.make(body.password) } : body

/** A PATCH operation with its password value `Redacted` (path `password`, or a value object). */
const redactPasswordOperation = (op: unknown): unknown => {
  if (!isObject(op)) return op
  if (typeof op.path === "string" && op.path.toLowerCase() === "password" && typeof op.value === "string") {
    return { ...op, value: Redacted.make(op.value) }
  }
  return isObject(op.value) ? { ...op, value: redactPassword(op.value) } : op
}

/**
 * A JSON object (not an array, not a scalar); a string `password` in it becomes `Redacted`.
 *
 * @internal
 */
export const readObject = (file: string, what: string) =>
  Effect.flatMap(readJson(file, what), (json) =>
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? Effect.succeed(redactPassword(json as Record<string, unknown>))
      : Effect.fail(
        new CliError({
          code: Usage,
          message: `${what}: expected a JSON object, got ${
            Array.isArray(json) ? "an array" : typeof json === "object" ? "null" : typeof json
          }; nothing was sent`
        })
      ))

/**
 * PATCH operations from a file or stdin: an array of operations, or a PatchOp message (its
 * `Operations`), checked with core's `Patch.decodeOperations` before anything is sent.
 *
 * @internal
 */
export const readOperations = (file: string, what: string, operation: string) =>
  Effect.flatMap(readJson(file, what), (json) => {
    const raw = typeof json === "object" && json !== null && !Array.isArray(json) && "Operations" in json
      ? (json as { readonly Operations: unknown }).Operations
      : json
    const ops = Array.isArray(raw) ? raw.map(redactPasswordOperation) : raw
    return Either.match(Patch.decodeOperations(ops, { operation }), {
      onLeft: (e) => Effect.fail(e),
      onRight: (ops) => Effect.succeed(ops)
    })
  })

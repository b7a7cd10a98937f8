/**
 * Input that commands read from a file or stdin: the text of a file (`-` for stdin), and JSON
 * parsed from it. Every failure is a usage error (exit code 2) raised before any request.
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { CliError, Usage } from "../ExitCode.js"
import { Io } from "../Io.js"

/**
 * The text of `file`, or of stdin when `file` is `-`.
 *
 * @internal
 */
export const readText = (file: string): Effect.Effect<string, CliError, FileSystem.FileSystem | Io> =>
  file === "-"
    ? Effect.flatMap(Io, (io) => io.readStdin)
    : Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(file)).pipe(
      Effect.mapError((e) =>
        new CliError({
          code: Usage,
          message: `cannot read ${file}: ${
            e._tag === "SystemError" && e.reason === "NotFound" ? "no such file" : e.message
          }`
        })
      )
    )

/**
 * The JSON document in `file` (`-`: stdin). `what` names it in errors (`--data`).
 *
 * @internal
 */
export const readJson = (file: string, what: string): Effect.Effect<unknown, CliError, FileSystem.FileSystem | Io> =>
  Effect.flatMap(readText(file), (text) =>
    Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (e) =>
        new CliError({
          code: Usage,
          message: `${what}: ${file === "-" ? "stdin" : file} is not JSON (${
            text.trim() === "" ? "it is empty" : e instanceof Error ? e.message : String(e)
          }); nothing was sent`
        })
    }))

/**
 * A JSON object (not an array, not a scalar).
 *
 * @internal
 */
export const readObject = (file: string, what: string) =>
  Effect.flatMap(readJson(file, what), (json) =>
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? Effect.succeed(json as Record<string, unknown>)
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
    return Either.match(Patch.decodeOperations(raw, { operation }), {
      onLeft: (e) => Effect.fail(e),
      onRight: (ops) => Effect.succeed(ops)
    })
  })

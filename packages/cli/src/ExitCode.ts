/**
 * Exit codes scripts can rely on, and how every error of the stack maps to one, with a one-line
 * message that names the cause and the fix.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | everything was done |
 * | 1 | some rows (or the one operation) failed: not found (a durable batch too, `BatchNotFound`), conflict, refused by the server (`EventFailed`); a re-run resumes |
 * | 2 | usage, configuration or CSV error: fix the command line, the environment or the file (also a durable batch id used for other input, `BatchMismatch`, or refused, `InvalidEvent`) |
 * | 3 | authentication or scope: bad client credentials, grant not enabled, missing scope (before anything was done) |
 * | 4 | server or transport: 5xx, timeouts, rate limits that outlasted the retries, invalid answers; the durable state's storage failed (`StorageError`) |
 * | 5 | a batch stopped by a fatal error (credentials, scope, permission) after it started: the report holds every employee processed; fix the cause and re-run to resume |
 * | 6 | a name matches more than one user, group, role or sub-organization (`AmbiguousUser`, `AmbiguousGroup`, `AmbiguousRole`, `AmbiguousOrganization`): qualify it with its store or audience, or use the id |
 * | 7 | a batch (`hr onboard`) finished: every valid row is done, but invalid rows of the CSV were skipped (also `--dry-run` with invalid rows) |
 * | 130 | interrupted (Ctrl-C) |
 *
 * @since 0.1.0
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Predicate from "effect/Predicate"

/**
 * @since 0.1.0
 * @category constants
 */
export const Ok = 0 as const
/**
 * @since 0.1.0
 * @category constants
 */
export const Failed = 1 as const
/**
 * @since 0.1.0
 * @category constants
 */
export const Usage = 2 as const
/**
 * @since 0.1.0
 * @category constants
 */
export const Auth = 3 as const
/**
 * @since 0.1.0
 * @category constants
 */
export const Server = 4 as const
/**
 * A batch (`hr onboard`) stopped by a fatal error after it started writing.
 *
 * @since 0.2.0
 * @category constants
 */
export const Aborted = 5 as const
/**
 * A name matches more than one user or group (in several user stores with `--all-stores`), role
 * (in several audiences: `--audience` tells them apart) or sub-organization (`--sub-org`).
 *
 * @since 0.2.0
 * @category constants
 */
export const Ambiguous = 6 as const
/**
 * A batch (`hr onboard`) finished with every valid row done, but invalid rows of the CSV were
 * skipped (they are listed on stderr and in the report). Was 2 (`Usage`) before 0.2.0.
 *
 * @since 0.2.0
 * @category constants
 */
export const Skipped = 7 as const
/**
 * @since 0.1.0
 * @category constants
 */
export const Interrupted = 130 as const

/**
 * @since 0.1.0
 * @category models
 */
export type ExitCode =
  | typeof Ok
  | typeof Failed
  | typeof Usage
  | typeof Auth
  | typeof Server
  | typeof Aborted
  | typeof Ambiguous
  | typeof Skipped
  | typeof Interrupted

/**
 * Every exit code with a few words on it, in order: what the root help and the READMEs list.
 *
 * @since 0.2.0
 * @category constants
 */
export const meanings: ReadonlyArray<readonly [ExitCode, string]> = [
  [Ok, "done"],
  [Failed, "some rows failed"],
  [Usage, "usage/configuration/CSV"],
  [Auth, "authentication/scope"],
  [Server, "server/transport"],
  [Aborted, "a batch stopped by a fatal error (re-run to resume)"],
  [Ambiguous, "ambiguous name"],
  [Skipped, "a batch finished but skipped invalid rows"],
  [Interrupted, "interrupted"]
]

/**
 * The exit codes in one line: `0 done, 1 some rows failed, ...`.
 *
 * @since 0.2.0
 * @category constants
 */
export const summary: string = meanings.map(([code, meaning]) => `${code} ${meaning}`).join(", ")

/**
 * A failure of a command, already described: the exit code and one line for people (empty when
 * the command printed everything itself, e.g. a batch summary with failed rows).
 *
 * @since 0.1.0
 * @category errors
 */
export class CliError extends Data.TaggedError("CliError")<{
  readonly code: ExitCode
  readonly message: string
}> {}

const usageTags = new Set([
  "InvalidInput",
  "InvalidFilter",
  "UnsupportedFilter",
  "Unsupported",
  "InvalidId",
  "UnknownRole",
  "InvalidEmployee",
  "InvalidRoleMapping",
  "MissingRole",
  "CsvError",
  "OrganizationNotFound",
  // @asgardeo-scim/workflow (hr onboard --durable): a batch id or options refused, an id used for other input.
  "InvalidEvent",
  "BatchMismatch"
])
const authTags = new Set([
  "InvalidClient",
  "TokenError",
  "Unauthorized",
  "Forbidden",
  "MissingScope",
  "MissingScopes",
  "OrganizationSwitchFailed"
])
const ambiguousTags = new Set(["AmbiguousUser", "AmbiguousGroup", "AmbiguousRole", "AmbiguousOrganization"])
const serverTags = new Set([
  "ServerError",
  "TransportError",
  "RateLimited",
  "InvalidResponse",
  "NotImplemented",
  "PayloadTooLarge",
  "PagingAborted",
  "ServeError",
  // The durable state's storage (SQLite, PostgreSQL) failed; a run again resumes.
  "StorageError"
])

/**
 * The exit code of an error tag.
 *
 * @since 0.1.0
 * @category getters
 */
export const forTag = (tag: string): ExitCode =>
  usageTags.has(tag)
    ? Usage
    : authTags.has(tag)
    ? Auth
    : serverTags.has(tag)
    ? Server
    : ambiguousTags.has(tag)
    ? Ambiguous
    : tag === "BatchAborted"
    ? Aborted
    : Failed

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ").trim()

/**
 * Describes any failure as an exit code and one line naming the cause and the fix.
 *
 * @since 0.1.0
 * @category getters
 */
export const describe = (error: unknown): { readonly code: ExitCode; readonly message: string } => {
  if (error instanceof CliError) return { code: error.code, message: error.message }
  if (Predicate.isTagged(error, "MissingScope")) {
    const e = error as unknown as { scope: string; message: string }
    return {
      code: Auth,
      message: `${e.message} (API resource: ${Scopes.apiResource(e.scope)}). ` +
        "`asgardeo-scim scopes` lists what each command needs"
    }
  }
  if (Predicate.isTagged(error, "MissingScopes") && error instanceof Error) {
    return { code: Auth, message: `${oneLine(error.message)}. \`asgardeo-scim scopes\` lists what each command needs` }
  }
  if (ConfigError.isConfigError(error)) {
    // effect's ConfigError: MissingData, InvalidData, And, Or, ...
    return { code: Usage, message: `configuration: ${oneLine(configMessage(error))}` }
  }
  if (Predicate.hasProperty(error, "_tag") && typeof error._tag === "string") {
    const tag = error._tag
    const message = error instanceof Error ? error.message : String(error)
    let hint = ""
    if (tag === "TransportError") {
      hint = ". Check ASGARDEO_BASE_URL and the network, then run again"
    } else if (tag === "ServerError" || tag === "RateLimited") {
      hint = ". Run again later; finished work is kept"
    } else if (tag === "BatchMismatch") {
      hint = ". Pass another --batch-id, or leave it out: the default id follows the file, the target and the options"
    } else if (tag === "StorageError") {
      hint = ". Check the --state file (one asgardeo-scim at a time per file), then run again: finished work is kept"
    } else if (tag === "BatchNotFound") {
      hint = ". Give the id `hr onboard --durable` printed, and its --state file"
    } else if (tag === "MissingRole") {
      hint = ". With the CLI: `asgardeo-scim hr setup --role-mapping <file>` creates the missing roles"
    }
    return { code: forTag(tag), message: oneLine(`${message}${hint}`) }
  }
  return { code: Failed, message: oneLine(error instanceof Error ? error.message : String(error)) }
}

const configMessage = (error: unknown): string => {
  const e = error as { _op: string; path?: ReadonlyArray<string>; message?: string; left?: unknown; right?: unknown }
  switch (e._op) {
    case "And":
    case "Or":
      return `${configMessage(e.left)}; ${configMessage(e.right)}`
    case "MissingData":
      return `${e.path?.join(".") ?? "a setting"} is missing: set it in the environment or pass the flag` +
        " (--org, --client-id, --client-secret, --base-url), or use --emulator"
    default:
      return e.message ?? String(error)
  }
}

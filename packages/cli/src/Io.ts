/**
 * Where the CLI writes: results to stdout, messages, log lines and the progress bar to stderr.
 * Each stream is coloured on its own terms (no-color.org): never when `NO_COLOR` is set (not
 * empty), always when `FORCE_COLOR` is set (not empty, `0` or `false`), else only when that
 * stream is a terminal; so piped output is plain text. The progress bar is drawn only when stderr
 * is a terminal. Tests swap in {@link makeTest}, which records both streams.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CliError, Usage } from "./ExitCode.js"
import * as Color from "./internal/color.js"

/**
 * The most a command reads from a file or stdin: the largest request body (1 MiB) and a margin.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxInputBytes = 2 * 1_048_576

/**
 * The usage error of an input over `maxInputBytes`.
 *
 * @since 0.3.0
 * @category errors
 */
export const tooLarge = (what: string, maxBytes: number = maxInputBytes): CliError =>
  new CliError({ code: Usage, message: `${what} is over ${maxBytes} bytes: nothing was sent` })

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Writes a line (a newline is added) to stdout. */
  readonly out: (text: string) => Effect.Effect<void>
  /** Writes a line to stderr. */
  readonly err: (text: string) => Effect.Effect<void>
  /**
   * Writes a log line to stderr at once (loggers are synchronous). Never stdout, so `--json`
   * output stays one document at any log level.
   *
   * @since 0.2.0
   */
  readonly log: (line: string) => void
  /** Rewrites the current stderr line (progress bar); a no-op when stderr is not a terminal. */
  readonly status: (text: string) => Effect.Effect<void>
  /** stderr is a terminal: draw the progress bar. */
  readonly interactive: boolean
  /** Colour what goes to stdout (a terminal, or `FORCE_COLOR`; never with `NO_COLOR`). */
  readonly color: boolean
  /**
   * Colour what goes to stderr, by the same rules for stderr.
   *
   * @since 0.2.0
   */
  readonly colorErr: boolean
  /**
   * Reads stdin as UTF-8 text (`-` for a file argument), at most `maxBytes` when given: a
   * longer input, or a read error, is a usage error (exit code 2) before anything is sent.
   *
   * @since 0.3.0
   */
  readonly readStdin: (maxBytes?: number) => Effect.Effect<string, CliError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Io extends Context.Tag("@asgardeo-scim/cli/Io")<Io, Service>() {}

/**
 * The process's stdout and stderr.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeProcess = (): Service => {
  // `asgardeo-scim users list | head`: a closed pipe ends the program quietly.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0)
  })
  const interactive = process.stderr.isTTY === true
  let statusShown = false
  const clearStatus = () => {
    if (statusShown) {
      process.stderr.write("\r\x1b[2K")
      statusShown = false
    }
  }
  return {
    out: (text) =>
      Effect.sync(() => {
        clearStatus()
        process.stdout.write(text + "\n")
      }),
    err: (text) =>
      Effect.sync(() => {
        clearStatus()
        process.stderr.write(text + "\n")
      }),
    log: (line) => {
      clearStatus()
      process.stderr.write(line + "\n")
    },
    status: (text) =>
      interactive
        ? Effect.sync(() => {
          process.stderr.write("\r\x1b[2K" + text)
          statusShown = text !== ""
        })
        : Effect.void,
    interactive,
    color: Color.enabled(process.stdout.isTTY, process.env),
    colorErr: Color.enabled(process.stderr.isTTY, process.env),
    readStdin: (maxBytes = Number.POSITIVE_INFINITY) =>
      Effect.async<string, CliError>((resume) => {
        const chunks: Array<Buffer> = []
        let bytes = 0
        const onData = (chunk: Buffer | string) => {
          const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk
          bytes += buffer.length
          if (bytes > maxBytes) {
            process.stdin.pause()
            return resume(Effect.fail(tooLarge("stdin", maxBytes)))
          }
          chunks.push(buffer)
        }
        const onEnd = () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
        const onError = (error: Error) =>
          resume(Effect.fail(new CliError({ code: Usage, message: `cannot read stdin: ${error.message}` })))
        process.stdin.on("data", onData)
        process.stdin.once("end", onEnd)
        process.stdin.once("error", onError)
        return Effect.sync(() => {
          process.stdin.off("data", onData)
          process.stdin.off("end", onEnd)
          process.stdin.off("error", onError)
          process.stdin.pause()
        })
      })
  }
}

/**
 * The process's streams as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProcess: Layer.Layer<Io> = Layer.sync(Io, makeProcess)

/**
 * A recording `Io` for tests: what was written to each stream, and the status lines.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTest = (
  options: {
    readonly interactive?: boolean
    readonly color?: boolean
    readonly colorErr?: boolean
    /** What `readStdin` reads (default: nothing). */
    readonly stdin?: string
  } = {}
) => {
  const stdout: Array<string> = []
  const stderr: Array<string> = []
  const statuses: Array<string> = []
  const service: Service = {
    out: (text) => Effect.sync(() => void stdout.push(text)),
    err: (text) => Effect.sync(() => void stderr.push(text)),
    log: (line) => void stderr.push(line),
    status: (text) => options.interactive === true ? Effect.sync(() => void statuses.push(text)) : Effect.void,
    interactive: options.interactive === true,
    color: options.color === true,
    colorErr: (options.colorErr ?? options.color) === true,
    readStdin: (maxBytes = Number.POSITIVE_INFINITY) => {
      const text = options.stdin ?? ""
      return Buffer.byteLength(text) > maxBytes ? Effect.fail(tooLarge("stdin")) : Effect.succeed(text)
    }
  }
  return {
    service,
    layer: Layer.succeed(Io, service),
    stdout: () => stdout.join("\n"),
    stderr: () => stderr.join("\n"),
    statuses: () => statuses as ReadonlyArray<string>
  }
}

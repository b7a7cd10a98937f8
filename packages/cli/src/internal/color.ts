/**
 * When the CLI writes colour, following no-color.org: `NO_COLOR` set to anything but the empty
 * string turns colour off; else `FORCE_COLOR` set to anything but the empty string, `0` or
 * `false` turns it on; else colour only on a terminal. Each stream decides for itself (stdout
 * piped to a file while stderr is a terminal: plain stdout, coloured stderr). This module imports
 * nothing, so the binary's fast `--help` can use it.
 *
 * @internal
 */

/** The environment variables that decide. */
export interface ColorEnv {
  readonly NO_COLOR?: string | undefined
  readonly FORCE_COLOR?: string | undefined
}

/**
 * Whether to colour a stream: `isTTY` is the stream's `isTTY`.
 *
 * @internal
 */
export const enabled = (isTTY: boolean | undefined, env: ColorEnv): boolean => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false"
  return isTTY === true
}

const sgr = /\u001b\[[0-9;]*m/g

/**
 * Removes the colour and style codes (SGR escapes) from text.
 *
 * @internal
 */
export const strip = (text: string): string => text.replace(sgr, "")

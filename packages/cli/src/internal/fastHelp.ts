/**
 * The binary's fast `--help`: for `asgardeo-scim [command [subcommand...]] --help` (or `-h`),
 * the stored page of that command (`helpText.ts`, generated from what @effect/cli renders and checked
 * against it by the tests) without loading effect or @effect/cli, which take most of the start-up.
 * Anything else (an unknown command, another flag, a flag before the command) is left to the
 * real parser. This module imports only the pages and `color.ts`.
 *
 * @internal
 */
import * as Color from "./color.js"
import { pages } from "./helpText.js"

const word = /^[a-z][a-z-]*$/

/**
 * The key of a command path in the stored pages: its words joined by spaces (`""` for the
 * program itself, `"users list"`).
 *
 * @internal
 */
export const key = (path: ReadonlyArray<string>): string => path.join(" ")

/**
 * What `asgardeo-scim args` writes to stdout when `args` asks for the help of a command (the
 * page, plain unless stdout is to be coloured, and a newline, as `Io` writes it), or `undefined`
 * when the command line is one for the real parser.
 *
 * @internal
 */
export const text = (
  args: ReadonlyArray<string>,
  isTTY: boolean | undefined,
  env: Color.ColorEnv
): string | undefined => {
  const flag = args[args.length - 1]
  if (flag !== "--help" && flag !== "-h") return undefined
  const path = args.slice(0, -1)
  if (path.length > 3 || !path.every((w) => word.test(w))) return undefined
  const k = key(path)
  if (!Object.hasOwn(pages, k)) return undefined
  const page = pages[k]!
  return `${Color.enabled(isTTY, env) ? page : Color.strip(page)}\n`
}

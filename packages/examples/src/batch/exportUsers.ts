/**
 * A batch program: streams every user of the organization to a JSONL file, one user a line,
 * holding one page at a time (`Users.stream` pages through the whole directory once; its memory
 * grows only by the set of ids seen, to drop repeats). Run with
 * `Effect.runPromise`, the way a cron job or a script would:
 *
 * ```sh
 * pnpm build && node packages/examples/dist/batch/exportUsers.js users.jsonl
 * ```
 *
 * @since 0.1.0
 */
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { once } from "node:events"
import * as fs from "node:fs"

/**
 * Writes every user to `file` as JSON lines; returns how many.
 *
 * @since 0.1.0
 * @category programs
 */
export const exportUsers = (file: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => fs.createWriteStream(file, { encoding: "utf8" })),
    (out) =>
      Effect.flatMap(Users.Users, (users) =>
        users.stream().pipe(
          Stream.runFoldEffect(0, (n, user) =>
            Effect.promise(async () => {
              // Respect back-pressure: wait for the file to drain when its buffer is full.
              if (!out.write(JSON.stringify(user) + "\n")) await once(out, "drain")
              return n + 1
            }))
        )),
    (out) => Effect.promise(() => new Promise<void>((resolve) => out.end(resolve)))
  )

/**
 * The directory of the `ASGARDEO_*` organization over undici.
 *
 * @since 0.1.0
 * @category layers
 */
export const DirectoryLive = Directory.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? "users.jsonl"
  Effect.runPromise(exportUsers(file).pipe(Effect.provide(DirectoryLive))).then(
    (n) => console.log(`${n} users written to ${file}`),
    (error) => {
      console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    }
  )
}

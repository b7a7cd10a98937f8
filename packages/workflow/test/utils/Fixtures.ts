import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { Runner } from "@asgardeo-scim/workflow"
import type { Duration } from "effect"
import { Effect, Layer, Logger, LogLevel } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

/** The HR service over an emulator given by the context (its `HttpClient` and service). */
export const hrOn = (overrides: Parameters<typeof AsgardeoEmulator.layerConfig>[0] = {}) =>
  HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()),
    Layer.provideMerge(Directory.layer),
    Layer.provideMerge(AsgardeoEmulator.layerConfig(overrides))
  )

/** The HR service over the in-process emulator, in real time (no TestClock): for it.live tests. */
export const hrOnEmulator = (
  options: AsgardeoEmulator.Options = {},
  overrides: Parameters<typeof AsgardeoEmulator.layerConfig>[0] = {}
) => hrOn(overrides).pipe(Layer.provideMerge(AsgardeoEmulator.layerClient(options)))

/** A fresh directory for a SQLite file, removed when the scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "asgardeo-workflow-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

/** The cluster logs every shard move at INFO: warnings and above only. */
export const quiet = Logger.minimumLogLevel(LogLevel.Warning)

export const kim = {
  employeeId: "E1001",
  email: "kim@example.com",
  firstName: "Kim",
  lastName: "Lee",
  department: "Engineering",
  role: "employee"
}

/** A runner stopped with work in flight waits this long for it (the default is 15 s). */
export const fastStop = { entityTerminationTimeout: "200 millis" } as const

/** Work, an embedded runner on `filename` and the HR service on the emulator, one attempt per request. */
export const embedded = (
  filename: string,
  options: {
    readonly inMemoryThreshold?: Duration.DurationInput | undefined
    readonly backoff?: ReadonlyArray<Duration.DurationInput> | undefined
    readonly emulator?: AsgardeoEmulator.Options
  } = {}
) =>
  Runner.work({
    backoff: options.backoff ?? ["10 millis", "10 millis"],
    inMemoryThreshold: options.inMemoryThreshold
  }).pipe(
    Layer.provideMerge(Runner.layerEmbedded({ filename, sharding: fastStop })),
    Layer.provideMerge(hrOnEmulator(options.emulator ?? {}, { retry: { maxAttempts: 1 } }))
  )

/** Runs `effect` every `every` until `done` holds for its value; that value. */
export const pollUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  done: (a: A) => boolean,
  every: Duration.DurationInput = "20 millis"
): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    effect,
    (a) => done(a) ? Effect.succeed(a) : Effect.zipRight(Effect.sleep(every), pollUntil(effect, done, every))
  )

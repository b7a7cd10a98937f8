// Scenario 7 (deadlines under load): a batch of Users.get at concurrency 16 over the in-process
// emulator, whose answers arrive only through promise callbacks, while one more request hangs.
// `mode`: `honored` (the engine honors RequestAbort: no fiber per attempt) or `interrupt` (any
// other engine: the attempt's fiber is interrupted). Reports how late the hanging request's
// deadline fired, measured while the batch runs, and the heap growth per call at the end of the
// batch (after a GC, before the event loop goes idle) and what of it is released once the loop is
// idle. Run with --expose-gc.
import * as RequestAbort from "@asgardeo-scim/core/RequestAbort"
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as AsgardeoEmulator from "@asgardeo-scim/testkit/AsgardeoEmulator"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import { performance } from "node:perf_hooks"
import { report } from "./util.mjs"

const [mode, nArg, timeoutArg] = process.argv.slice(2)
const n = Number(nArg)
const timeoutMillis = Number(timeoutArg)
const hangId = "00000000-0000-4000-8000-00000000dead"

// The emulator's engine, but a request for `hangId` never gets an answer.
const wrap = (emulator, current) => {
  const honored = mode === "honored"
  const aborted = (request) =>
    new HttpClientError.RequestError({ request, reason: "Transport", description: "aborted" })
  const hang = (request) =>
    honored
      ? Effect.flatMap(FiberRef.get(current), (handle) =>
        Effect.async((resume) => handle.onAbort(() => resume(Effect.fail(aborted(request))))))
      : Effect.never
  const client = HttpClient.makeWith(
    (request) => Effect.flatMap(request, (r) => (r.url.endsWith(hangId) ? hang(r) : emulator.execute(r))),
    Effect.succeed
  )
  return honored ? RequestAbort.mark(client, current) : client
}

const emulated = AsgardeoEmulator.layerClient()
const engine = Layer.scoped(
  HttpClient.HttpClient,
  Effect.zipWith(HttpClient.HttpClient, RequestAbort.makeCurrent, wrap)
).pipe(Layer.provide(emulated))
const layer = Directory.layer.pipe(
  Layer.provideMerge(AsgardeoEmulator.layerConfig({ timeout: `${timeoutMillis} millis`, retry: { maxAttempts: 1 } })),
  Layer.provide(engine),
  Layer.provideMerge(emulated)
)

const heap = () => {
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

const program = Effect.gen(function*() {
  const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
  const users = yield* Users.Users
  yield* emulator.seedUsers([{ userName: "kim.lee@example.com" }])
  const id = (yield* emulator.snapshot()).users[0].id
  const batch = (count) =>
    Effect.forEach(Array.from({ length: count }), () => users.get(id), { concurrency: 16, discard: true })
  yield* batch(500)
  const heap0 = heap()
  const t0 = performance.now()
  let firedAt
  const hung = yield* Effect.fork(
    Effect.either(users.get(hangId)).pipe(Effect.tap(() => Effect.sync(() => firedAt = performance.now())))
  )
  yield* batch(n)
  const batchMs = performance.now() - t0
  const heap1 = heap()
  const result = yield* Fiber.join(hung)
  // The loop goes idle: what the batch held only while it ran is released.
  yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 200)))
  const heap2 = heap()
  return {
    mode,
    n,
    timeoutMillis,
    batchMs,
    heapBytesPerCall: (heap1 - heap0) / n,
    // Held during the batch and released once the loop is idle (the emulator's own request log,
    // kept for its lifetime, is in heapBytesPerCall but not in this).
    transientHeapBytesPerCall: (heap1 - heap2) / n,
    firedDuringBatch: firedAt !== undefined && firedAt - t0 <= batchMs,
    lateMs: firedAt === undefined ? null : firedAt - t0 - timeoutMillis,
    error: result._tag === "Left" ? `${result.left._tag}/${result.left.reason}` : "none"
  }
})

report(await Effect.runPromise(program.pipe(Effect.provide(layer))))

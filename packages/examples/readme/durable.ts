import { ScimConfig } from "@asgardeo-scim/core"
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { DurableBatch, EmployeeQueue, Runner, SharedBudget, Storage } from "@asgardeo-scim/workflow"
import { NodeHttpClient } from "@effect/platform-node"
import { Config, Effect, Layer, Stream } from "effect"

// The HR service as usual (role groups; HrDirectory.layerRoles(mapping) works the same way).
const Hr = HrDirectory.layer.pipe(Layer.provide(RoleMapping.layer()))

// One process, SQLite in a file, no server: a killed run resumes when a runner starts again on it.
// Like Directory.layer, it needs a ScimConfig and an HttpClient.
export const Embedded = (filename: string) =>
  Runner.work().pipe(
    Layer.provideMerge(Hr),
    Layer.provideMerge(Directory.layer),
    Layer.provideMerge(Runner.layerEmbedded({ filename }))
  )

// One of several runners on PostgreSQL: the work is spread over the live runners, a dead one's is
// taken over, and every runner's requests come out of one budget per organization.
export const Distributed = Layer.unwrapEffect(Effect.gen(function*() {
  const url = yield* Config.redacted("DATABASE_URL")
  const port = yield* Config.port("RUNNER_PORT")
  return Runner.work().pipe(
    Layer.provideMerge(Hr),
    Layer.provideMerge(SharedBudget.layerDirectory()), // ASGARDEO_EGRESS names this runner's egress
    Layer.provideMerge(Runner.layerSocket({ listen: { host: "0.0.0.0", port } })),
    Layer.provideMerge(Storage.layerPg({ url })),
    Layer.provide(ScimConfig.layerConfig()),
    Layer.provide(NodeHttpClient.layerUndici)
  )
}))

// An HR event (a parsed request body): stored in its employee's queue, applied once per eventId,
// after that employee's earlier events. `apply` waits for the result; `status` reads it later.
export const onEvent = (body: unknown) => EmployeeQueue.submit(body)

// A batch: the employees are stored with their progress, then run by the runners. The same input
// again resumes it (or re-runs its failures); the last progress says how it ended.
export const onboard = (employees: ReadonlyArray<unknown>) =>
  Effect.flatMap(
    DurableBatch.submit(employees, { concurrency: 8 }),
    (batch) => Stream.runLast(DurableBatch.watch(batch.batchId))
  )

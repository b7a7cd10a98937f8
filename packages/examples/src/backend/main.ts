/**
 * The HR backend on a real port, talking to the Asgardeo organization of `ASGARDEO_ORG`,
 * `ASGARDEO_CLIENT_ID` and `ASGARDEO_CLIENT_SECRET`:
 *
 * ```sh
 * pnpm build && PORT=3000 node packages/examples/dist/backend/main.js
 * curl -X POST localhost:3000/employees -H 'content-type: application/json' \
 *   -d '{"employeeId":"E1","email":"kim@example.com","firstName":"Kim","lastName":"Lee","department":"Eng","role":"employee"}'
 * ```
 *
 * @since 0.1.0
 */
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as Layer from "effect/Layer"
import { createServer } from "node:http"
import { HrApiLive } from "./HrApiLive.js"

/**
 * HR on the directory of the `ASGARDEO_*` organization, over undici; the directory's services
 * (`Users`, `Groups`...) too.
 *
 * @since 0.1.0
 * @category layers
 */
export const HrLive = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()),
  Layer.provideMerge(Directory.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)

const ServerLive = HttpApiBuilder.serve(HttpMiddleware.logger).pipe(
  Layer.provide(HrApiLive),
  Layer.provide(HrLive),
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env["PORT"] ?? 3000) }))
)

if (import.meta.url === `file://${process.argv[1]}`) {
  NodeRuntime.runMain(Layer.launch(ServerLive))
}

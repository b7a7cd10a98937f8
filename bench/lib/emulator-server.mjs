// The emulator on a real loopback port in its own process, for scenarios 2-4. Options come as
// JSON in argv[2] (EmulatorServer options plus `seedUsers: n`). Prints `READY {baseUrl, ...}`.
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"

const options = JSON.parse(process.argv[2] ?? "{}")
const { seedUsers = 0, ...serverOptions } = options
const scope = Effect.runSync(Scope.make())
const emulator = await Effect.runPromise(Scope.extend(EmulatorServer.make(serverOptions), scope))
if (seedUsers > 0) {
  await Effect.runPromise(emulator.seedUsers(
    Array.from({ length: seedUsers }, (_, i) => ({
      userName: `user${i + 1}@example.com`,
      name: { givenName: `User${i + 1}`, familyName: "Seed" },
      emails: [{ value: `user${i + 1}@example.com`, primary: true }]
    }))
  ))
}
process.stdout.write(`READY ${JSON.stringify({ baseUrl: emulator.baseUrl, ...emulator.credentials })}\n`)
process.on("SIGTERM", () => {
  Effect.runPromise(Scope.close(scope, Effect.void)).finally(() => process.exit(0))
})

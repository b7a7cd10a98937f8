// The directory over the in-process Asgardeo emulator (testkit): no sockets.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Directory } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { Effect, Layer } from "effect"

export const layer = (
  options: AsgardeoEmulator.Options = {},
  overrides: Partial<AsgardeoConfig.Options> = {}
) => Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(options, overrides)))

/** SCIM requests the emulator logged (token requests left out). */
export const scimLog = Effect.map(
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.log),
  (log) => log.filter((e) => !e.path.endsWith("/oauth2/token"))
)

export const clearLog = Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.clearLog)

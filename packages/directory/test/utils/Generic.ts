// The directory with a generic RFC 7644 profile against the SCIMMY peer server.
import type { Directory as D } from "@asgardeo-scim/directory"
import { Directory } from "@asgardeo-scim/directory"
import type { HttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import * as ScimmyServer from "./ScimmyServer.js"

export const layer = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: {
    readonly pageSize?: number
    readonly strict?: boolean
    readonly lacks?: ScimmyServer.Options["lacks"]
  } = {}
): Layer.Layer<D.Services | ScimmyServer.Scimmy> =>
  Layer.unwrapEffect(Effect.map(ScimmyServer.Scimmy, (s) =>
    Directory.layerGeneric({
      scimBaseUrl: s.baseUrl,
      auth: { bearerToken: Redacted.make(s.token) },
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {})
    }).pipe(Layer.orDie))).pipe(
      Layer.provide(http),
      Layer.provideMerge(
        options.lacks !== undefined
          ? ScimmyServer.layerWith({ strict: options.strict ?? false, lacks: options.lacks })
          : options.strict
          ? ScimmyServer.layerStrict
          : ScimmyServer.layer
      )
    )

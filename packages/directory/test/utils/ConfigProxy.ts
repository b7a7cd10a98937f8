/**
 * A small HTTP proxy in front of a SCIM server (the SCIMMY peer) that changes what the server's
 * `ServiceProviderConfig` advertises and forwards everything else byte for byte: a real server
 * without a feature (Bulk, sorting, ...) while the rest of its behaviour is the third party's own.
 * Each top-level key of `advertise` replaces the server's (`{ bulk: { supported: false } }`).
 * Listens on 127.0.0.1, port 0, for the scope of the layer; keeps a log of what it forwarded.
 */
import { Context, Effect, Layer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as ScimmyServer from "./ScimmyServer.js"

export interface ConfigProxy {
  /** The proxy's SCIM base URL, e.g. `http://127.0.0.1:PORT/scim/v2`. */
  readonly baseUrl: string
  /** `METHOD /path` of every request forwarded, oldest first (the configuration's included). */
  readonly forwarded: ReadonlyArray<string>
}

export class Proxy extends Context.Tag("test/ConfigProxy")<Proxy, ConfigProxy>() {}

const make = (advertise: Readonly<Record<string, unknown>>) =>
  Effect.gen(function*() {
    const upstream = new URL((yield* ScimmyServer.Scimmy).baseUrl)
    const forwarded: Array<string> = []
    const server = Http.createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0]!
      forwarded.push(`${req.method} ${path}`)
      const isConfig = req.method === "GET" && path.endsWith("/ServiceProviderConfig")
      const headers = { ...req.headers, host: upstream.host }
      if (isConfig) delete headers["accept-encoding"]
      const out = Http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          if (!isConfig || answer.statusCode !== 200) {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
            return
          }
          const chunks: Array<Buffer> = []
          answer.on("data", (c: Buffer) => chunks.push(c))
          answer.on("end", () => {
            const body = { ...JSON.parse(Buffer.concat(chunks).toString("utf8")), ...advertise }
            const text = JSON.stringify(body)
            const { "content-length": _length, ...rest } = answer.headers
            res.writeHead(200, { ...rest, "content-length": Buffer.byteLength(text) })
            res.end(text)
          })
        }
      )
      out.on("error", () => res.destroy())
      req.pipe(out)
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const port = (server.address() as AddressInfo).port
    return Proxy.of({
      baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
      get forwarded() {
        return forwarded.slice()
      }
    })
  })

/** The proxy in front of the `Scimmy` in context. */
export const layer = (
  advertise: Readonly<Record<string, unknown>>
): Layer.Layer<Proxy, never, ScimmyServer.Scimmy> => Layer.scoped(Proxy, make(advertise))

// A registry for the @asgardeo-scim scope only, serving the packed tarballs: with
// `@asgardeo-scim:registry` pointing here, npm resolves our packages (and the dependencies between
// them: directory -> core) from the tarballs, and everything else from its usual registry, so the
// README's install lines run exactly as a user types them.
// Usage: node registry.mjs <tarball directory> <file to write the URL to>
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { join } from "node:path"

const [dir, urlFile] = process.argv.slice(2)
if (dir === undefined || urlFile === undefined) {
  console.error("usage: node registry.mjs <tarball directory> <url file>")
  process.exit(2)
}

const packages = new Map() // name -> { manifest, file, bytes }
for (const file of readdirSync(dir).filter((f) => f.endsWith(".tgz"))) {
  const bytes = readFileSync(join(dir, file))
  const manifest = JSON.parse(
    execFileSync("tar", ["-xzOf", join(dir, file), "package/package.json"], { encoding: "utf8" })
  )
  packages.set(manifest.name, { manifest, file, bytes })
}

const server = createServer((req, res) => {
  const path = decodeURIComponent((req.url ?? "/").split("?")[0])
  const base = `http://${req.headers.host}`
  if (path.startsWith("/-/")) {
    const entry = [...packages.values()].find((p) => `/-/${p.file}` === path)
    if (entry !== undefined) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": entry.bytes.length })
      return res.end(entry.bytes)
    }
  }
  const entry = packages.get(path.slice(1))
  if (entry === undefined) {
    res.writeHead(404, { "content-type": "application/json" })
    return res.end(JSON.stringify({ error: "not found" }))
  }
  const { bytes, file, manifest } = entry
  const version = {
    ...manifest,
    _id: `${manifest.name}@${manifest.version}`,
    dist: {
      tarball: `${base}/-/${file}`,
      shasum: createHash("sha1").update(bytes).digest("hex"),
      integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`
    }
  }
  res.writeHead(200, { "content-type": "application/json" })
  res.end(JSON.stringify({
    _id: manifest.name,
    name: manifest.name,
    "dist-tags": { latest: manifest.version },
    versions: { [manifest.version]: version }
  }))
})

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  writeFileSync(urlFile, `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`)
})

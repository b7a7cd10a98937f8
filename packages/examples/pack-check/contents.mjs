// What each tarball holds: package.json, README.md and LICENSE (MIT); no tests, test configs or
// build info; every source map's sources and every sourceMappingURL inside the tarball; every bin
// present with a shebang; no workspace: or catalog: range left; the publishing metadata present.
// Usage: node contents.mjs <tarball>...
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, normalize } from "node:path"

const problems = []
for (const tarball of process.argv.slice(2)) {
  const files = new Set(
    execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter((f) => f !== "" && !f.endsWith("/"))
  )
  const dir = mkdtempSync(join(tmpdir(), "pack-contents-"))
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", dir])
    const read = (file) => readFileSync(join(dir, file), "utf8")
    const bad = (message) => problems.push(`${tarball.split("/").pop()}: ${message}`)

    for (const required of ["package/package.json", "package/README.md", "package/LICENSE"]) {
      if (!files.has(required)) bad(`${required} is missing`)
    }
    if (files.has("package/LICENSE") && !/^MIT License/.test(read("package/LICENSE"))) {
      bad("LICENSE is not the MIT licence")
    }

    for (const file of files) {
      if (
        /(^|\/)(test|tests|__tests__|__snapshots__)\//.test(file) ||
        /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/.test(file) ||
        /(^|\/)(vitest\.config\.[cm]?[jt]s|tsconfig[^/]*\.json|[^/]*\.tsbuildinfo)$/.test(file)
      ) bad(`${file} is a test or build file`)
      if (file.endsWith(".map")) {
        const map = JSON.parse(read(file))
        for (const source of map.sources ?? []) {
          const target = normalize(join(dirname(file), map.sourceRoot ?? "", source))
          if (!files.has(target)) bad(`${file} points at ${source}, which is not in the tarball`)
        }
      } else if (/\.(js|d\.ts)$/.test(file)) {
        const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(read(file))?.[1]
        if (url !== undefined && !files.has(normalize(join(dirname(file), url)))) {
          bad(`${file} names ${url}, which is not in the tarball`)
        }
      }
    }

    const manifest = JSON.parse(read("package/package.json"))
    const text = JSON.stringify(manifest)
    if (/"(workspace|catalog):/.test(text)) bad("package.json still has a workspace: or catalog: range")
    if (manifest.license !== "MIT") bad("license is not MIT")
    if (manifest.type !== "module") bad("type is not module")
    if (manifest.engines?.node !== ">=20.19") bad("engines.node is not >=20.19")
    if (manifest.repository?.directory !== `packages/${manifest.name.split("/")[1]}`) {
      bad("repository.directory is wrong")
    }
    for (const field of ["homepage", "bugs", "keywords", "description"]) {
      if (manifest[field] === undefined) bad(`package.json has no ${field}`)
    }
    for (const [name, target] of Object.entries(manifest.bin ?? {})) {
      const file = normalize(join("package", target))
      if (!files.has(file)) bad(`bin ${name} -> ${target} is missing`)
      else if (!read(file).startsWith("#!/usr/bin/env node\n")) bad(`bin ${name} has no shebang`)
    }
    console.log(`contents: ${manifest.name}@${manifest.version}, ${files.size} files`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(`contents: ${p}`)
  process.exit(1)
}

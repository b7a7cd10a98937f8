// The README's install lines, read from the READMEs themselves (README.md and packages/*/README.md):
// every `npm install` / `npm i` command in a sh/bash code block. Each range must be on the line the
// workspace uses (pnpm-workspace.yaml's catalog: `effect@^3.22` for `^3.22.4`; pnpm's version from
// `packageManager`); a bare name is allowed only for our own published packages. npm's `latest` tags
// are Effect 4 and vitest 5, so a bare `effect` would install the wrong major and fail (ERESOLVE).
// Prints one `<readme>\t<command>` line per command that installs one of our packages (the ones
// pack-check runs); exits 1, naming each, on a bad range.
// Usage: node readme-install.mjs <repository root>
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = process.argv[2] ?? "."
const scope = "@asgardeo-scim/"

const catalog = new Map()
let inCatalog = false
for (const line of readFileSync(join(root, "pnpm-workspace.yaml"), "utf8").split("\n")) {
  if (/^\S/.test(line)) inCatalog = line.startsWith("catalog:")
  const m = inCatalog ? /^ {2}"?([^":\s]+)"?:\s*(\S+)/.exec(line) : null
  if (m !== null) catalog.set(m[1], m[2])
}
const packageManager = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager
if (typeof packageManager === "string") catalog.set(packageManager.split("@")[0], packageManager.split("@")[1])

const published = new Set()
for (const dir of readdirSync(join(root, "packages"))) {
  const file = join(root, "packages", dir, "package.json")
  if (!existsSync(file)) continue
  const manifest = JSON.parse(readFileSync(file, "utf8"))
  if (manifest.private !== true) published.add(manifest.name)
}

// "^3.22.4" -> "3.22"; "10.34.9" -> "10.34"
const line = (range) => /^[\^~]?(\d+\.\d+)/.exec(range)?.[1]

const readmes = ["README.md", ...readdirSync(join(root, "packages")).map((d) => join("packages", d, "README.md"))]
  .filter((f) => existsSync(join(root, f)))
const problems = []
let commands = 0
for (const readme of readmes) {
  let fence = null
  readFileSync(join(root, readme), "utf8").split("\n").forEach((text, i) => {
    const open = /^\s*```(\w*)/.exec(text)
    if (open !== null) {
      fence = fence === null ? open[1] : null
      return
    }
    if (fence === null || !["sh", "bash", "shell", "console"].includes(fence)) return
    for (const part of text.replace(/\s#.*$/, "").split(/&&|;|\|\|/)) {
      const words = part.trim().replace(/^\$\s+/, "").split(/\s+/)
      if (words[0] !== "npm" || !["install", "i", "add"].includes(words[1] ?? "")) continue
      commands++
      const where = `${readme}:${i + 1}`
      const names = words.slice(2).filter((w) => !w.startsWith("-"))
      if (names.length === 0) problems.push(`${where}: \`${part.trim()}\` installs nothing by name`)
      for (const word of names) {
        const at = word.indexOf("@", 1)
        const name = at === -1 ? word : word.slice(0, at)
        const range = at === -1 ? undefined : word.slice(at + 1)
        if (name.startsWith(scope)) {
          if (!published.has(name)) problems.push(`${where}: ${name} is not one of our published packages`)
          if (range !== undefined) problems.push(`${where}: ${word}: our packages go without a range`)
        } else if (!catalog.has(name)) {
          problems.push(`${where}: ${name} is not in pnpm-workspace.yaml's catalog`)
        } else if (range === undefined || line(range) !== line(catalog.get(name))) {
          problems.push(`${where}: ${word} must be pinned to the catalog's line (${name}@^${line(catalog.get(name))})`)
        }
      }
      if (names.some((w) => w.startsWith(scope))) console.log(`${readme}\t${part.trim()}`)
    }
  })
}
if (commands === 0) problems.push("no npm install line found in any README")
if (problems.length > 0) {
  for (const p of problems) console.error(`readme-install: ${p}`)
  process.exit(1)
}

// `pnpm docgen`: the API reference in docs/, generated from the JSDoc of every published package
// with @effect/docgen (the generator Effect's own packages use). docgen type-checks every
// `@example` against the package's sources (the other packages through their built dist/, hence
// `tsc -b` first) and runs it with tsx; it fails on an export without `@since`.
//
//   node scripts/docs.mjs           regenerate docs/
//   node scripts/docs.mjs --check   generate into .tmp/docs-check and fail when docs/ differs
//
// Each package has a docgen.json; docgen writes to the package's .docgen/ (its examples must sit
// one folder below the package to import its src/), and this script turns its pages into
// docs/<package>/<Module>.md with an index per package and docs/README.md.
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const check = process.argv.includes("--check")
const outRoot = check ? Path.join(root, ".tmp", "docs-check") : Path.join(root, "docs")
const log = (message) => process.stderr.write(`${message}\n`)

// -------------------------------------------------------------------------------------------------
// the packages
// -------------------------------------------------------------------------------------------------

const readJson = (file) => JSON.parse(Fs.readFileSync(file, "utf8"))

const all = Fs.readdirSync(Path.join(root, "packages"))
  .filter((dir) => Fs.existsSync(Path.join(root, "packages", dir, "package.json")))
  .map((dir) => {
    const pkgDir = Path.join(root, "packages", dir)
    const json = readJson(Path.join(pkgDir, "package.json"))
    return { dir, pkgDir, json, docgen: Fs.existsSync(Path.join(pkgDir, "docgen.json")) }
  })

const published = all.filter((p) => p.json.private !== true)
const missing = published.filter((p) => !p.docgen).map((p) => p.dir)
if (missing.length > 0) {
  log(`docs: published packages without docgen.json: ${missing.join(", ")}`)
  process.exit(1)
}

// Foundations first: by the number of workspace packages each one depends on, then by name.
const names = new Map(published.map((p) => [p.json.name, p]))
const depth = (p, seen = new Set()) => {
  for (const dep of Object.keys(p.json.dependencies ?? {})) {
    const d = names.get(dep)
    if (d !== undefined && !seen.has(dep)) {
      seen.add(dep)
      depth(d, seen)
    }
  }
  return seen.size
}
const packages = published
  .map((p) => ({ ...p, depth: depth(p) }))
  .sort((a, b) => a.depth - b.depth || a.dir.localeCompare(b.dir))

// -------------------------------------------------------------------------------------------------
// running docgen
// -------------------------------------------------------------------------------------------------

// The `@example` tags docgen must find: every one in a documented module. docgen compiles the
// examples of modules, functions, constants, interfaces, type aliases and class methods, not those
// of a class or a re-export; a count that differs means an example nobody compiles.
const countExamples = (p) => {
  const walk = (dir) =>
    Fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? (e.name === "internal" ? [] : walk(Path.join(dir, e.name)))
        : e.name.endsWith(".ts")
        ? [Path.join(dir, e.name)]
        : []
    )
  return walk(Path.join(p.pkgDir, "src"))
    .map((file) => (Fs.readFileSync(file, "utf8").match(/^\s*\*\s*@example\b/gm) ?? []).length)
    .reduce((a, b) => a + b, 0)
}

const docgen = (p) =>
  new Promise((resolve) => {
    Fs.rmSync(Path.join(p.pkgDir, ".docgen"), { recursive: true, force: true })
    const started = Date.now()
    const child = spawn(Path.join(root, "node_modules", ".bin", "docgen"), [], {
      cwd: p.pkgDir,
      env: { ...process.env, PATH: `${Path.join(root, "node_modules", ".bin")}${Path.delimiter}${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("close", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      const found = /(\d+) example\(s\) found/.exec(output)
      const compiled = found === null ? 0 : Number(found[1])
      const expected = countExamples(p)
      let ok = code === 0 && /Docs generation succeeded/.test(output)
      if (ok && compiled !== expected) {
        output += `\n${expected} @example tag(s) in src/, but docgen compiled ${compiled}: an @example on a class or`
          + ` a re-export is not compiled; put it on a constant, a function or the module.\n`
        ok = false
      }
      log(`docs: ${p.json.name}: ${ok ? "ok" : "FAILED"}, ${compiled} example(s), ${seconds} s`)
      if (!ok) log(output.replace(/^/gm, "  "))
      resolve(ok)
    })
  })

const runAll = async (items, jobs, f) => {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker))
  return results
}

// -------------------------------------------------------------------------------------------------
// the pages
// -------------------------------------------------------------------------------------------------

// The named re-exports of a module (`export { a, b as c } from "./x.js"`, `export type { T } ...`).
// docgen shows each as `export declare const c: <its type>`, which is wrong for a type and says
// nothing for a class (`typeof c`): those are shown as the statement that exports them.
const reExports = (file) => {
  const source = Fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
  const found = new Map()
  for (const m of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const spec of m[2].split(",").map((x) => x.trim()).filter((x) => x !== "")) {
      const [local, exported = local] = spec.split(/\s+as\s+/)
      found.set(exported, { statement: `export ${m[1] ?? ""}{ ${spec} } from "${m[3]}"`, typeOnly: m[1] !== undefined })
    }
  }
  return found
}

const fixReExports = (markdown, exports) =>
  markdown.replace(/```ts\nexport declare const (\w+): (.*)\n```/g, (block, name, type) => {
    const e = exports.get(name)
    return e !== undefined && (e.typeOnly || type === name || type === `typeof ${name}`)
      ? `\`\`\`ts\n${e.statement}\n\`\`\``
      : block
  })

// docgen writes Jekyll pages (front matter, an HTML heading); docs/ is read on GitHub and in an
// editor: plain Markdown with a breadcrumb, `{@link X}` as code.
const page = (p, moduleName, text) => {
  const body = fixReExports(text, reExports(Path.join(p.pkgDir, "src", `${moduleName}.ts`)))
    .replace(/^[\s\S]*?\n---\n/, "") // the front matter (docgen 0.5.2's prettier mangles its first line)
    .replace(`<h2 class="text-delta">Table of contents</h2>`, "## Table of contents")
    .replace(
      /\{@link\s+([^}\s|]+)(?:\s*\|\s*([^}]+)|\s+([^}]+))?\}/g,
      (_, target, a, b) => `\`${(a ?? b ?? target).trim()}\``
    )
    .trim()
  return `[API reference](../README.md) › [${p.json.name}](README.md) › ${moduleName}\n\n${body}\n`
}

// The first sentence of a module's overview, for the package index.
const summary = (text) => {
  const m = /## \S+ overview\n\n([\s\S]*?)\n\n/.exec(text)
  if (m === null || m[1].startsWith("Added in")) return ""
  const paragraph = m[1].replace(/\s*\n\s*/g, " ")
  const sentence = /^(.*?\.)\s/.exec(paragraph)?.[1] ?? paragraph
  return sentence.replace(/:$/, ".").replace(/\|/g, "\\|")
}

const writePackage = (p) => {
  const modulesDir = Path.join(p.pkgDir, ".docgen", "modules")
  const dest = Path.join(outRoot, p.dir)
  Fs.rmSync(dest, { recursive: true, force: true })
  Fs.mkdirSync(dest, { recursive: true })
  const rows = []
  const files = Fs.readdirSync(modulesDir).filter((f) => f.endsWith(".ts.md")).sort()
  for (const file of files) {
    const moduleName = file.slice(0, -".ts.md".length)
    const text = Fs.readFileSync(Path.join(modulesDir, file), "utf8")
    const markdown = page(p, moduleName, text)
    Fs.writeFileSync(Path.join(dest, `${moduleName}.md`), markdown)
    rows.push(`| [${moduleName}](${moduleName}.md) | ${summary(markdown)} |`)
  }
  Fs.writeFileSync(
    Path.join(dest, "README.md"),
    [
      `[API reference](../README.md) › ${p.json.name}`,
      "",
      `# ${p.json.name}`,
      "",
      `${p.json.description}. Guide: [packages/${p.dir}/README.md](../../packages/${p.dir}/README.md).`,
      "",
      "| module | |",
      "| --- | --- |",
      ...rows,
      ""
    ].join("\n")
  )
  Fs.rmSync(Path.join(p.pkgDir, ".docgen"), { recursive: true, force: true })
}

const writeIndex = () => {
  Fs.writeFileSync(
    Path.join(outRoot, "README.md"),
    [
      "# API reference",
      "",
      "Every exported module, type, constant and function of the published packages, generated from",
      "their JSDoc by `pnpm docgen` ([@effect/docgen](https://github.com/Effect-TS/docgen)): do not edit",
      "these pages, edit the JSDoc in `packages/*/src` and run `pnpm docgen`. Every `Example` block is",
      "type-checked and run when the pages are generated, and CI checks that the pages are up to date",
      "(`pnpm docgen:check`). The guides are the packages' READMEs.",
      "",
      "| package | | guide |",
      "| --- | --- | --- |",
      ...packages.map((p) =>
        `| [${p.json.name}](${p.dir}/README.md) | ${p.json.description} | [packages/${p.dir}](../packages/${p.dir}/README.md) |`
      ),
      ""
    ].join("\n")
  )
}

// -------------------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------------------

const listFiles = (dir, prefix = "") =>
  Fs.existsSync(dir)
    ? Fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? listFiles(Path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
    )
    : []

const started = Date.now()
const jobs = Math.max(1, Math.min(2, Os.availableParallelism()))
const ok = await runAll(packages, jobs, docgen)
if (ok.includes(false)) {
  for (const p of packages) Fs.rmSync(Path.join(p.pkgDir, ".docgen"), { recursive: true, force: true })
  process.exit(1)
}
Fs.rmSync(outRoot, { recursive: true, force: true })
Fs.mkdirSync(outRoot, { recursive: true })
for (const p of packages) writePackage(p)
writeIndex()
const seconds = ((Date.now() - started) / 1000).toFixed(1)

if (check) {
  const committed = Path.join(root, "docs")
  const generated = new Set(listFiles(outRoot))
  const present = new Set(listFiles(committed))
  const stale = [
    ...[...generated].filter((f) =>
      !present.has(f) ||
      Fs.readFileSync(Path.join(outRoot, f), "utf8") !== Fs.readFileSync(Path.join(committed, f), "utf8")
    ),
    ...[...present].filter((f) => !generated.has(f))
  ].sort()
  Fs.rmSync(outRoot, { recursive: true, force: true })
  if (stale.length > 0) {
    log(`docs: docs/ is out of date (run pnpm docgen and commit it): ${stale.map((f) => `docs/${f}`).join(", ")}`)
    process.exit(1)
  }
  log(`docs: docs/ is up to date; every example compiles and runs (${seconds} s)`)
} else {
  log(`docs: wrote docs/ (${seconds} s)`)
}

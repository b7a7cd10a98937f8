#!/usr/bin/env bash
# Packaging check: what users install must work, with npm, as the READMEs say.
#  1. Packs the published packages (core, directory, hr, workflow, testkit, cli, undici) with `pnpm pack`, which
#     rewrites workspace:^ and catalog: ranges, and checks each tarball's contents (contents.mjs).
#  2. Reads the install lines from README.md and packages/*/README.md (readme-install.mjs: every
#     range pinned to the catalog's line) and runs each README's lines, verbatim, with npm in an
#     empty project of its own. A local registry for the @asgardeo-scim scope only (registry.mjs)
#     serves the tarballs, so npm finds our packages (and the dependencies between them) there and
#     everything else on its usual registry; `npm install -g` goes to a scratch prefix.
#  3. In the root README's project: type-checks program.ts with moduleResolution nodenext, node16
#     and bundler, checks that node10 fails with the error the README quotes, runs the program
#     against the emulator (a real loopback server, undici) and starts the asgardeo-emulator bin.
#     In every project: our packages import, and the bins answer --help.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/asgardeo-pack-check.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

catalog() { # the range of a package in pnpm-workspace.yaml's catalog
  sed -n "s|^  \"\{0,1\}$1\"\{0,1\}: *||p" "$root/pnpm-workspace.yaml" | head -n 1
}
step() { printf '\npack-check: %s\n' "$*"; }

cd "$root"
pnpm build
mkdir -p "$scratch/tarballs"
for pkg in core directory hr workflow testkit cli undici; do
  (cd "packages/$pkg" && pnpm pack --pack-destination "$scratch/tarballs" >/dev/null)
done
step "tarball contents"
node "$here/contents.mjs" "$scratch"/tarballs/*.tgz

step "install lines of the READMEs"
node "$here/readme-install.mjs" "$root" > "$scratch/install-lines.tsv"
cat "$scratch/install-lines.tsv"

node "$here/registry.mjs" "$scratch/tarballs" "$scratch/registry-url" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$scratch/registry-url" ] && break; sleep 0.1; done
registry="$(cat "$scratch/registry-url")"

# Runs a command as a user in the project $app: npm asks the local registry for @asgardeo-scim/*
# only, and global installs land in the project's own prefix.
as_user() {
  (cd "$app" && env "npm_config_@asgardeo-scim:registry=$registry" npm_config_prefix="$app/.global" \
    npm_config_audit=false npm_config_fund=false npm_config_loglevel=error npm_config_prefer_offline=true \
    PATH="$app/.global/bin:$PATH" bash -c "$1")
}

# One README: its lines in an empty project of its own.
check_readme() {
  local readme="$1" file command name manifest bin
  app="$scratch/app-$(echo "$readme" | tr '/.' '--')"
  mkdir -p "$app"
  echo '{ "name": "app", "private": true, "type": "module" }' > "$app/package.json"
  while IFS=$'\t' read -r file command; do
    [ "$file" = "$readme" ] || continue
    echo "\$ $command"
    as_user "$command"
  done < "$scratch/install-lines.tsv"
  as_user "npm ls --all >/dev/null" # no missing or invalid (peer) dependency
  # Every package the lines installed imports (locally), every bin answers --help.
  for name in $(grep "^$readme	" "$scratch/install-lines.tsv" | grep -o '@asgardeo-scim/[a-z-]*' | sort -u); do
    if [ -d "$app/node_modules/$name" ]; then
      as_user "node --input-type=module -e 'await import(\"$name\")'"
      manifest="$app/node_modules/$name/package.json"
    else
      manifest="$app/.global/lib/node_modules/$name/package.json"
    fi
    for bin in $(node -e 'console.log(Object.keys(require(process.argv[1]).bin ?? {}).join(" "))' "$manifest"); do
      as_user "npx --no-install $bin --help >/dev/null"
      echo "$bin --help: ok"
    done
  done
  echo "$readme: installed, imports and bins ok"
}

# The READMEs run side by side (npm mostly waits on the network); their output follows in order.
readmes=()
while IFS= read -r readme; do readmes+=("$readme"); done < <(cut -f1 "$scratch/install-lines.tsv" | uniq)
jobs=()
for readme in "${readmes[@]}"; do
  check_readme "$readme" > "$scratch/log-$(echo "$readme" | tr '/.' '--')" 2>&1 &
  jobs+=($!)
done
failed=0
for i in "${!readmes[@]}"; do
  status=0
  wait "${jobs[$i]}" || status=$?
  step "${readmes[$i]}, in an empty project"
  cat "$scratch/log-$(echo "${readmes[$i]}" | tr '/.' '--')"
  if [ "$status" -ne 0 ]; then
    echo "pack-check: ${readmes[$i]}'s install lines failed (exit $status)" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ]

app="$scratch/app-README-md"
step "README.md's project: TypeScript, the program, the emulator bin"
as_user "npm install -D typescript@$(catalog typescript) @types/node@$(catalog @types/node)"
cp "$here"/program.ts "$here"/tsconfig*.json "$app"
for pkg in core directory hr testkit undici; do # nothing may come from the workspace
  ! grep -q '"workspace:\|"catalog:' "$app/node_modules/@asgardeo-scim/$pkg/package.json"
done
for config in tsconfig.json tsconfig.node16.json tsconfig.bundler.json; do
  as_user "npx tsc -p $config"
  echo "moduleResolution $(node -e 'const c=require(process.argv[1]).compilerOptions; console.log(c.moduleResolution)' "$app/$config"): ok"
done
# node10 (the default of "module": "commonjs") ignores package.json "exports": it must fail, with
# the error the README quotes.
if as_user "npx tsc -p tsconfig.node10.json" > "$scratch/node10.txt" 2>&1; then
  echo "pack-check: moduleResolution node10 type-checked, but the README says it fails" >&2
  exit 1
fi
expected="error TS2307: Cannot find module '@asgardeo-scim/directory' or its corresponding type declarations."
if ! grep -qF "$expected" "$scratch/node10.txt" || ! grep -qF "$expected" "$root/README.md"; then
  echo "pack-check: node10's error is not the one README.md quotes:" >&2
  cat "$scratch/node10.txt" >&2
  exit 1
fi
echo "moduleResolution node10: fails as README.md says:"
sed "s|$app/||g" "$scratch/node10.txt"
as_user "node program.js"
# ESM only, and CommonJS callers on Node >= 20.19 can require() it (require(esm)), as the README says.
as_user "node -e 'for (const p of [\"core\", \"directory\", \"hr\", \"testkit\", \"undici\"]) require(\"@asgardeo-scim/\" + p)'"
echo "require(): ok"

# The emulator bin starts on a free port and answers the token endpoint.
(cd "$app" && exec node_modules/.bin/asgardeo-emulator --port 0 > "$scratch/emulator.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 100); do grep -q "token endpoint" "$scratch/emulator.log" 2>/dev/null && break; sleep 0.1; done
token_url="$(sed -n 's/^ *token endpoint: *//p' "$scratch/emulator.log")"
node -e '
  const [url] = process.argv.slice(1)
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded",
    authorization: "Basic " + Buffer.from("emulator-client:emulator-secret").toString("base64") },
    body: "grant_type=client_credentials" })
    .then(async (r) => { const b = await r.json(); if (r.status !== 200 || typeof b.access_token !== "string") throw new Error(r.status) })
    .then(() => console.log("asgardeo-emulator: started, token endpoint answers"), (e) => { console.error("asgardeo-emulator:", e); process.exit(1) })
' "$token_url"

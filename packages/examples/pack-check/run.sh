#!/usr/bin/env bash
# Packaging check: what users install must work. Packs core, directory, hr and testkit with
# `pnpm pack` (which rewrites workspace:^ and catalog: ranges), installs the tarballs with npm in
# a scratch project outside the workspace, together with effect, @effect/platform and
# @effect/platform-node at the catalog's ranges, type-checks a small TypeScript program against
# the installed declarations, and runs it against the emulator (a real loopback server, undici).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/asgardeo-pack-check.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

catalog() { # the range of a package in pnpm-workspace.yaml's catalog
  sed -n "s|^  \"\{0,1\}$1\"\{0,1\}: *||p" "$root/pnpm-workspace.yaml" | head -n 1
}

cd "$root"
pnpm build
mkdir -p "$scratch/tarballs" "$scratch/app"
for pkg in core directory hr testkit; do
  (cd "packages/$pkg" && pnpm pack --pack-destination "$scratch/tarballs" >/dev/null)
done
ls "$scratch/tarballs"

cd "$scratch/app"
cp "$here/program.ts" "$here/tsconfig.json" .
echo '{ "name": "pack-check", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error \
  "$scratch"/tarballs/*.tgz \
  "effect@$(catalog effect)" \
  "@effect/platform@$(catalog @effect/platform)" \
  "@effect/platform-node@$(catalog @effect/platform-node)" \
  "typescript@$(catalog typescript)" \
  "@types/node@$(catalog @types/node)"
# Nothing may come from the workspace: every @asgardeo-scim package is the packed one.
for pkg in core directory hr testkit; do
  test -f "node_modules/@asgardeo-scim/$pkg/dist/index.js"
  ! grep -q '"workspace:\|"catalog:' "node_modules/@asgardeo-scim/$pkg/package.json"
done
npx tsc -p tsconfig.json
node program.js

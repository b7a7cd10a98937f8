#!/usr/bin/env bash
# PostgreSQL's server binaries (initdb, pg_ctl) for the workflow package's tests, which start a
# throwaway server of their own (packages/workflow/test/utils/Postgres.ts looks in the same places:
# `pg_config --bindir`, /usr/lib/postgresql/*/bin, PATH). When they are missing and this runs as
# root with apt-get (a fresh Debian or Ubuntu machine, CI), Debian's `postgresql` package is
# installed; otherwise it says how to install them and fails. No service is started by us (the
# package's own `main` cluster, if it starts, is not used). Run by `pnpm verify` and `.ci/run`.
set -euo pipefail
postgres_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d" && return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)" && return 0; fi
  return 1
}
ensure_postgres() {
  if postgres_bindir >/dev/null; then
    echo "initdb and pg_ctl in $(postgres_bindir)"
    return 0
  fi
  local install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "PostgreSQL's server binaries (initdb, pg_ctl) are missing; the workflow tests need them." >&2
    echo "Install them (Debian/Ubuntu, as root): $install" >&2
    return 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
  if ! postgres_bindir >/dev/null; then
    echo "apt-get installed postgresql, but initdb and pg_ctl are still not found" >&2
    return 1
  fi
  echo "initdb and pg_ctl in $(postgres_bindir)"
}


ensure_postgres

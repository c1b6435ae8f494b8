#!/usr/bin/env bash
# The test command (`npm test`, README): starts the real services natively (PostgreSQL 15, Redis 7,
# Kafka, S3 — scripts/services.sh installs what is missing), then checks composition, the client
# contract, breaking changes against main, the typed client, types and lint, compiles to dist/
# (npm run build), and runs the whole jest suite against those services, the production
# topology's suite (tests/topology) included. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 CI="${CI:-}"

step() { printf '\n== %s\n' "$*"; }

step "services"
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"

step "chromium (playground test)"
bash scripts/install-chromium.sh

step "strace and iproute2 (no-phone-home test)"
# tests/lifecycle/no-phone-home.test.ts runs npm start under strace in a loopback-only namespace.
if ! command -v strace >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends strace iproute2 >/dev/null
fi
strace -V | head -n1

step "prisma clients"
node scripts/prisma-generate.mjs

step "supergraph is composed and committed"
npx tsx scripts/compose.ts --check

step "resolver types are generated from it and committed"
npm run --silent codegen -- --check

step "EVENTS.md's topic and subscription tables are generated from the manifest and the streams"
npx tsx scripts/events-doc.ts --check

step "client contract (../shared/contract, beside the checkout; with the operations open issues bring in: search)"
# CI clones the project beside ../shared, so a missing contract is an error, not a skip.
if [ ! -f ../shared/tools/check-contract.mjs ]; then
  echo "../shared/tools/check-contract.mjs is missing: clone the project beside ../shared (the client contract)" >&2
  exit 1
fi
node ../shared/tools/check-contract.mjs --with-pending

step "no breaking change to what the contract uses (against main)"
npx tsx scripts/schema-check.ts

step "typed client is current (packages/client)"
npx tsx scripts/client.ts --check

step "typecheck"
npm run --silent typecheck

step "lint"
npm run --silent lint

step "build (compiled output the topology suite runs)"
npm run --silent build

step "jest"
results="$(mktemp)"
status=0
# One file at a time, in a worker jest replaces when it grows past workerIdleMemoryLimit (jest.config.js).
npx jest --maxWorkers=1 --json --outputFile="$results" "$@" || status=$?
# One plain closing line for tools that read it: "N passed, N failed".
node -e 'const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
rm -f "$results"
exit "$status"

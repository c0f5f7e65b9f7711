#!/usr/bin/env bash
# Runs every test of the gateway: installs the npm packages the end-to-end
# tests drive (graphql-http's audit, the subscription clients and the
# browser driver), then runs go vet and go test over all packages. Extra
# arguments go to go test, such as -run TestCompany or -v.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: Node.js 20 or later with npm is required for the end-to-end tests" >&2
  exit 1
fi

# npm ci replaces e2e/node_modules; skip it while the install matches the
# lock file.
if [ ! -f e2e/node_modules/.package-lock.json ] ||
  [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  npm ci --prefix e2e --no-audit --no-fund --loglevel=error
fi

go mod download
go vet ./...

# Everything but the sandbox runs under the race detector. The sandbox's
# SQLite-heavy tests take over two minutes with it, so they run without.
unraced='/sandbox$'
mapfile -t raced < <(go list ./... | grep -Ev "$unraced")
mapfile -t plain < <(go list ./... | grep -E "$unraced")
# A package whose tests hang fails after 5 minutes instead of go test's
# default 10, to stay inside CI's time budget.
go test -count=1 -timeout 5m -race "$@" "${raced[@]}"
go test -count=1 -timeout 5m "$@" "${plain[@]}"

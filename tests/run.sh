#!/usr/bin/env bash
# The one test command (README.md; .ci/run calls it): installs what the tests need when it is
# missing, checks formatting, builds with warnings as errors and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== Direct Line client test dependencies (tests/directline-client)"
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm
fi
client=tests/directline-client
if [ ! -f "$client/node_modules/.package-lock.json" ] || [ "$client/package-lock.json" -nt "$client/node_modules/.package-lock.json" ]; then
  (cd "$client" && npm ci --no-audit --no-fund)
fi

echo "== browser for the Web Chat tests (Debian's chromium; Playwright's browser download does not work here)"
if [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

echo "== deployment test tools (tests/SupportBot.Deploy.Tests): Debian's buildah, podman, debootstrap, nginx, kubectl and docker-compose"
missing=""
for tool in buildah podman debootstrap nginx kubectl docker-compose; do  # each Debian package is named after its command
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi
schema=tests/kubernetes-schema
if [ ! -f "$schema/node_modules/.package-lock.json" ] || [ "$schema/package-lock.json" -nt "$schema/node_modules/.package-lock.json" ]; then
  (cd "$schema" && npm ci --no-audit --no-fund)
fi

echo "== PostgreSQL server for the PostgreSQL store tests (Debian's package; each test run starts a throwaway cluster of its own)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql
fi

echo "== restore and build (warnings are errors; the build installs Web Chat from npm into wwwroot/lib)"
dotnet build SupportBot.sln -c Release -warnaserror -nologo -v quiet

echo "== format"
dotnet format SupportBot.sln --verify-no-changes --no-restore

echo "== tests"
results=$(mktemp -d)
status=0
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$results/$name.trx" || status=1
done

# One closing line over every project, counted from the test results themselves.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" || true)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed))) failed=$((failed + $(value failed)))
  skipped=$((skipped + $(value notExecuted)))
done
# The failures again at the very end, where a log cut to its tail still shows them.
for trx in "$results"/*.trx; do
  awk '/<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); print "FAILED " substr($0, RSTART + 10, RLENGTH - 11); shown = 0; inside = 1; next }
       inside && /<Message>|<StackTrace>/ { showing = 1 }
       inside && showing && shown < 12 { print "  " $0; shown++ }
       inside && /<\/UnitTestResult>/ { inside = 0; showing = 0 }' "$trx"
done
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status

#!/usr/bin/env bash
# The one test command (README.md; .ci/run calls it): installs what the tests need when it is
# missing, checks formatting, builds with warnings as errors and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== restore and build (warnings are errors)"
dotnet build SupportBot.sln -c Release -warnaserror -nologo -v quiet

echo "== format"
dotnet format SupportBot.sln --verify-no-changes --no-restore

echo "== tests"
status=0
for project in tests/*.Tests/*.csproj; do
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" || status=1
done
exit $status

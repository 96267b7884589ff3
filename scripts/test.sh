#!/usr/bin/env bash
# Installs what the tests need (Debian packages, Chromium, npm assets, NuGet) and runs every test.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Features.Content").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
dotnet build OrthancPortal.sln -c Release --no-restore --verbosity quiet
log=$(mktemp)
set +e
dotnet test OrthancPortal.sln -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line ("N passed, N failed, N skipped") that any CI can read.
summary=$(grep -Eo "Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -n 1)
if [[ -n "$summary" ]]; then
  read -r failed passed skipped < <(echo "$summary" | grep -Eo "[0-9]+" | tr '\n' ' ')
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
fi
rm -f "$log"
exit "$status"

#!/usr/bin/env bash
# Installs what the tests need (Debian packages, Chromium, npm assets, NuGet) and runs every test.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Features.Content").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
# The portal's Orthanc in the tests is the same 1.12 that scripts/run.sh and the container use (the harness reads ORTHANC_TREE).
ORTHANC_TREE=$(scripts/orthanc-tree.sh)
export ORTHANC_TREE
dotnet build OrthancPortal.sln -c Release --no-restore --verbosity quiet
log=$(mktemp)
set +e
dotnet test OrthancPortal.sln -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line ("N passed, N failed, N skipped") that any CI can read.
count() { grep -E "^\s*$1: +[0-9]+" "$log" | tail -n 1 | grep -Eo "[0-9]+" || echo 0; }
if grep -qE "^Total tests: +[0-9]+" "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
# CI keeps only the end of the output: name the failed tests (with the first lines of each failure) once more here.
if grep -qE "^\s+Failed [A-Za-z]" "$log"; then
  echo "failed tests:"
  grep -E -A12 "^\s+Failed [A-Za-z]" "$log" | cut -c1-400 | head -n 150
fi
rm -f "$log"
exit "$status"

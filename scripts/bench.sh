#!/usr/bin/env bash
# Benchmarks, run by hand (never part of scripts/test.sh). Usage:
#   scripts/bench.sh content [--studies 20000] [--transfer-mb 2048] [--import-files 300]
#   scripts/bench.sh robots [--studies 200]
set -euo pipefail
cd "$(dirname "$0")/.."
# The benchmarks start the portal's Orthanc 1.12 from the same tree as the tests.
ORTHANC_TREE=$(scripts/orthanc-tree.sh)
export ORTHANC_TREE
dotnet build OrthancPortal.Benchmarks -c Release --verbosity quiet
exec OrthancPortal.Benchmarks/bin/Release/net10.0/linux-x64/OrthancPortal.Benchmarks "$@"

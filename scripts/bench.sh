#!/usr/bin/env bash
# Benchmarks, run by hand (never part of scripts/test.sh). Usage:
#   scripts/bench.sh content [--studies 20000] [--transfer-mb 2048] [--import-files 300] [--only search,import,memory]
#   scripts/bench.sh robots [--studies 200]
#   scripts/bench.sh feed [--studies 1000] [--stable-age 10]
#   scripts/bench.sh load [--users 20] [--pages 2] [--seconds 30] [--studies 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
# The benchmarks start the portal's Orthanc 1.12 from the same tree as the tests.
ORTHANC_TREE=$(scripts/orthanc-tree.sh)
export ORTHANC_TREE
dotnet build OrthancPortal.Benchmarks -c Release --verbosity quiet
exec OrthancPortal.Benchmarks/bin/Release/net10.0/linux-x64/OrthancPortal.Benchmarks "$@"

#!/usr/bin/env bash
# Installs what the tests need (Debian packages, Chromium, npm assets, NuGet) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
dotnet build OrthancPortal.sln -c Release --no-restore --verbosity quiet
dotnet test OrthancPortal.sln -c Release --no-build --logger "console;verbosity=normal" "$@"

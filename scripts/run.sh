#!/usr/bin/env bash
# Starts the portal on http://localhost:8080 with SQLite under ./data and a managed Orthanc (DICOM port 4242, AET ORTHANC).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dotnet build OrthancPortal/OrthancPortal.csproj -c Release --no-restore --verbosity quiet
export Portal__DataFolder="${Portal__DataFolder:-$PWD/data}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://0.0.0.0:8080}"
cd OrthancPortal
exec dotnet run -c Release --no-build --no-launch-profile

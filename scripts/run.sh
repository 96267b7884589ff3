#!/usr/bin/env bash
# Starts the portal on http://localhost:8080 with SQLite under ./data and a managed Orthanc (DICOM port 4242, AET ORTHANC).
# The same steps as the Dockerfile: install what is missing, publish self-contained, run the published app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dotnet publish OrthancPortal/OrthancPortal.csproj -c Release --no-restore -o .build/portal --verbosity quiet
# The managed Orthanc is Debian trixie's 1.12 (a cached tree on older hosts; "/" on trixie: the system's packages).
export OrthancInstallation__TreeRoot="${OrthancInstallation__TreeRoot:-$(scripts/orthanc-tree.sh)}"
export Portal__DataFolder="${Portal__DataFolder:-$PWD/data}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://0.0.0.0:8080}"
exec .build/portal/OrthancPortal

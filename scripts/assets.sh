#!/usr/bin/env bash
# Front-end assets come from npm (package.json + lock file) and are copied into wwwroot/lib; they are not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=OrthancPortal/wwwroot/lib
if [[ ! -f node_modules/bootstrap/dist/css/bootstrap.min.css ]]; then
  npm ci --no-audit --no-fund --silent
fi
mkdir -p "$lib/bootstrap" "$lib/bootstrap-icons"
cp -r node_modules/bootstrap/dist/. "$lib/bootstrap/"
cp -r node_modules/bootstrap-icons/font/. "$lib/bootstrap-icons/"

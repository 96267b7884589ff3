#!/usr/bin/env bash
# Installs what the portal needs on a Debian machine: the portal's Orthanc (1.12 from a cached Debian trixie tree,
# scripts/orthanc-tree.sh), the system's Orthanc and dcmtk (the tests' "remote PACS"), front-end assets, NuGet packages.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite needs: Chromium and the test servers, PostgreSQL among them)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(orthanc orthanc-dicomweb orthanc-webviewer orthanc-gdcm dcmtk curl)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium slapd ldap-utils apache2 openssh-server openssh-client vsftpd postgresql nginx)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts these daemons on install; the tests start their own copies on free loopback ports.
  for svc in slapd apache2 ssh vsftpd orthanc postgresql nginx; do $sudo_cmd service "$svc" stop >/dev/null 2>&1 || true; done
fi

scripts/orthanc-tree.sh >/dev/null
scripts/assets.sh
dotnet restore OrthancPortal.sln --verbosity quiet

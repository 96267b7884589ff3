#!/usr/bin/env bash
# Prints the root of the Debian trixie tree that holds the portal's Orthanc (1.12.x) and its plugins, building it
# once if needed. On a trixie host it prints "/" (the system's packages, installed by apt if missing).
# The tree is cached outside the clone under ${XDG_CACHE_HOME:-~/.cache}/orthanc-portal/trixie-<key>, where <key>
# is a hash of scripts/orthanc-packages.txt: a changed list builds a new tree; delete the folder to refresh versions.
# It is built into a temporary folder and renamed when complete, so a half-built tree is never used.
# Progress goes to stderr; stdout is only the path.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t packages < <(grep -Ev '^\s*(#|$)' scripts/orthanc-packages.txt)
sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"

apt_install() {
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if grep -q '^VERSION_CODENAME=trixie' /etc/os-release 2>/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if (( ${#missing[@]} )); then echo "Installing ${missing[*]}" >&2; apt_install "${missing[@]}"; fi
  echo /
  exit 0
fi

key=$(sha256sum scripts/orthanc-packages.txt | cut -c1-12)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/orthanc-portal"
tree="$cache/trixie-$key"
if [[ ! -x "$tree/usr/sbin/Orthanc" ]]; then
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock 9
  if [[ ! -x "$tree/usr/sbin/Orthanc" ]]; then
    command -v mmdebstrap >/dev/null || { echo "Installing mmdebstrap" >&2; apt_install mmdebstrap; }
    echo "Building the Orthanc trixie tree in $tree (about a minute, once)" >&2
    partial="$tree.partial"
    rm -rf "$partial"
    include=$(IFS=,; echo "${packages[*]}")
    mmdebstrap --quiet --variant=apt --include="$include" trixie "$partial" >&2
    # Versions in the tree, for the log and for anyone asking which Orthanc this is.
    dpkg-query --admindir="$partial/var/lib/dpkg" -W "${packages[@]}" > "$partial/orthanc-portal-packages.txt"
    mv "$partial" "$tree"
  fi
fi
echo "$tree"

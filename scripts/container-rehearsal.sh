#!/usr/bin/env bash
# Rehearses the container where no Docker engine runs: builds the image's file system with mmdebstrap from the
# Dockerfile's package lists (debian trixie + scripts/orthanc-packages.txt + scripts/container-packages.txt),
# puts the published self-contained portal in /app, and runs it there with bubblewrap and the Dockerfile's ENV
# (ports moved to free ones, so it can run beside other servers). Then it checks /healthz, that the managed
# Orthanc is trixie's 1.12, and that the portal wrote nothing outside /data (the volume) and /tmp.
# The base tree is cached like scripts/orthanc-tree.sh's. Needs root (mmdebstrap, bubblewrap).
set -euo pipefail
cd "$(dirname "$0")/.."
lists=(scripts/orthanc-packages.txt scripts/container-packages.txt)
mapfile -t packages < <(cat "${lists[@]}" | grep -Ev '^\s*(#|$)')
sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v bwrap >/dev/null || need+=(bubblewrap)
if (( ${#need[@]} )); then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

key=$(cat "${lists[@]}" | sha256sum | cut -c1-12)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/orthanc-portal"
base="$cache/container-$key"
if [[ ! -x "$base/usr/sbin/Orthanc" ]]; then
  echo "Building the container's trixie tree in $base (about a minute, once)"
  mkdir -p "$cache"
  rm -rf "$base.partial"
  mmdebstrap --quiet --variant=apt --include="$(IFS=,; echo "${packages[*]}")" trixie "$base.partial"
  mv "$base.partial" "$base"
fi

echo "Publishing the portal"
scripts/assets.sh
# A clean folder: publish only adds files, and a file left from an older publish would be rehearsed as if shipped.
rm -rf .build/rehearsal-app
dotnet publish OrthancPortal/OrthancPortal.csproj -c Release -o .build/rehearsal-app --verbosity quiet

work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# A copy of the tree: the portal's writes must never reach the cached base.
cp -a "$base" "$work/root"
cp -a .build/rehearsal-app "$work/root/app"
mkdir -p "$work/data"
touch "$work/started"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port=$(free_port); dicom_port=$(free_port); orthanc_port=$(free_port)
# The Dockerfile's ENV lines (KEY=VALUE pairs, continued with backslashes), then the ports moved.
mapfile -t env_vars < <(awk '/^ENV /{on=1; sub(/^ENV /,"")} on{line=$0; sub(/\\$/,"",line); n=split(line,a," "); for(i=1;i<=n;i++) if (a[i] ~ /=/) print a[i]; if ($0 !~ /\\$/) on=0}' Dockerfile)
moved=("ASPNETCORE_URLS=http://0.0.0.0:$http_port" "Orthanc__DicomPort=$dicom_port" "Orthanc__ManagedHttpPort=$orthanc_port")
for m in "${moved[@]}"; do
  for i in "${!env_vars[@]}"; do [[ "${env_vars[$i]%%=*}" == "${m%%=*}" ]] && unset 'env_vars[i]'; done
  env_vars+=("$m")
done
workdir=$(awk '/^WORKDIR /{d=$2} END{print d}' Dockerfile)
entrypoint=$(sed -n 's/^ENTRYPOINT \["\([^"]*\)".*/\1/p' Dockerfile)
echo "Running $entrypoint with: ${env_vars[*]}"
bwrap --bind "$work/root" / --bind "$work/data" /data --proc /proc --dev /dev --tmpfs /tmp \
  --unshare-pid --die-with-parent --chdir "$workdir" \
  /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "${env_vars[@]}" "$entrypoint" \
  > "$work/portal.log" 2>&1 &
pid=$!

fail() { echo "REHEARSAL FAILED: $*"; tail -n 40 "$work/portal.log"; exit 1; }
wait_for() { # seconds, description, command...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "the portal exited while waiting for $what"
    (( SECONDS < deadline )) || fail "timed out waiting for $what"
    sleep 1
  done
}
wait_for 180 "/healthz" curl -fsS "http://127.0.0.1:$http_port/healthz"
echo "ok: /healthz answers"

orthanc_version() {
  local password
  password=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["RegisteredUsers"]["portal"])' "$work/data/orthanc/orthanc.json") || return 1
  curl -fsS -u "portal:$password" "http://127.0.0.1:$orthanc_port/system" | python3 -c 'import json,sys; v=json.load(sys.stdin)["Version"]; print(v); sys.exit(0 if v.startswith("1.12.") else 1)'
}
wait_for 120 "the managed Orthanc 1.12" orthanc_version
echo "ok: the managed Orthanc is $(orthanc_version), its configuration is in /data/orthanc"
[[ -n "$(find "$work/data" -name '*.db' -print -quit)" ]] || fail "no database in /data"
echo "ok: the portal's database is in /data"

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
outside=$(cd "$work/root" && find . -xdev -newer "$work/started" -not -type d -not -path './tmp/*' -not -path './proc/*' -not -path './dev/*' | head -n 20)
[[ -z "$outside" ]] || fail "files written outside /data: $outside"
echo "ok: nothing written outside /data (and /tmp)"
echo "Container rehearsal passed."

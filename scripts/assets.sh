#!/usr/bin/env bash
# Front-end assets come from npm (package.json + lock file) and are copied into wwwroot/lib; they are not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
lib=OrthancPortal/wwwroot/lib
if [[ ! -f node_modules/@fontsource/roboto/latin-400.css ]]; then
  npm ci --no-audit --no-fund --silent
fi
# Bootstrap was served here before MudBlazor; a lib folder kept from then would still be published.
rm -rf "$lib/bootstrap" "$lib/bootstrap-icons"
# MudBlazor's Roboto, self-hosted (CSP font-src 'self'): Latin and Latin Extended (German, French, Polish names) in the
# four weights Material uses, WOFF2 only (every browser the portal supports reads it).
mkdir -p "$lib/roboto/files"
: > "$lib/roboto/roboto.css"
for weight in 300 400 500 700; do
  for subset in latin latin-ext; do
    sed -E "s#, url\(./files/[^)]*\.woff\) format\('woff'\)##" "node_modules/@fontsource/roboto/$subset-$weight.css" >> "$lib/roboto/roboto.css"
    cp "node_modules/@fontsource/roboto/files/roboto-$subset-$weight-normal.woff2" "$lib/roboto/files/"
  done
done

# OHIF: the built viewer in @ohif/app's dist/. It cannot be a package.json dependency: npm would install its ~55
# build-time dependencies, and the registry here does not serve them all (@ohif/core 3.12.10 is missing). So the one
# tarball is fetched with npm pack and checked against the integrity pinned here, as a lock file would.
ohif_version=3.12.10
ohif_integrity=sha512-0kuF66Mq9c9dMD++bUsTjMrJpXJwaZhz9B4uS244DawAjSkTwIYFU93pxPuRUQixaRi7QAHlF3Fe1qudBlZrmA==
ohif=OrthancPortal/ohif
if [[ "$(cat "$ohif/.version" 2>/dev/null)" != "$ohif_version" ]]; then
  cache=node_modules/.ohif
  mkdir -p "$cache"
  tarball="$cache/ohif-app-$ohif_version.tgz"
  if [[ ! -f "$tarball" ]]; then
    (cd "$cache" && npm pack --silent "@ohif/app@$ohif_version" > /dev/null)
  fi
  actual=$(node -e 'const c=require("crypto"),f=require("fs");console.log("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")
  if [[ "$actual" != "$ohif_integrity" ]]; then
    echo "@ohif/app $ohif_version: integrity $actual, expected $ohif_integrity" >&2
    rm -f "$tarball"
    exit 1
  fi
  rm -rf "$ohif" "$cache/package"
  tar -xzf "$tarball" -C "$cache" package/dist
  # The build's own config, service worker and its Google/Netlify files are not served: the portal writes the config.
  rm -f "$cache"/package/dist/{app-config.js,google.js,init-service-worker.js,sw.js,_headers,_redirects,serve.json}
  # The build's public path is "/": the portal serves it under /ohif/, so webpack's chunk, worker and wasm URLs and
  # the stylesheet's font URLs get that prefix. A count that does not match means another build layout: stop here.
  rewritten=$(grep -l '__webpack_require__.p = "/";' "$cache"/package/dist/*.js | wc -l)
  if [[ "$rewritten" -lt 1 ]] || ! grep -q 'url(/' "$cache/package/dist/app.bundle.css"; then
    echo "@ohif/app $ohif_version: the public path to rewrite was not found" >&2
    exit 1
  fi
  sed -i 's#__webpack_require__\.p = "/";#__webpack_require__.p = "/ohif/";#' "$cache"/package/dist/*.js
  sed -i "s#'/dicom-microscopy-viewer/#'/ohif/dicom-microscopy-viewer/#" "$cache"/package/dist/app.bundle.*.js
  sed -i 's#url(/#url(/ohif/#g' "$cache"/package/dist/*.css
  find "$cache/package/dist" -name "*.map" -delete
  mv "$cache/package/dist" "$ohif"
  echo "$ohif_version" > "$ohif/.version"
  rm -rf "$cache/package"
fi

#!/usr/bin/env bash
# Compile GOV.UK Frontend with Townsquare's branding and copy the browser assets into assets/build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=assets/build/townsquare
mkdir -p "$out"
./node_modules/.bin/sass --load-path=node_modules --quiet --style=compressed --no-source-map \
  assets/src/townsquare.scss "$out/townsquare.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/"
cp assets/src/init.js assets/src/compose.js assets/src/favicon.svg "$out/"
mkdir -p "$out/assets" && cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$out/assets/"

#!/usr/bin/env bash
# Compile GOV.UK Frontend with Townsquare's branding and copy the browser assets into assets/build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=assets/build/townsquare
# Nothing to do when the sources, this script and the installed packages are those of the last build.
stamp="$out/.built-$( (cat "$0" assets/src/*; ls node_modules/.installed-* 2>/dev/null || true) | sha1sum | cut -c1-12)"
[ -f "$stamp" ] && exit 0
mkdir -p "$out"
./node_modules/.bin/sass --load-path=node_modules --quiet --style=compressed --no-source-map \
  assets/src/townsquare.scss "$out/townsquare.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/"
cp assets/src/init.js assets/src/compose.js assets/src/favicon.svg "$out/"
mkdir -p "$out/assets" && cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$out/assets/"
rm -f "$out"/.built-*
touch "$stamp"

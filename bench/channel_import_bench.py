"""channel_import_rows_per_s: rows of the channel register's CSV import checked and saved per second.

Usage: .venv/bin/python bench/channel_import_bench.py [--rows 2000] [--no-save]

Migrates a throwaway SQLite database, makes one council and its communications officer, and imports
a file of ``--rows`` new channels (every column filled) through ``channels_import_csv``: once as a
dry run (every row checked, nothing saved) and once for real. The import's row limit
(``townsquare.channels.csv_io.MAX_ROWS``) is set from these figures so that the largest file
allowed finishes well inside the web server's 30-second timeout on a 2-core server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time

from record import ROOT, append_results, commit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ.update({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "TOWNSQUARE_DEMO": "1"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from townsquare.accounts.models import User
    from townsquare.channels.csv_io import MAX_ROWS, channels_import_csv
    from townsquare.councils.models import Council
    from townsquare.councils.services import membership_grant

    call_command("migrate", verbosity=0)
    council = Council.objects.create(slug="bench", name="Bench District Council")
    officer = User.objects.create_user("comms@bench.example", "x" * 20, full_name="Comms Officer")
    membership_grant(actor=None, council=council, user=officer, role="comms")
    lines = [
        "platform,name,handle,url,service,owner_email,digital_access_confirmed_on,platform_two_factor,status,notes"
    ]
    lines += [
        f"facebook,Service page {n},BenchPage{n},https://www.facebook.com/BenchPage{n},Waste,comms@bench.example,"
        f"2026-01-0{1 + n % 9},yes,active,Row {n}"
        for n in range(args.rows)
    ]
    upload = "\n".join(lines).encode()
    figures = {}
    for dry_run in (True,) if os.environ.get("BENCH_DRY_ONLY") else (True, False):
        started = time.perf_counter()
        result = channels_import_csv(actor=officer, council=council, upload=upload, dry_run=dry_run)
        seconds = time.perf_counter() - started
        assert result.ok, result.errors[:3]
        figures["dry_run" if dry_run else "saved"] = args.rows / seconds
        print(
            f"{'dry run' if dry_run else 'saved  '}: {args.rows} rows "
            f"in {seconds:.2f} s = {args.rows / seconds:.0f} rows/s; "
            f"MAX_ROWS={MAX_ROWS} takes {MAX_ROWS / (args.rows / seconds):.1f} s"
        )
    if not args.no_save:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        load = round(os.getloadavg()[0], 2)
        append_results(
            [
                {
                    "metric": f"channel_import_{kind}_rows_per_s",
                    "value": round(rate, 1),
                    "unit": "rows/s",
                    "when": when,
                    "commit": commit(),
                    "load_1m": load,
                    "rows": args.rows,
                    "max_rows": MAX_ROWS,
                }
                for kind, rate in figures.items()
            ]
        )


if __name__ == "__main__":
    main()

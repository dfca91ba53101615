"""archive_export_s: a request's export of 10,000 archived records with redaction proposed.

Usage: .venv/bin/python bench/disclosure_bench.py [--records 10000] [--pdf-records 1000] [--no-save]

On SQLite, the archive is built once in var/bench/disclosure/ (``--records`` records about the leisure
centre, each resident's text carrying names, phone numbers, emails, postcodes or handles, a tenth of
them edited and a twentieth deleted) and kept for later runs. Each run opens an FOI request, saves
its search "leisure centre" (placing a legal hold), then times, in one process: proposing every
redaction (presidio-analyzer over spaCy's small English model, and the patterns), accepting them
all, and building the CSV and JSON files: ``archive_export_s`` (wall-clock; the process's own CPU
time is recorded beside it as ``export_cpu_s``, since on a shared machine the two differ). The
accessible PDF is timed on the first ``--pdf-records`` records: ``archive_export_pdf_s``. Both are
appended to bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "disclosure"
EXPORT_TARGET_S = 60.0
FIRST = ["Jane", "Peter", "Sarah", "Tom", "Gareth", "Emma", "Mohammed", "Rhiannon", "Priya", "David", "Siân", "Owen"]
LAST = ["Hughes", "O'Neill", "Patel", "Price", "Evans", "Clarke", "Khan", "Jones", "Shah", "Thompson", "Roberts"]
SAYINGS = [
    "{name} says the leisure centre pool has been shut for weeks, ring me on 07700 9{n:05d}.",
    "Why is the leisure centre closing? My neighbour {name} at {n} Mill Lane, RV{d} 2AB wants to know.",
    "Email me at resident{n}@example.org about the leisure centre consultation please.",
    "@resident_{n} the leisure centre gym was packed this morning, {name} agrees.",
    "The leisure centre closure will hit older residents hardest. Thanks to everyone who came.",
    "Councillor {name} promised the leisure centre would stay open until the consultation ends.",
]


def build(count: int) -> None:
    """The archive, once: records in batches through the archive's own capture service."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from townsquare.archive.models import ArchiveRecord
    from townsquare.archive.services import Capture, archive_capture, archive_deletion_seen, archive_edit_seen
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council

    call_command("migrate", verbosity=0)
    council, _ = Council.objects.get_or_create(slug="riverside", defaults={"name": "Riverside District Council"})
    channel, _ = Channel.objects.get_or_create(
        council=council, platform="facebook", name="Riverside Council", defaults={"handle": "RiversideDC"}
    )
    have = ArchiveRecord.objects.filter(council=council).count()
    rng = random.Random(7)
    start = timezone.now() - dt.timedelta(days=400)
    for first in range(have, count, 1000):
        captures = []
        for n in range(first, min(first + 1000, count)):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            text = rng.choice(SAYINGS).format(name=name, n=n, d=n % 9 + 1)
            author = channel.handle if n % 4 == 0 else f"@resident_{n}"
            captures.append(
                Capture(
                    council_id=council.pk,
                    source=f"bench:{n}",
                    kind="post" if n % 4 == 0 else "received",
                    occurred_at=start + dt.timedelta(minutes=n),
                    text=text,
                    channel_id=channel.pk,
                    platform="facebook",
                    external_id=f"b{n}",
                    author=author,
                    url=f"https://www.facebook.com/RiversideDC/posts/b{n}",
                )
            )
        for record in archive_capture(captures=captures):
            n = int(record.source.split(":")[1])
            if n % 10 == 0:
                archive_edit_seen(record=record, text=f"Edited: the leisure centre reopens in spring (post {n}).")
            if n % 20 == 0:
                archive_deletion_seen(record=record, how="seen missing on the platform")
        print(f"archived {min(first + 1000, count)} of {count}", file=sys.stderr)


def measure(pdf_records: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.archive.search import ArchiveQuery
    from townsquare.councils.models import Council
    from townsquare.disclosure.export import export_build, export_csv, export_json, export_pdf
    from townsquare.disclosure.models import Redaction
    from townsquare.disclosure.redactions import redactions_propose, redactions_review
    from townsquare.disclosure.selectors import request_records
    from townsquare.disclosure.services import request_close, request_open, request_search_set

    council = Council.objects.get(slug="riverside")
    actor, _ = User.objects.get_or_create(email="bench@riverside.example", defaults={"full_name": "Bench"})
    request = request_open(
        actor=actor,
        council=council,
        kind="foi",
        received_at=timezone.now(),
        summary="Everything about the leisure centre closure",
    )
    request = request_search_set(actor=actor, request=request, query=ArchiveQuery(q="leisure centre"))
    from townsquare.disclosure.recogniser import personal_data_find

    personal_data_find(["Loading the model first: Jane Hughes."])  # the one-off load is not the export's
    started, cpu_started = time.perf_counter(), time.process_time()
    proposed = redactions_propose(actor=actor, request=request)
    proposed_s = time.perf_counter() - started
    redactions_review(actor=actor, request=request, decision="accepted")
    records = list(request_records(request))
    accepted = list(Redaction.objects.filter(request=request, decision="accepted"))
    built = export_build(records, accepted)
    csv_size, json_size = len(export_csv(built)), len(export_json(request, built))
    total_s, total_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    pdf_started, pdf_cpu_started = time.perf_counter(), time.process_time()
    pdf_size = len(export_pdf(request, built[:pdf_records]))
    pdf_s, pdf_cpu_s = time.perf_counter() - pdf_started, time.process_time() - pdf_cpu_started
    request_close(actor=actor, request=request, outcome="released", reason="benchmark")
    return {
        "records": len(records),
        "redactions": proposed,
        "propose_s": round(proposed_s, 2),
        "export_s": round(total_s, 2),
        "export_cpu_s": round(total_cpu_s, 2),
        "csv_bytes": csv_size,
        "json_bytes": json_size,
        "pdf_records": min(pdf_records, len(records)),
        "pdf_s": round(pdf_s, 2),
        "pdf_cpu_s": round(pdf_cpu_s, 2),
        "pdf_bytes": pdf_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--pdf-records", type=int, default=1_000)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "townsquare.settings",
            "TOWNSQUARE_VAR_DIR": str(WORK),
            "DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
            "TOWNSQUARE_DEMO": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        }
    )
    subprocess.run([sys.executable, __file__, "_build", str(args.records)], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [sys.executable, __file__, "_measure", str(args.pdf_records)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = {"unit": "s", "when": when, "commit": commit(), "database": "sqlite", "load_1m": round(load, 2)}
    entries = [
        {
            "metric": "archive_export_s",
            "value": figures["export_s"],
            "target": EXPORT_TARGET_S,
            **common,
            **{
                k: figures[k] for k in ("records", "redactions", "propose_s", "export_cpu_s", "csv_bytes", "json_bytes")
            },
        },
        {
            "metric": "archive_export_pdf_s",
            "value": figures["pdf_s"],
            **common,
            **{k: figures[k] for k in ("pdf_records", "pdf_cpu_s", "pdf_bytes")},
        },
    ]
    print(figures)
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_build":
        build(int(sys.argv[2]))
    elif len(sys.argv) > 2 and sys.argv[1] == "_measure":
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main()

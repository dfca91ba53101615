"""Partner councils: server time of the combined pages for a communications team serving four councils.

Usage: .venv/bin/python bench/partners_bench.py [--rounds 30] [--no-save]

Builds a throwaway SQLite database with four councils sharing one communications officer, each
with 500 channels and 10 posts awaiting approval (40 in the combined queue), signs the officer in
and requests each page ``--rounds`` times in one process through Django's test client (the whole
request: middleware, permission checks, queries, templates; no network). The p95 of each page is
appended to the JSON array in ``bench/results.json``:

  partners_home_p95_ms         /all/                      attention tiles of four councils
  partners_approvals_p95_ms    /all/approvals/            40 posts, each with fresh policy findings and previews
  partners_summary_pdf_p95_ms  /all/accounts-summary/?format=pdf   2,000 accounts as a PDF
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
COUNCILS, CHANNELS, WAITING = 4, 500, 10
PAGES = [
    ("partners_home_p95_ms", "/all/"),
    ("partners_approvals_p95_ms", "/all/approvals/"),
    ("partners_summary_pdf_p95_ms", "/all/accounts-summary/?format=pdf"),
]


def setup_django(tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "townsquare.settings"
    os.environ["TOWNSQUARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # the approvers' notices
    os.environ.setdefault("TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> object:
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.councils.services import membership_grant
    from townsquare.publishing.services import post_create_draft, post_submit

    comms = User.objects.create_user(
        "comms@partners.example", "x", full_name="Shared Comms", job_title="Communications Manager"
    )
    later = timezone.now() + dt.timedelta(days=3)
    for n in range(COUNCILS):
        council = Council.objects.create(slug=f"council{n}", name=f"Council {n} District Council")
        membership_grant(actor=None, council=council, user=comms, role="comms")
        officer = User.objects.create_user(f"officer{n}@partners.example", "x", full_name=f"Officer {n}")
        membership_grant(actor=None, council=council, user=officer, role="officer")
        platforms = ["facebook", "x", "instagram", "bluesky", "mastodon"]
        Channel.objects.bulk_create(
            [
                Channel(
                    council=council,
                    platform=platforms[i % 5],
                    name=f"Council {n} account {i}",
                    handle=f"@c{n}a{i}",
                    owner=comms,
                    platform_two_factor=i % 3 == 0,
                )
                for i in range(CHANNELS)
            ]
        )
        channel = Channel.objects.filter(council=council).first()
        assert channel is not None
        channel.assignees.add(officer)
        for i in range(WAITING):
            post = post_create_draft(
                author=officer,
                council=council,
                channels=[channel],
                scheduled_for=later,
                text=f"Bins are collected on Friday this week in ward {i}. Put them out by 7am.",
            )
            post_submit(actor=officer, post=post)
    return comms


def measure(person: object, rounds: int) -> dict[str, float]:
    from django.test import Client

    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    found = {}
    for metric, url in PAGES:
        assert client.get(url).status_code == 200, url  # warm up, and check it answers
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        found[metric] = statistics.quantiles(times, n=20)[18]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="requests of each page measured")
    parser.add_argument("--no-save", action="store_true", help="print the figures without appending them")
    args = parser.parse_args()
    # One throwaway database for the whole run, removed with its folder at the end.
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        found = measure(prepare(), args.rounds)
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    entries = [
        {
            "metric": metric,
            "value": round(value, 1),
            "unit": "ms",
            "database": "sqlite",
            "when": when,
            "commit": commit(),
            "load_1m": round(os.getloadavg()[0], 2),
        }
        for metric, value in found.items()
    ]
    for entry in entries:
        print(json.dumps(entry))
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()

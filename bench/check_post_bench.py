"""check_post_per_s: policy checks per second on realistic council drafts, one process, one core.

Usage: .venv/bin/python bench/check_post_bench.py [--seconds 5]

Builds a throwaway SQLite database with one council, an election whose pre-election period covers
half the drafts, a channel register and councillor names, then runs ``check_draft`` over the drafts
in ``bench/data/drafts.jsonl`` (written for this benchmark) for the given time. The result is
appended to the JSON array in ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = ROOT / "bench" / "data" / "drafts.jsonl"


def setup_django(tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "townsquare.settings"
    os.environ["TOWNSQUARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare() -> tuple[object, list[dict[str, object]]]:
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.policy.services import election_save, word_list_update

    council = Council.objects.create(slug="riverside", name="Riverside District Council")
    for platform, handle in [
        ("x", "@RiversideDC"),
        ("facebook", "RiversideCouncil"),
        ("bluesky", "riverside.gov.uk"),
        ("instagram", "riversidedc"),
        ("mastodon", "@riverside@social.example"),
        ("linkedin", "riverside-council"),
        ("nextdoor", "Riverside Council"),
    ]:
        Channel.objects.create(council=council, platform=platform, name=f"Riverside {platform}", handle=handle)
    election_save(
        actor=None,
        council=council,
        data={
            "title": "Riverside district elections",
            "election_type": "local",
            "notice_date": dt.date(2026, 3, 23),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Whole district",
            "wards": "",
            "candidates": "\n".join(f"Candidate {n} Surname{n}, @cand{n}" for n in range(40)),
        },
    )
    word_list_update(
        actor=None,
        council=council,
        kind="councillors",
        words="\n".join(f"Councillor{n} Member{n}, @cllr_member{n}" for n in range(48)),
    )
    word_list_update(actor=None, council=council, kind="blocked_words", words="quarry\nincinerator\ndepot sale")
    channels = {c.platform: c for c in Channel.objects.filter(council=council)}
    drafts = []
    inside = dt.datetime(2026, 4, 15, 9, 0, tzinfo=dt.UTC)
    outside = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
    for i, line in enumerate(DRAFTS.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        drafts.append(
            {
                "council": council,
                "text": row["text"],
                "channels": [channels[p] for p in row["channels"]],
                "images": row["images"],
                "is_reply": row["is_reply"],
                "scheduled_for": inside if i % 2 else outside,
            }
        )
    return council, drafts


def measure(drafts: list[dict[str, object]], seconds: float) -> tuple[float, int, int]:
    from townsquare.policy.services import check_draft

    for draft in drafts:  # warm the compiled policy and the per-hashtag caches, as a running server has
        check_draft(**draft)  # type: ignore[arg-type]
    checks = blocked = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for draft in drafts:
            if check_draft(**draft).blocked:  # type: ignore[arg-type]
                blocked += 1
            checks += 1
    elapsed = time.perf_counter() - started
    return checks / elapsed, checks, blocked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-save", action="store_true", help="print the figure without appending it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        _, drafts = prepare()
        rate, checks, blocked = measure(drafts, args.seconds)
    entry = {
        "metric": "check_post_per_s",
        "value": round(rate, 1),
        "unit": "checks/s",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": commit(),
    }
    print(json.dumps(entry))
    print(f"{checks} checks of {len(drafts)} drafts, {blocked} blocked", file=sys.stderr)
    if not args.no_save:
        append_results([entry])


if __name__ == "__main__":
    main()

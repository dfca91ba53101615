"""classify_offensive_per_s, classify_first_pass_per_s and classify_second_pass_per_s: texts per second
on realistic texts, one process, one core.

Usage: .venv/bin/python bench/classify_bench.py [--seconds 5] [--no-save]

The first and second passes (townsquare.classify.pipeline) classify batches of 1,000 and 200 messages
(sentiment, categories, risk, language and a service from the Riverside demo's services) drawn in
turn from the texts below and the labelled council messages in data/classify/council_messages/,
with numpy and onnxruntime (the second pass's sentence encoder) held to one thread.

Scores the council drafts in ``bench/data/drafts.jsonl`` and the residents' messages below (written
for this benchmark: questions, complaints, thanks and some abuse, as an inbox receives them) with
``townsquare.classify.offensive.offensive_score`` for the given time, after one pass to load the model
and meet each word once, as a running server has. Each pass's entry also holds ``per_cpu_second``:
texts per second of the process's own CPU time, what one whole core gives on a machine whose other
work takes part of it (the load average says how much). The result is appended to the JSON array in
``bench/results.json``. Needs no database; Django's settings only for VAR_DIR.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, before numpy loads
    os.environ.setdefault(_name, "1")
DRAFTS = ROOT / "bench" / "data" / "drafts.jsonl"

MESSAGES = [
    "@RiversideDC my bin wasn't collected on Tuesday, can someone come back for it please?",
    "Thank you for fixing the streetlight on Mill Lane so quickly, really appreciated",
    "The bins weren't collected again, absolutely disgraceful service. Third week running!!",
    "When does the consultation on the Riverside Road cycle lane close? Can't find it on the website",
    "@RiversideDC you lot are useless, the potholes on Station Road have been there since March",
    "Is the tip open on bank holiday Monday?",
    "Who do I contact about fly tipping behind the shops on Church Street? Photos attached",
    "Absolutely shocking that the library is closing. Councillors should be ashamed of themselves",
    "You are a bunch of clueless idiots wasting our council tax",
    "Great to see the new play park open in Hillcrest, my kids love it 😊",
    "Councillor Smith is a lying piece of shit and everyone knows it",
    "Hi, I applied for a parking permit three weeks ago and still haven't heard back, reference 48213",
    "Fuck off with your stupid low traffic neighbourhood, nobody wants it",
    "Any update on the flooding at Brook Lane? Water is still coming up through the drains",
    "Well done to the gritting teams out overnight, roads were clear this morning 👏",
    "The state of the town centre is a disgrace. Boarded up shops everywhere. What are you doing about it?",
    "Can I still register to vote for the May elections? https://www.gov.uk/register-to-vote",
    "Shut up and fix the roads you muppets",
    "Why is the leisure centre pool closed AGAIN? Second time this month",
    "Brilliant event in the park yesterday, thanks to everyone who organised it #Riverside",
    "I hope whoever made this decision rots in hell",
    "My elderly mum is waiting for an assisted collection, it's been missed four times now",
    "Pathetic. Absolutely pathetic response from the council",
    "Could you share the opening times for the Christmas period please?",
    "Go to hell you stupid bitch",
    "Please can you send someone to look at the broken swing in Victoria Park, it's dangerous",
]


def texts() -> list[str]:
    drafts = [json.loads(line)["text"] for line in DRAFTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return drafts + MESSAGES


def measure(items: list[str], seconds: float) -> tuple[float, float, int, int]:
    sys.path.insert(0, str(ROOT))
    from townsquare.classify.offensive import default_model, is_offensive, offensive_score

    started = time.perf_counter()
    default_model()
    for text in items:  # load the model and meet every word once, as a running server has
        offensive_score(text)
    first = time.perf_counter() - started
    flagged = sum(is_offensive(text) for text in items)
    scored = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in items:
            offensive_score(text)
        scored += len(items)
    return scored / (time.perf_counter() - started), first, scored, flagged


def council_messages() -> list[str]:
    path = ROOT / "data" / "classify" / "council_messages" / "messages.tsv"
    return [
        line.split("\t")[4]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]


def measure_passes(items: list[str], seconds: float) -> dict[str, float]:
    from django.conf import settings

    if not settings.configured:  # the category phrases' compiled database is kept under VAR_DIR
        settings.configure(VAR_DIR=ROOT / "var")
    from townsquare.classify.pipeline import first_pass, second_pass
    from townsquare.classify.routing import Router, ServiceProfile

    names = [
        "Waste and Recycling",
        "Highways",
        "Council Tax",
        "Housing",
        "Planning",
        "Parking",
        "Environmental Health",
        "Libraries",
        "Leisure",
        "Communications",
        "Emergency Planning",
    ]
    router = Router([ServiceProfile(n, name) for n, name in enumerate(names)])
    rates = {}
    for name, run, size in (
        ("classify_first_pass_per_s", first_pass, 1000),
        ("classify_second_pass_per_s", second_pass, 200),
    ):
        batch = (items * (size // len(items) + 1))[:size]
        run(batch, router)  # load the models and meet every word once, as a running server has
        done, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            run(batch, router)
            done += len(batch)
        rates[name] = done / (time.perf_counter() - started)
        # What one whole core would give: texts per second of this process's own CPU time (one thread).
        rates[f"{name}:cpu"] = done / max(time.process_time() - cpu, 1e-9)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-save", action="store_true", help="print the figure without appending it")
    args = parser.parse_args()
    items = texts()
    rate, first, scored, flagged = measure(items, args.seconds)
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    # The machine's load goes with each figure: on a shared machine it explains a low one.
    load = round(os.getloadavg()[0], 2)
    entries = [
        {
            "metric": "classify_offensive_per_s",
            "value": round(rate, 1),
            "unit": "texts/s",
            "when": when,
            "commit": commit(),
            "load_average": load,
        }
    ]
    rates = measure_passes(items + council_messages(), args.seconds)
    for metric in ("classify_first_pass_per_s", "classify_second_pass_per_s"):
        entries.append(
            {
                "metric": metric,
                "value": round(rates[metric], 1),
                "unit": "texts/s",
                "when": when,
                "commit": commit(),
                "load_average": load,
                "per_cpu_second": round(rates[f"{metric}:cpu"], 1),
            }
        )
    for entry in entries:
        print(json.dumps(entry))
    print(
        f"{scored} scores of {len(items)} texts ({1e6 / rate:.0f} µs each), {flagged} of them offensive; "
        f"loading the model and the first pass took {first * 1000:.0f} ms",
        file=sys.stderr,
    )
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()

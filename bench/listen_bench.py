"""listen_match_per_s: messages matched per second against 10,000 listening queries, one process on one core.

Usage: .venv/bin/python bench/listen_bench.py [--queries 10000] [--seconds 5] [--no-ratio] [--no-save]

Builds 10,000 queries the way a council writes them (townsquare/listening/query.py): words about
services and places, "phrases", wildcards, #hashtags and @handles, AND, OR, NOT, brackets and
NEAR/n, over the words of the residents' messages in bench/classify_bench.py and
data/classify/council_messages/ plus invented place, street and people's names, so that some
queries fire on most messages and most never do. All of them are compiled into one set
(townsquare/listening/matcher.py, one hyperscan scan per message), then the messages are matched in
turn for the given time, after one pass to warm up. Also records ``listening_match_us`` (the same
figure as microseconds per message) and, unless ``--no-ratio``, ``listening_100k_vs_1k_ratio``: the
time per message with 100,000 queries over the time with 1,000, the 99,000 added naming other places
and people, so that the same queries fire (the cost should barely grow with queries that do not).
Figures are appended to bench/results.json with the 1-minute load average.
Needs no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import time

from record import ROOT, append_results, commit

sys.path.insert(0, str(ROOT))

from classify_bench import MESSAGES, council_messages

from townsquare.listening.matcher import MatchSet, compile_queries
from townsquare.listening.query import QuerySyntaxError, parse

SYLLABLES = [
    "ash",
    "brook",
    "bury",
    "field",
    "ham",
    "ley",
    "mill",
    "ford",
    "stone",
    "well",
    "wick",
    "thorn",
    "dale",
    "wood",
    "moor",
    "cliff",
    "holm",
    "by",
    "ton",
    "worth",
    "combe",
    "gate",
    "marsh",
    "croft",
]


def messages() -> list[str]:
    return MESSAGES + council_messages()


def vocabulary(texts: list[str]) -> list[str]:
    words = sorted({w for t in texts for w in re.findall(r"[a-z]{4,}", t.lower())})
    return words


def invented(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def make_queries(count: int, seed: int = 12, from_messages: float = 0.2) -> list[str]:
    """``count`` distinct queries: a share of their words (one in five) from the messages, the rest
    invented names."""
    rng = random.Random(seed)
    seen = vocabulary(messages())

    def word() -> str:
        return rng.choice(seen) if rng.random() < from_messages else invented(rng)

    def term() -> str:
        roll = rng.random()
        if roll < 0.1:
            return f'"{word()} {word()}"'
        if roll < 0.18:
            return f"{word()[:5]}*"
        if roll < 0.24:
            return f"#{word()}"
        if roll < 0.28:
            return f"@{word()}"
        return word()

    shapes = [
        lambda: term(),
        lambda: f"{term()} AND {term()}",
        lambda: f"({term()} OR {term()} OR {term()}) AND {term()}",
        lambda: f"{term()} NOT {term()}",
        lambda: f"{term()} NEAR/{rng.randint(2, 6)} {term()}",
        lambda: f"({term()} OR {term()}) NOT ({term()} OR {term()})",
    ]
    out: list[str] = []
    chosen: set[str] = set()
    while len(out) < count:
        text = rng.choice(shapes)()
        if text in chosen:
            continue
        try:
            parse(text)
        except QuerySyntaxError:
            continue
        chosen.add(text)
        out.append(text)
    return out


def build(queries: list[str]) -> tuple[MatchSet, float]:
    started = time.perf_counter()
    match_set = compile_queries([(i, parse(q)) for i, q in enumerate(queries)])
    return match_set, time.perf_counter() - started


def rate(match_set: MatchSet, texts: list[str], seconds: float) -> tuple[float, float]:
    """Messages per second, and the mean number of queries matched per message."""
    hits = sum(len(match_set.match(t)) for t in texts)  # warm up
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            match_set.match(text)
        done += len(texts)
    return done / (time.perf_counter() - started), hits / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-ratio", action="store_true", help="skip the 1,000 against 100,000 queries ratio")
    parser.add_argument("--no-save", action="store_true", help="print the figures without appending them")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    texts = messages()
    match_set, compile_s = build(make_queries(args.queries))
    per_s, mean_hits = rate(match_set, texts, args.seconds)
    print(
        f"{args.queries} queries compiled in {compile_s:.2f} s; {per_s:,.0f} messages/s "
        f"({1e6 / per_s:.1f} µs each), {mean_hits:.1f} queries matched per message",
        file=sys.stderr,
    )
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    load = round(os.getloadavg()[0], 2)
    common = {"when": when, "commit": commit(), "load_1m": load, "queries": args.queries, "messages": len(texts)}
    entries = [
        {"metric": "listen_match_per_s", "value": round(per_s, 1), "unit": "messages/s", **common},
        {"metric": "listening_match_us", "value": round(1e6 / per_s, 2), "unit": "µs", **common},
    ]
    if not args.no_ratio:
        # The same 1,000 queries, then with 99,000 more that name other places and people: the
        # queries that fire stay the same, so the ratio shows what the queries that do not fire cost.
        first = make_queries(1_000)
        small, _ = build(first)
        big, big_compile_s = build(first + make_queries(99_000, seed=13, from_messages=0.0))
        small_rate, _ = rate(small, texts, args.seconds)
        big_rate, big_hits = rate(big, texts, args.seconds)
        print(
            f"1,000 queries: {small_rate:,.0f} messages/s; 100,000 queries (compiled in {big_compile_s:.1f} s): "
            f"{big_rate:,.0f} messages/s, {big_hits:.1f} matched per message",
            file=sys.stderr,
        )
        entries.append(
            {
                "metric": "listening_100k_vs_1k_ratio",
                "value": round(small_rate / big_rate, 2),
                "unit": "×",
                **common,
                "queries": 100_000,
            }
        )
    for entry in entries:
        print(json.dumps(entry, ensure_ascii=False))
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()

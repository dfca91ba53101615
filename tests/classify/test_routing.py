"""The router's batch path (``route_many``, used at ingest) routes exactly as the one-message path."""

from __future__ import annotations

from pathlib import Path

from townsquare.classify.routing import Router, ServiceProfile, text_terms

MESSAGES = Path(__file__).resolve().parents[2] / "data" / "classify" / "council_messages" / "messages.tsv"


def _rows() -> list[list[str]]:
    lines = MESSAGES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def test_route_many_agrees_with_route_terms_on_every_labelled_message() -> None:
    rows = _rows()
    services = sorted({row[3] for row in rows if row[3] != "-"})
    examples = {name: [row[4] for n, row in enumerate(rows) if row[3] == name and n % 2] for name in services}
    router = Router([ServiceProfile(n, name, examples=examples[name]) for n, name in enumerate(services)])
    found = [text_terms(row[4]) for row in rows] + [[], ["no-such-term"]]
    one_by_one = [router.route_terms(terms) for terms in found]
    batch = router.route_many(found)
    assert [(r.name, r.score) if r else None for r in batch] == [(r.name, r.score) if r else None for r in one_by_one]
    assert sum(r is not None for r in batch) > len(rows) // 2  # most are routed: not a comparison of Nones
    assert all(r is None or r.terms == () for r in batch)


def test_route_many_without_services_or_texts() -> None:
    assert Router([]).route_many([["bin"], []]) == [None, None]
    assert Router([ServiceProfile(1, "Highways")]).route_many([]) == []

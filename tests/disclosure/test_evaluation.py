"""The labelled names and the measure of the recogniser on them."""

from __future__ import annotations

from django.core.management import call_command

from townsquare.disclosure.evaluation import names_evaluate, read_labelled


def test_marks_are_read_as_spans() -> None:
    [(text, spans)] = read_labelled("# a note\nAsk [[Jane Hughes]] or [[Tom]] today.\n")
    assert text == "Ask Jane Hughes or Tom today."
    assert [text[a:b] for a, b in spans] == ["Jane Hughes", "Tom"]


def test_the_recogniser_finds_most_names_on_the_labelled_set(capsys: object) -> None:
    scores = names_evaluate()
    assert scores.sentences == 60 and scores.names >= 40
    # What docs/redaction.md reports; a worse model or a broken pattern shows here.
    assert scores.recall >= 0.85 and scores.precision >= 0.85
    call_command("redaction_names_eval")

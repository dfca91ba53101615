"""CC-04 confidential markers, CC-05 profanity, CC-02 abuse, LOCAL-01 blocked words."""

from tests.policy.conftest import rules, spans
from townsquare.policy.services import rule_setting_update, word_list_update


def test_confidential_markers_block(check) -> None:
    text = "Cabinet papers (Part II, not for publication) show the new depot site."
    result = check(text)
    assert spans(result, text, "CC-04") == ["Part II", "not for publication"]
    assert result.blocked


def test_confidential_advice_services_pass(check) -> None:
    text = "Free confidential advice on debt: call our confidential helpline."
    assert "CC-04" not in rules(check(text))


def test_profanity_warned_not_inside_words(check) -> None:
    text = "What a load of crap. Scunthorpe and Essex are lovely; the assessment is done."
    result = check(text)
    assert spans(result, text, "CC-05") == ["crap"]
    assert result.findings[0].severity == "warn"


def test_abuse_warned(check) -> None:
    text = "Whoever dumped this mattress is an idiot."
    assert spans(check(text), text, "CC-02") == ["idiot"]


def test_abuse_with_no_listed_word_is_heard_by_the_trained_model(check, riverside) -> None:
    text = "Honestly you lot are a bunch of useless, lazy clowns. Shut up."
    word_list_update(actor=None, council=riverside, kind="abuse", words="scum")  # "clowns" is no longer listed
    result = check(text)
    found = [f for f in result.findings if f.rule == "CC-02"]
    assert len(found) == 1 and found[0].severity == "warn"
    assert text[found[0].start : found[0].end] in {"useless", "lazy", "clowns"}
    assert "language model scores it 0.9" in found[0].message
    # Blunt complaints and everyday notices are not flagged.
    for calm in (
        "The bins were not collected again: absolutely disgraceful service.",
        "Lost dog found near Riverside Park: please call us if it is yours.",
        "Thank you to the crews who fixed the streetlight on Mill Lane.",
    ):
        assert "CC-02" not in rules(check(calm)), calm
    # Switched off, neither the list nor the model speaks.
    rule_setting_update(actor=None, council=riverside, rule="CC-02", enabled=False, severity="warn")
    assert "CC-02" not in rules(check(text))


def test_a_listed_word_gives_one_finding_not_a_second_from_the_model(check) -> None:
    text = "You pathetic idiot."
    assert spans(check(text), text, "CC-02") == ["pathetic", "idiot"]


def test_blocked_words_force_approval(check, riverside) -> None:
    text = "The Ashbrook incinerator plan is back on the table."
    assert not check(text).forces_approval
    word_list_update(actor=None, council=riverside, kind="blocked_words", words="Ashbrook incinerator")
    result = check(text)
    assert result.forces_approval
    assert spans(result, text, "LOCAL-01") == ["Ashbrook incinerator"]
    rule_setting_update(actor=None, council=riverside, rule="LOCAL-01", enabled=False, severity="warn")
    assert not check(text).forces_approval


def test_rule_switched_off_and_severity_changed(check, riverside) -> None:
    text = "What a load of crap."
    rule_setting_update(actor=None, council=riverside, rule="CC-05", enabled=True, severity="block")
    assert check(text).blocked
    rule_setting_update(actor=None, council=riverside, rule="CC-05", enabled=False, severity="block")
    assert "CC-05" not in rules(check(text))

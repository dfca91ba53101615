"""PUB-02: party-political content, at any time (Local Government Act 1986, s.2)."""

from tests.policy.conftest import OUTSIDE, rules, spans


def test_party_names_and_slogans_block_outside_any_election(check) -> None:
    text = "The Green Party and the Lib Dems agree: Take Back Control of our high street!"
    result = check(text, scheduled_for=OUTSIDE)
    assert result.blocked
    assert spans(result, text, "PUB-02") == ["Green Party", "Lib Dems", "Take Back Control"]
    assert result.findings[0].source == "Local Government Act 1986, s.2"


def test_vote_for_a_party_blocks(check) -> None:
    text = "On Thursday, vote Labour for a fairer Riverside."
    assert spans(check(text), text, "PUB-02") == ["vote Labour"]


def test_everyday_words_that_share_party_names_pass(check) -> None:
    text = (
        "Our green spaces need you: join the labour market fair, reform your recycling habits and "
        "vote for your favourite park in the Britain in Bloom awards."
    )
    assert "PUB-02" not in rules(check(text))


def test_party_handle_is_found(check) -> None:
    text = "Thanks to @UKLabour for visiting."
    assert spans(check(text), text, "PUB-02") == ["@UKLabour"]

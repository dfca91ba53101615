import pytest

from townsquare.listening.query import And, Atom, Near, Not, Or, QuerySyntaxError, matches, parse, tokens


def hit(query: str, text: str) -> bool:
    return matches(parse(query), text)


def test_tokens_lower_case_words_hashtags_and_handles():
    assert tokens("Bins NOT emptied #BinDay @Riverside.bsky.social!") == [
        "bins",
        "not",
        "emptied",
        "#binday",
        "@riverside.bsky.social",
    ]


def test_words_are_case_insensitive_and_whole():
    assert hit("bin", "The BIN was not emptied")
    assert not hit("bin", "binding agreement")
    assert not hit("bin", "a dustbin")
    assert hit("Council", "the council's decision")


def test_phrase_is_the_words_in_order():
    assert hit('"bin collection"', "My Bin  Collection was missed")
    assert not hit('"bin collection"', "collection of the bin")
    assert not hit('"bin collection"', "bin was not on collection day")


def test_word_with_inner_punctuation_is_a_phrase():
    assert parse("fly-tipping") == Atom(("fly", "tipping"))
    assert hit("fly-tipping", "Fly tipping on Mill Lane")


def test_trailing_wildcard():
    assert parse("recycl*") == Atom(("recycl",), prefix=True)
    assert hit("recycl*", "Recycling centre closed")
    assert hit("recycl*", "recycl")
    assert not hit("recycl*", "unrecyclable")


def test_hashtag_and_handle_match_only_as_such():
    assert hit("#bins", "Again! #Bins")
    assert not hit("#bins", "the bins")
    assert not hit("bins", "#bins")
    assert hit("@riverside", "thanks @Riverside")
    assert not hit("@riverside", "riverside park")


def test_and_or_not():
    assert hit("bin AND missed", "missed my bin")
    assert not hit("bin AND missed", "bin day")
    assert hit("bin OR recycling", "recycling")
    assert hit("bin NOT garden", "bin day")
    assert not hit("bin NOT garden", "garden bin")
    assert hit("bin missed", "missed bin"), "side by side means AND"
    assert not hit("bin missed", "bin")


def test_precedence_not_then_and_then_or():
    assert parse("a OR b AND c") == Or((Atom(("a",)), And((Atom(("b",)), Atom(("c",))))))
    assert parse("a AND NOT b OR c") == Or((And((Atom(("a",)), Not(Atom(("b",))))), Atom(("c",))))
    assert hit("a OR b AND c", "a")
    assert not hit("a OR b AND c", "b")
    assert hit("(a OR b) AND c", "b c")
    assert not hit("(a OR b) AND c", "a")


def test_lower_case_operators_are_words():
    assert parse("bins and bags") == And((Atom(("bins",)), Atom(("and",)), Atom(("bags",))))


def test_near_either_order_within_n_words():
    assert parse("bin NEAR/3 missed") == Near(Atom(("bin",)), Atom(("missed",)), 3)
    assert hit("bin NEAR/3 missed", "bin was not missed")
    assert hit("bin NEAR/3 missed", "missed my green bin")
    assert not hit("bin NEAR/2 missed", "bin was not missed")
    assert hit("bin NEAR/1 day", "day bin")
    assert not hit("bin NEAR/2 bin", "one bin only"), "two occurrences are needed"
    assert hit("bin NEAR/2 bin", "bin and bin")
    assert hit('"green bin" NEAR/2 missed', "missed the green bin")
    assert hit("recycl* NEAR/2 closed", "closed: recycling centre")


def test_near_binds_tighter_than_not():
    assert parse("x NOT a NEAR/2 b") == And((Atom(("x",)), Not(Near(Atom(("a",)), Atom(("b",)), 2))))


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "The query is empty", 0),
        ("   ", "The query is empty", 0),
        ("bin AND", "The query ends where a word was expected", 7),
        ("AND bin", "AND needs a word or phrase before and after it", 0),
        ("bin OR OR bags", "OR needs a word or phrase before and after it", 7),
        ("bin NOT", "The query ends where a word was expected", 7),
        ("(bin OR bags", "This bracket is never closed", 0),
        ("bin) bags", "Closing bracket with no opening bracket", 3),
        ("()", "Empty brackets", 0),
        ('bin "missed', "This quotation mark is never closed", 4),
        ('""', "Empty phrase: put words between the quotation marks", 0),
        ("re*", "A wildcard needs at least 3 letters of one word before the *", 0),
        ("bin re*cycle", "A wildcard needs at least 3 letters of one word before the *", 4),
        ("recy*cle", "A * may only end a word", 4),
        ("fly-tip*", "A wildcard needs at least 3 letters of one word before the *", 0),
        ("*bin", "'*' is not part of the query language", 0),
        ("bin NEAR/0 day", "NEAR needs a number of words from 1 to 100, as in NEAR/3", 4),
        ("bin NEAR day", "NEAR needs a number of words from 1 to 100, as in NEAR/3", 4),
        ("bin NEAR/101 day", "NEAR needs a number of words from 1 to 100, as in NEAR/3", 4),
        ("bin NEAR/2 (day OR week)", "NEAR joins two words or phrases, not a group", 11),
        ("(a OR b) NEAR/2 c", "NEAR joins two words or phrases, not a group or another NEAR", 0),
        ("bin #", "'#' must be followed by letters", 4),
        ("bin @ council", "'@' must be followed by letters", 4),
        ("bin, bags", "',' is not part of the query language", 3),
        ("NOT bin", "The query would match messages with none of its words: add a word to look for", 0),
        ("bin OR NOT bags", "The query would match messages with none of its words: add a word to look for", 0),
    ],
)
def test_errors_say_what_and_where(query, message, position):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.message == message
    assert caught.value.position == position
    assert str(caught.value) == f"{message} (at character {position + 1})"


def test_words_starting_with_near_are_words():
    assert hit("nearby", "NEARBY") and parse("NEARBY") == Atom(("nearby",))

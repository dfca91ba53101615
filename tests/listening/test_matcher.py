import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from townsquare.listening.clauses import MAX_CLAUSES, Clause, clauses
from townsquare.listening.matcher import compile_queries
from townsquare.listening.query import QuerySyntaxError, matches, parse

WORDS = [
    "bin",
    "bins",
    "binding",
    "recycling",
    "recycle",
    "missed",
    "day",
    "green",
    "council",
    "road",
    "pothole",
    "#bins",
    "@riverside",
    "café",
    "straße",
]
TEXTS_WORDS = [*WORDS, "the", "was", "not", "#Bins", "@Riverside", "BIN", "Recycled", "STRASSE", "fly-tipping"]


def random_query(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        kind = rng.random()
        word = rng.choice(WORDS)
        if kind < 0.15:
            return rng.choice(["recycl*", "bin*", "pot*", "#bin*"])
        if kind < 0.3:
            return f'"{word} {rng.choice(WORDS)}"'
        if kind < 0.45:
            return f"{word} NEAR/{rng.randint(1, 4)} {rng.choice(WORDS)}"
        return word
    if roll < 0.45:
        return f"{random_query(rng, depth + 1)} NOT {random_query(rng, depth + 1)}"
    op = rng.choice([" AND ", " OR ", " "])
    return f"({random_query(rng, depth + 1)}{op}{random_query(rng, depth + 1)})"


@pytest.mark.parametrize("seed", [12, 29])
def test_one_scan_agrees_with_each_query_evaluated_alone(seed):
    rng = random.Random(seed)
    queries = []
    while len(queries) < 400:
        text = random_query(rng)
        try:
            queries.append((text, parse(text)))
        except QuerySyntaxError:
            continue
    match_set = compile_queries([(i, tree) for i, (_, tree) in enumerate(queries)])
    texts = [" ".join(rng.choice(TEXTS_WORDS) for _ in range(rng.randint(0, 14))) for _ in range(300)]
    fired = 0
    for text in texts:
        expected = [i for i, (_, tree) in enumerate(queries) if matches(tree, text)]
        assert match_set.match(text) == expected, text
        fired += bool(expected)
    assert fired > 100


def test_keys_are_returned_in_query_order():
    match_set = compile_queries([("b", parse("bin")), ("a", parse("bin OR day")), ("c", parse("road"))])
    assert match_set.match("bin day") == ["b", "a"]


def test_no_queries_match_nothing():
    assert compile_queries([]).match("anything") == []


def test_a_text_with_no_words_matches_nothing():
    match_set = compile_queries([(0, parse("bin")), (1, parse("#bins OR @riverside"))])
    assert [match_set.match(t) for t in ("", "  ", "!?#@", "#bins")] == [[], [], [], [1]]


def test_repeated_occurrences_are_all_seen_for_near():
    match_set = compile_queries([(0, parse("bin NEAR/1 missed"))])
    assert match_set.match("bin was ok but the bin missed") == [0]


def test_threads_may_match_against_one_set_at_once():
    match_set = compile_queries([(0, parse("bin")), (1, parse("recycl* NEAR/3 centre"))])
    texts = ["bin " * 2000 + "recycling centre", "nothing here " * 2000] * 20
    expected = [match_set.match(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(match_set.match, texts))
    assert results == expected


def agrees(queries, texts):
    match_set = compile_queries([(i, parse(q)) for i, q in enumerate(queries)])
    for text in texts:
        expected = [i for i, q in enumerate(queries) if matches(parse(q), text)]
        assert match_set.match(text) == expected, text
    return match_set


def test_not_is_pushed_down_to_the_words():
    a, b, c = (parse(w) for w in ("bin", "day", "road"))
    assert clauses(parse("bin NOT (day OR road)")) == [Clause(present=frozenset({a}), absent=frozenset({b, c}))]
    assert clauses(parse("bin NOT (day road)")) == [
        Clause(present=frozenset({a}), absent=frozenset({b})),
        Clause(present=frozenset({a}), absent=frozenset({c})),
    ]


def test_a_query_that_contradicts_itself_has_no_clauses_and_matches_nothing():
    assert clauses(parse("bin NOT bin")) == []
    assert compile_queries([(0, parse("bin NOT bin")), (1, parse("bin"))]).match("bin") == [1]


def test_near_and_not_near_in_one_query():
    queries = ["bin NOT (bin NEAR/1 day)", "(bin NEAR/2 day) NOT (road NEAR/1 day)", "bin NEAR/3 bin", "NOT road bin*"]
    texts = [
        "bin day",
        "bin road day",
        "bin x day road day",
        "day bin",
        "bin",
        "bin bin",
        "bin a b bin",
        "binding road",
    ]
    agrees(queries, texts)


def test_a_query_too_large_to_multiply_out_keeps_its_tree():
    pairs = [f"({a} OR {b})" for a, b in zip(WORDS[:7], WORDS[7:14], strict=True)]
    big = " AND ".join(pairs)
    assert 2 ** len(pairs) > MAX_CLAUSES
    texts = [" ".join(WORDS[:7]), " ".join(WORDS[7:14]), " ".join(WORDS[:6]), " ".join(WORDS[1:8]), "bin day"]
    texts += ["bin binding bins recycling recycle missed day", "bin x bins binding recycling recycle missed day"]
    queries = [big, "bin", f"{big} NOT day", "bin NOT road", f"{big} NOT (bin NEAR/1 binding)"]
    match_set = agrees(queries, texts)
    assert set(match_set.tests) == {0, 2, 4}
    assert [match_set.match(t) for t in texts[-2:]] == [[0, 1, 3], [0, 1, 3, 4]]
    assert match_set.match(texts[0]) == [0, 1, 3, 4]

import random
from concurrent.futures import ThreadPoolExecutor

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


def test_one_scan_agrees_with_each_query_evaluated_alone():
    rng = random.Random(12)
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

"""How well the recogniser finds names, on a labelled set of council-like sentences
(``data/names_labelled.txt``: each person's name marked ``[[like this]]``).

A name found counts as right where it overlaps a marked name (a title such as "Mrs" or "Councillor"
taken in with it still hides the name), and exactly right where it matches the marked span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from townsquare.disclosure.recogniser import personal_data_find

LABELLED = Path(__file__).parent / "data" / "names_labelled.txt"
MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class Scores:
    sentences: int
    names: int
    found: int
    true_positive: int  # found names overlapping a marked name
    recalled: int  # marked names overlapped by a found name
    exact: int  # found names matching a marked name exactly

    @property
    def precision(self) -> float:
        return self.true_positive / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.names if self.names else 0.0

    @property
    def exact_precision(self) -> float:
        return self.exact / self.found if self.found else 0.0

    @property
    def exact_recall(self) -> float:
        return self.exact / self.names if self.names else 0.0


def read_labelled(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each sentence without its marks, and the spans of the names marked in it."""
    sentences = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        plain, spans, at = "", [], 0
        for match in MARK.finditer(line):
            plain += line[at : match.start()]
            spans.append((len(plain), len(plain) + len(match.group(1))))
            plain += match.group(1)
            at = match.end()
        sentences.append((plain + line[at:], spans))
    return sentences


def names_evaluate(path: Path = LABELLED) -> Scores:
    sentences = read_labelled(path.read_text(encoding="utf-8"))
    results = personal_data_find([s for s, _ in sentences])
    names = found = true_positive = recalled = exact = 0
    for (_, gold), finds in zip(sentences, results, strict=True):
        predicted = [(f.start, f.end) for f in finds if f.category == "name"]
        names += len(gold)
        found += len(predicted)
        true_positive += sum(1 for p in predicted if any(p[0] < g[1] and g[0] < p[1] for g in gold))
        recalled += sum(1 for g in gold if any(p[0] < g[1] and g[0] < p[1] for p in predicted))
        exact += len(set(predicted) & set(gold))
    return Scores(len(sentences), names, found, true_positive, recalled, exact)

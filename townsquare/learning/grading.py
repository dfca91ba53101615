"""Marking a quiz: a pure function of the questions and the answers given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from townsquare.learning.models import Choice, Page, Question


@dataclass(frozen=True)
class Marked:
    question: Question
    chosen: list[Choice]
    correct: bool

    @property
    def feedback(self) -> list[tuple[Choice, str]]:
        return [(c, c.feedback) for c in self.chosen if c.feedback]


@dataclass(frozen=True)
class Result:
    marked: list[Marked]
    score: int  # percent, rounded down
    passed: bool

    @property
    def wrong(self) -> list[Marked]:
        return [m for m in self.marked if not m.correct]

    @property
    def revisit(self) -> list[Page]:
        """The pages to read again, once each, in the module's order."""
        pages = {m.question.revisit.pk: m.question.revisit for m in self.wrong if m.question.revisit is not None}
        return sorted(pages.values(), key=lambda p: (p.order, p.pk))


def chosen_ids(answers: Mapping[str, Sequence[int]], question: Question) -> set[int]:
    return {int(c) for c in answers.get(str(question.pk), [])}


def mark(questions: Sequence[Question], answers: Mapping[str, Sequence[int]], pass_mark: int) -> Result:
    """A question is right when exactly its correct choices were chosen; the score is the share right."""
    marked = []
    for question in questions:
        choices = list(question.choices.all())
        picked = chosen_ids(answers, question)
        right = {c.pk for c in choices if c.correct}
        marked.append(Marked(question, [c for c in choices if c.pk in picked], picked == right))
    score = (100 * sum(m.correct for m in marked)) // len(marked) if marked else 0
    return Result(marked, score, bool(marked) and score >= pass_mark)

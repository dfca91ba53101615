"""A query tree as a disjunction of plain clauses, for the matcher to test with set operations.

A query holds when one of its clauses holds; a clause holds when all its ``present`` atoms were
found, none of its ``absent`` atoms was, each of its ``near`` pairs is near and none of its
``not_near`` pairs is. ``NOT`` is pushed down to the atoms (De Morgan) and ``AND`` is multiplied
out over ``OR``. A clause that asks for an atom both present and absent is dropped, so a query
that can never match has no clauses. Multiplying out can grow fast (``(a OR b) AND (c OR d) AND
...``): past ``MAX_CLAUSES`` the query is left as a tree (``TooManyClauses``).
"""

from __future__ import annotations

from dataclasses import dataclass

from townsquare.listening.query import And, Atom, Near, Node, Not

MAX_CLAUSES = 64


class TooManyClauses(ValueError):
    pass


@dataclass(frozen=True)
class Clause:
    present: frozenset[Atom] = frozenset()
    absent: frozenset[Atom] = frozenset()
    near: frozenset[Near] = frozenset()
    not_near: frozenset[Near] = frozenset()

    def joined(self, other: Clause) -> Clause | None:
        """Both clauses at once, or None if they contradict each other."""
        present, absent = self.present | other.present, self.absent | other.absent
        near, not_near = self.near | other.near, self.not_near | other.not_near
        if present & absent or near & not_near:
            return None
        return Clause(present, absent, near, not_near)


_TRUE = Clause()


def _literal(node: Atom | Near, negated: bool) -> Clause:
    if isinstance(node, Atom):
        return Clause(absent=frozenset({node})) if negated else Clause(present=frozenset({node}))
    if negated:
        return Clause(not_near=frozenset({node}))
    return Clause(present=frozenset({node.left, node.right}), near=frozenset({node}))


def _all_of(parts: list[list[Clause]]) -> list[Clause]:
    out = [_TRUE]
    for part in parts:
        out = [j for a in out for b in part if (j := a.joined(b)) is not None]
        if len(out) > MAX_CLAUSES:
            raise TooManyClauses
    return list(dict.fromkeys(out))


def clauses(node: Node, negated: bool = False) -> list[Clause]:
    """The clauses of ``node`` (of ``NOT node`` if ``negated``); ``TooManyClauses`` past the limit."""
    if isinstance(node, Atom | Near):
        return [_literal(node, negated)]
    if isinstance(node, Not):
        return clauses(node.child, not negated)
    parts = [clauses(c, negated) for c in node.children]
    if isinstance(node, And) != negated:  # AND, or NOT of an OR
        return _all_of(parts)
    out = list(dict.fromkeys(c for part in parts for c in part))  # OR, or NOT of an AND
    if len(out) > MAX_CLAUSES:
        raise TooManyClauses
    return out

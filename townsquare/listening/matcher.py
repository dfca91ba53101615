"""Many queries, one scan: every distinct atom of every query in one hyperscan (Vectorscan) database.

A text is read into tokens and laid out as `` tok tok tok `` (one space either side of each), so an
atom is a pure literal: `` bin `` for a whole word, `` recycl`` for a wildcard, `` bin day `` for a
phrase. Each atom is reported at most once a scan (``HS_FLAG_SINGLEMATCH``): the scan yields the set
of atoms present, and the few ``NEAR`` pairs to test are then located in the laid-out text.

Each query is multiplied out into clauses (clauses.py) and each clause is filed under one atom it
needs (its longest, as long words are rarer). For every atom that fired, the queries it alone
satisfies are taken at once and its other clauses are tested with set operations (the other atoms
needed, none of the atoms excluded), so a message that fires no atom costs only its scan and the
queries whose words did not fire are never looked at. A query too large to multiply out keeps its
tree, evaluated when an atom of its *cover* fired: atoms at least one of which any match must
contain (for ``a AND b`` just one of them, for ``a OR b`` both). A ``MatchSet`` is never changed
after it is built: a new set of queries makes a new ``MatchSet``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import hyperscan

from townsquare.listening.clauses import Clause, TooManyClauses, clauses
from townsquare.listening.query import And, Atom, Near, Node, Not, Or, atoms, near, tokens

Found = dict[int, list[int]]  # atom id: the first token of each occurrence
Test = Callable[[Found], bool]
NearTest = tuple[int, int, int, bool]  # left atom id, right atom id, distance, whether it must hold
Check = tuple[int, frozenset[int], frozenset[int], tuple[NearTest, ...]]  # query, atoms needed, excluded, nears


def _literal(atom: Atom) -> bytes:
    body = b" " + " ".join(atom.words).encode()
    return body if atom.prefix else body + b" "


def _fired(atom_id: int, _from: int, _to: int, _flags: int, fired: object) -> None:
    fired.add(atom_id)  # type: ignore[attr-defined]  # the set passed as the scan's context


def _positions(laid: bytes, literal: bytes) -> list[int]:
    """The index of the first token of each occurrence of ``literal`` (overlapping ones too)."""
    out = []
    at = laid.find(literal)
    while at >= 0:
        out.append(laid.count(b" ", 0, at))
        at = laid.find(literal, at + 1)
    return out


@dataclass(frozen=True)
class MatchSet:
    """Compiled queries, each known by a key (a row id, or a line number)."""

    keys: tuple[Hashable, ...]
    atom_list: tuple[Atom, ...]
    literals: tuple[bytes, ...]
    direct: tuple[tuple[int, ...], ...]  # atom id: the queries it satisfies alone
    checks: tuple[tuple[Check, ...], ...]  # atom id: the clauses filed under it
    tested: tuple[tuple[int, ...], ...]  # atom id: the queries kept as trees with it in their cover
    tests: dict[int, Test]  # query: its tree as closures (queries kept as trees only)
    database: hyperscan.Database | None = field(repr=False)
    # Hyperscan scratch space may serve one scan at a time: one per thread (web threads, workers).
    _scratch: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def _thread_scratch(self) -> hyperscan.Scratch:
        scratch = getattr(self._scratch, "space", None)
        if scratch is None:
            scratch = self._scratch.space = hyperscan.Scratch(self.database)
        return scratch

    def match(self, text: str) -> list[Hashable]:
        """The keys of the queries that match ``text``, in the order the queries were given."""
        keys = self.keys
        return [keys[q] for q in self.indexes(text)]

    def indexes(self, text: str) -> list[int]:
        """The positions (in the order given) of the queries that match ``text``, ascending: what
        ``match`` maps to keys, for callers that keep their own per-query facts by position."""
        if self.database is None:
            return []
        toks = tokens(text)
        if not toks:
            return []
        laid = f" {' '.join(toks)} ".encode()
        fired: set[int] = set()
        self.database.scan(laid, match_event_handler=_fired, context=fired, scratch=self._thread_scratch())
        if not fired:
            return []
        matched: set[int] = set()
        direct, checks = self.direct, self.checks
        for atom_id in fired:
            matched.update(direct[atom_id])
            for query, needed, excluded, nears in checks[atom_id]:
                if needed <= fired and excluded.isdisjoint(fired) and (not nears or self._near(nears, fired, laid)):
                    matched.add(query)
        if self.tests:
            self._trees(fired, laid, matched)
        return sorted(matched)

    def _near(self, nears: tuple[NearTest, ...], fired: set[int], laid: bytes) -> bool:
        literals, atom_list = self.literals, self.atom_list
        for left, right, distance, wanted in nears:
            held = (
                left in fired
                and right in fired
                and near(
                    atom_list[left],
                    _positions(laid, literals[left]),
                    atom_list[right],
                    _positions(laid, literals[right]),
                    distance,
                )
            )
            if held != wanted:
                return False
        return True

    def _trees(self, fired: set[int], laid: bytes, matched: set[int]) -> None:
        candidates = {q for atom_id in fired for q in self.tested[atom_id] if q not in matched}
        if candidates:
            found = {atom_id: _positions(laid, self.literals[atom_id]) for atom_id in fired}
            matched.update(q for q in candidates if self.tests[q](found))


def _cover(node: Node) -> frozenset[Atom] | None:
    """Atoms one of which every match of ``node`` contains; None if it can match without any."""
    if isinstance(node, Atom):
        return frozenset({node})
    if isinstance(node, Near):
        return frozenset({max((node.left, node.right), key=lambda a: len(" ".join(a.words)))})
    if isinstance(node, Not):
        return None
    covers = [_cover(c) for c in node.children]
    if isinstance(node, Or):
        return None if any(c is None for c in covers) else frozenset().union(*covers)  # type: ignore[arg-type]
    known = [c for c in covers if c is not None]
    if not known:
        return None
    # the smallest cover, and of those the one with the longest words (long words are rarer)
    return min(known, key=lambda c: (len(c), -min(len(" ".join(a.words)) for a in c)))


def _test(node: Node, ids: dict[Atom, int]) -> Test:
    """The tree as nested closures over atom ids: faster to run than walking the tree."""
    if isinstance(node, Atom):
        atom_id = ids[node]
        return lambda found: atom_id in found
    if isinstance(node, Not):
        inner = _test(node.child, ids)
        return lambda found: not inner(found)
    if isinstance(node, Near):
        left, right, a, b, n = ids[node.left], ids[node.right], node.left, node.right, node.distance

        def near_test(found: Found) -> bool:
            pa, pb = found.get(left), found.get(right)
            return pa is not None and pb is not None and near(a, pa, b, pb, n)

        return near_test
    parts = tuple(_test(c, ids) for c in node.children)
    if isinstance(node, And):
        return lambda found: all(t(found) for t in parts)
    return lambda found: any(t(found) for t in parts)


class _Builder:
    def __init__(self) -> None:
        self.ids: dict[Atom, int] = {}
        self.direct: list[dict[int, None]] = []
        self.checks: list[list[Check]] = []
        self.tested: list[list[int]] = []
        self.tests: dict[int, Test] = {}

    def atom_id(self, atom: Atom) -> int:
        if atom not in self.ids:
            self.ids[atom] = len(self.ids)
            self.direct.append({})
            self.checks.append([])
            self.tested.append([])
        return self.ids[atom]

    def add(self, query: int, tree: Node) -> None:
        for atom in sorted(atoms(tree), key=repr):
            self.atom_id(atom)
        try:
            found = clauses(tree)
        except TooManyClauses:
            found = None
        if found is None or any(not c.present for c in found):
            self._add_tree(query, tree)
            return
        for clause in found:
            self._add_clause(query, clause)

    def _add_clause(self, query: int, clause: Clause) -> None:
        ids = self.ids
        trigger = max(clause.present, key=lambda a: (len(_literal(a)), -ids[a]))
        at = ids[trigger]
        if len(clause.present) == 1 and not (clause.absent or clause.near or clause.not_near):
            self.direct[at][query] = None
            return
        nears = tuple(
            [(ids[n.left], ids[n.right], n.distance, True) for n in sorted(clause.near, key=repr)]
            + [(ids[n.left], ids[n.right], n.distance, False) for n in sorted(clause.not_near, key=repr)]
        )
        needed = frozenset(ids[a] for a in clause.present) - {at}
        self.checks[at].append((query, needed, frozenset(ids[a] for a in clause.absent), nears))

    def _add_tree(self, query: int, tree: Node) -> None:
        cover = _cover(tree)
        for atom in sorted(cover if cover is not None else atoms(tree), key=repr):
            self.tested[self.ids[atom]].append(query)
        self.tests[query] = _test(tree, self.ids)


def compile_queries(queries: Sequence[tuple[Hashable, Node]]) -> MatchSet:
    """One database for all the queries' atoms. ``queries`` are (key, parsed tree) pairs."""
    builder = _Builder()
    for index, (_key, tree) in enumerate(queries):
        builder.add(index, tree)
    atom_list = tuple(builder.ids)
    literals = tuple(_literal(a) for a in atom_list)
    database = None
    if atom_list:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=list(literals),
            ids=list(range(len(literals))),
            elements=len(literals),
            flags=hyperscan.HS_FLAG_SINGLEMATCH,
            literal=True,
        )
    return MatchSet(
        keys=tuple(k for k, _ in queries),
        atom_list=atom_list,
        literals=literals,
        direct=tuple(tuple(d) for d in builder.direct),
        checks=tuple(
            tuple(c for c in checks if c[0] not in direct)
            for checks, direct in zip(builder.checks, builder.direct, strict=True)
        ),
        tested=tuple(tuple(t) for t in builder.tested),
        tests=builder.tests,
        database=database,
    )

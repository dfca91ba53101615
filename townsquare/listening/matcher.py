"""Many queries, one scan: every distinct atom of every query in one hyperscan (Vectorscan) database.

A text is read into tokens and laid out as `` tok tok tok `` (one space either side of each), so an
atom is a pure literal: `` bin `` for a whole word, `` recycl`` for a wildcard, `` bin day `` for a
phrase. One scan reports every atom occurrence; a query is evaluated only when an atom of its
*cover* fired: atoms at least one of which any match must contain (for ``a AND b`` just one of
them, for ``a OR b`` both), so most queries are never looked at. A query that would match with no
atom at all is refused by the parser. A ``MatchSet``
is never changed after it is built: a new set of queries makes a new ``MatchSet``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import hyperscan

from townsquare.listening.query import And, Atom, Near, Node, Not, Or, atoms, near, tokens

Found = dict[int, list[int]]  # atom id: the first token of each occurrence
Test = Callable[[Found], bool]


def _literal(atom: Atom) -> bytes:
    body = b" " + " ".join(atom.words).encode()
    return body if atom.prefix else body + b" "


@dataclass(frozen=True)
class MatchSet:
    """Compiled queries, each known by a key (a row id, or a line number)."""

    keys: tuple[Hashable, ...]
    tests: tuple[Test, ...]
    atom_list: tuple[Atom, ...]
    queries_of_atom: tuple[tuple[int, ...], ...]
    literal_lengths: tuple[int, ...]
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
        if self.database is None:
            return []
        toks = tokens(text)
        laid = bytearray(b" ")
        start_of: dict[int, int] = {}
        for i, tok in enumerate(toks):
            start_of[len(laid)] = i
            laid += tok.encode() + b" "
        found: dict[int, list[int]] = {}
        lengths = self.literal_lengths

        def on_match(atom_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            found.setdefault(atom_id, []).append(start_of[to - lengths[atom_id] + 1])

        self.database.scan(bytes(laid), match_event_handler=on_match, scratch=self._thread_scratch())
        if not found:
            return []
        queries_of_atom, tests = self.queries_of_atom, self.tests
        candidates = sorted({q for atom_id in found for q in queries_of_atom[atom_id]})
        return [self.keys[q] for q in candidates if tests[q](found)]


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


def compile_queries(queries: Sequence[tuple[Hashable, Node]]) -> MatchSet:
    """One database for all the queries' atoms. ``queries`` are (key, parsed tree) pairs."""
    atom_ids: dict[Atom, int] = {}
    queries_of: list[list[int]] = []
    for index, (_key, tree) in enumerate(queries):
        for atom in sorted(atoms(tree), key=repr):
            if atom not in atom_ids:
                atom_ids[atom] = len(atom_ids)
                queries_of.append([])
        cover = _cover(tree)
        for atom in sorted(cover if cover is not None else atoms(tree), key=repr):
            queries_of[atom_ids[atom]].append(index)
    atom_list = tuple(atom_ids)
    literals = [_literal(a) for a in atom_list]
    database = None
    if atom_list:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=literals, ids=list(range(len(literals))), elements=len(literals), flags=0, literal=True
        )
    return MatchSet(
        keys=tuple(k for k, _ in queries),
        tests=tuple(_test(t, atom_ids) for _, t in queries),
        atom_list=atom_list,
        queries_of_atom=tuple(tuple(q) for q in queries_of),
        literal_lengths=tuple(len(lit) for lit in literals),
        database=database,
    )

"""Many queries, one scan: every distinct atom of every query in one hyperscan (Vectorscan) database.

A text is read into tokens and laid out as `` tok tok tok `` (one space either side of each), so an
atom is a pure literal: `` bin `` for a whole word, `` recycl`` for a wildcard, `` bin day `` for a
phrase. One scan reports every atom occurrence; only the queries holding an atom that fired are
evaluated (a query that would match with no atom at all is refused by the parser). A ``MatchSet``
is never changed after it is built: a new set of queries makes a new ``MatchSet``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import hyperscan

from townsquare.listening.query import Atom, Node, atoms, evaluate, tokens


def _literal(atom: Atom) -> bytes:
    body = b" " + " ".join(atom.words).encode()
    return body if atom.prefix else body + b" "


@dataclass(frozen=True)
class MatchSet:
    """Compiled queries, each known by a key (a row id, or a line number)."""

    keys: tuple[Hashable, ...]
    trees: tuple[Node, ...]
    atom_list: tuple[Atom, ...]
    queries_of_atom: tuple[tuple[int, ...], ...]
    literal_lengths: tuple[int, ...]
    database: hyperscan.Database | None = field(repr=False)

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

        self.database.scan(bytes(laid), match_event_handler=on_match)
        if not found:
            return []
        candidates = sorted({q for atom_id in found for q in self.queries_of_atom[atom_id]})
        positions = {self.atom_list[a]: p for a, p in found.items()}
        return [self.keys[q] for q in candidates if evaluate(self.trees[q], positions)]


def compile_queries(queries: Sequence[tuple[Hashable, Node]]) -> MatchSet:
    """One database for all the queries' atoms. ``queries`` are (key, parsed tree) pairs."""
    atom_ids: dict[Atom, int] = {}
    queries_of: list[list[int]] = []
    for index, (_key, tree) in enumerate(queries):
        for atom in sorted(atoms(tree), key=repr):
            if atom not in atom_ids:
                atom_ids[atom] = len(atom_ids)
                queries_of.append([])
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
        trees=tuple(t for _, t in queries),
        atom_list=atom_list,
        queries_of_atom=tuple(tuple(q) for q in queries_of),
        literal_lengths=tuple(len(lit) for lit in literals),
        database=database,
    )

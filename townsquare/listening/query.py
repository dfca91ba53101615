"""The listening query language: parse a query into a tree, and evaluate a tree against a text.

A query is made of

- words, matched case-insensitively as whole words (``bin`` does not match ``binding``);
  a word with inner punctuation (``fly-tipping``) is the phrase of its parts;
- ``"quoted phrases"``, the words in that order with nothing between them;
- a trailing wildcard, ``recycl*`` (at least three letters before the ``*``);
- ``#hashtag`` and ``@handle``, matched only as a hashtag or handle;
- ``NOT``, ``AND``, ``OR`` (capitals) and parentheses, ``NOT`` binding tighter than ``AND``,
  ``AND`` tighter than ``OR``; two terms side by side mean ``AND``;
- ``a NEAR/n b``: both within n words of each other, in either order (binds tightest;
  each side is a single word, wildcard, hashtag, handle or phrase).

A text is read the same way (``tokens``): lower-cased words, hashtags and handles, so both sides
agree on what a word is. ``QuerySyntaxError`` carries the 0-based position of the problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

MIN_WILDCARD_STEM = 3
MAX_NEAR = 100

TOKEN_RE = re.compile(r"#\w+|@\w+(?:[.@-]\w+)*|\w+")
_BARE_RE = re.compile(r"[#@]?\w+(?:['’.@-]\w+)*")


class QuerySyntaxError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


def tokens(text: str) -> list[str]:
    """The words, hashtags and handles of a text, lower-cased (case-folded), in order."""
    return TOKEN_RE.findall(text.casefold())


@dataclass(frozen=True)
class Atom:
    """Something found in a text: a run of tokens; ``prefix`` makes the last one a word start."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Atom
    right: Atom
    distance: int


Node = Atom | Not | And | Or | Near

# Where each atom was found: the index of its first token, for every occurrence.
Positions = Mapping[Atom, Sequence[int]]


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "NEAR", "ATOM", "END"
    pos: int
    atom: Atom | None = None
    distance: int = 0


_NEAR_RE = re.compile(r"NEAR(?:/(\d*))?")


def _lex(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Tok(ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("This quotation mark is never closed", i)
            words = tuple(tokens(text[i + 1 : end]))
            if not words:
                raise QuerySyntaxError("Empty phrase: put words between the quotation marks", i)
            out.append(_Tok("ATOM", i, Atom(words)))
            i = end + 1
        elif (m := _NEAR_RE.match(text, i)) and (m.group(0) != "NEAR" or not _BARE_RE.match(text, i + 4)):
            if not m.group(1) or not 1 <= int(m.group(1)) <= MAX_NEAR:
                raise QuerySyntaxError(f"NEAR needs a number of words from 1 to {MAX_NEAR}, as in NEAR/3", i)
            out.append(_Tok("NEAR", i, distance=int(m.group(1))))
            i = m.end()
        else:
            m = _BARE_RE.match(text, i)
            if m is None:
                what = "#" if ch == "#" else "@" if ch == "@" else ch
                hint = " must be followed by letters" if ch in "#@" else " is not part of the query language"
                raise QuerySyntaxError(f"'{what}'{hint}", i)
            word, i = m.group(0), m.end()
            if word in ("AND", "OR", "NOT"):
                out.append(_Tok(word, m.start()))
                continue
            prefix = i < len(text) and text[i] == "*"
            if prefix:
                if len(word.lstrip("#@")) < MIN_WILDCARD_STEM or not re.fullmatch(r"[#@]?\w+", word):
                    raise QuerySyntaxError(
                        f"A wildcard needs at least {MIN_WILDCARD_STEM} letters of one word before the *", m.start()
                    )
                i += 1
            out.append(_Tok("ATOM", m.start(), Atom(tuple(tokens(word)), prefix)))
            if i < len(text) and (text[i] == "*" or _BARE_RE.match(text, i) or text[i] == '"'):
                raise QuerySyntaxError("A * may only end a word", i - 1 if prefix else i)
    out.append(_Tok("END", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _lex(text)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.not_expr()]
        while self.peek().kind in ("AND", "NOT", "ATOM", "("):
            if self.peek().kind == "AND":
                self.take()
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_expr(self) -> Node:
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.not_expr())
        return self.near_expr()

    def near_expr(self) -> Node:
        start = self.peek()
        node = self.primary()
        while self.peek().kind == "NEAR":
            near = self.take()
            right_tok = self.peek()
            right = self.primary()
            if not isinstance(node, Atom):
                raise QuerySyntaxError("NEAR joins two words or phrases, not a group or another NEAR", start.pos)
            if not isinstance(right, Atom):
                raise QuerySyntaxError("NEAR joins two words or phrases, not a group", right_tok.pos)
            node = Near(node, right, near.distance)
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "ATOM":
            assert tok.atom is not None
            return tok.atom
        if tok.kind == "(":
            if self.peek().kind == ")":
                raise QuerySyntaxError("Empty brackets", tok.pos)
            node = self.or_expr()
            close = self.take()
            if close.kind != ")":
                raise QuerySyntaxError("This bracket is never closed", tok.pos)
            return node
        if tok.kind == "END":
            raise QuerySyntaxError("The query ends where a word was expected", tok.pos)
        if tok.kind == ")":
            raise QuerySyntaxError("Closing bracket with no opening bracket", tok.pos)
        raise QuerySyntaxError(f"{tok.kind} needs a word or phrase before and after it", tok.pos)


def parse(text: str) -> Node:
    """The tree of a query; ``QuerySyntaxError`` if it cannot be read or would match any message."""
    if not text.strip():
        raise QuerySyntaxError("The query is empty", 0)
    parser = _Parser(text)
    node = parser.or_expr()
    tok = parser.peek()
    if tok.kind == ")":
        raise QuerySyntaxError("Closing bracket with no opening bracket", tok.pos)
    if tok.kind != "END":  # pragma: no cover - and_expr consumes every other token kind
        raise QuerySyntaxError("Unexpected text", tok.pos)
    if evaluate(node, {}):
        raise QuerySyntaxError("The query would match messages with none of its words: add a word to look for", 0)
    return node


def atoms(node: Node) -> set[Atom]:
    if isinstance(node, Atom):
        return {node}
    if isinstance(node, Not):
        return atoms(node.child)
    if isinstance(node, Near):
        return {node.left, node.right}
    return set().union(*(atoms(c) for c in node.children))


def near(a: Atom, pa: Sequence[int], b: Atom, pb: Sequence[int], n: int) -> bool:
    for i in pa:
        for j in pb:
            gap = j - (i + len(a.words) - 1) if i <= j else i - (j + len(b.words) - 1)
            if 1 <= gap <= n:
                return True
    return False


def evaluate(node: Node, found: Positions) -> bool:
    """Whether a tree holds, given where each atom was found (atoms not in ``found`` were not)."""
    if isinstance(node, Atom):
        return bool(found.get(node))
    if isinstance(node, Not):
        return not evaluate(node.child, found)
    if isinstance(node, And):
        return all(evaluate(c, found) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, found) for c in node.children)
    pa, pb = found.get(node.left), found.get(node.right)
    return bool(pa and pb) and near(node.left, pa or (), node.right, pb or (), node.distance)


def _matches_at(atom: Atom, toks: Sequence[str], i: int) -> bool:
    n = len(atom.words)
    if i + n > len(toks):
        return False
    if atom.prefix:
        return tuple(toks[i : i + n - 1]) == atom.words[:-1] and toks[i + n - 1].startswith(atom.words[-1])
    return tuple(toks[i : i + n]) == atom.words


def find_naive(atom: Atom, toks: Sequence[str]) -> list[int]:
    """Where an atom occurs in a token list, by looking at every position (the reference for the matcher)."""
    return [i for i in range(len(toks)) if _matches_at(atom, toks, i)]


def matches(node: Node, text: str, finder: Callable[[Atom, Sequence[str]], list[int]] = find_naive) -> bool:
    """One query against one text, with no compiled set: for "Try it" on a single query and for tests."""
    toks = tokens(text)
    return evaluate(node, {a: finder(a, toks) for a in atoms(node)})

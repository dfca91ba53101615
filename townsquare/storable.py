"""Text from outside made storable: NUL (U+0000) and lone surrogates kept as U+FFFD, the replacement character.

PostgreSQL cannot hold NUL in text or in ``jsonb`` ("text fields cannot contain NUL (0x00) bytes"),
and neither database can hold half of a surrogate pair, which is not a character at all (Python's
``json`` reads ``"\\ud800"`` into one; encoding it as UTF-8 fails). A resident's message or a platform's
payload may hold either: left as it was, it failed the statement that stores a whole batch. Everything
that comes from a platform goes through here before it is stored, on both databases, so each stores
the same; forms and query strings holding NUL are refused with a message instead
(``townsquare.web.input_check``).
"""

from __future__ import annotations

import re
from typing import Any

NUL = "\x00"
REPLACEMENT = "\ufffd"
SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(value: str) -> str:
    """``value`` with NUL and lone surrogates replaced; ``value`` itself when it holds neither."""
    if NUL in value:
        value = value.replace(NUL, REPLACEMENT)
    if not value.isascii() and SURROGATE.search(value):
        value = SURROGATE.sub(REPLACEMENT, value)
    return value


def storable_json(value: Any) -> tuple[Any, bool]:
    """``value`` (JSON-like: dicts, lists, strings, numbers) with ``storable_text`` in every string and key,
    and whether anything was replaced. Unchanged values are returned as they are."""
    if isinstance(value, str):
        cleaned = storable_text(value)
        return cleaned, cleaned is not value
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, inner in value.items():
            new_key, key_changed = storable_json(key) if isinstance(key, str) else (key, False)
            new_inner, inner_changed = storable_json(inner)
            out[new_key] = new_inner
            changed = changed or key_changed or inner_changed
        return (out, True) if changed else (value, False)
    if isinstance(value, list | tuple):
        parts = [storable_json(inner) for inner in value]
        if any(changed for _, changed in parts):
            return [inner for inner, _ in parts], True
        return value, False
    return value, False

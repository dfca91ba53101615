"""Values querysets run by SQL compiled once: a page that runs the same query on every request spent more
CPU building the queryset and compiling it (about 0.7 ms for the inbox list) than the database spent
answering it.

``kept_values(model, key, build)`` gives what ``list(build())`` gives for a ``.values()`` queryset (each row a
dict, every value converted as the ORM converts it), and builds and compiles the queryset only the first
time it meets ``key`` (per database, and current time zone, which date lookups compile into the SQL). The
caller vouches that ``key`` names everything the queryset is built from: the same key, the same query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections, models, router
from django.db.models import QuerySet
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
KEEP = 512  # statements kept (the least recently used forgotten first)


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the query can match nothing (an empty ``IN``), so it is not run
    params: tuple[Any, ...]
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


_kept: OrderedDict[Hashable, _Compiled] = OrderedDict()
_lock = threading.Lock()


def _compile(queryset: QuerySet[Any]) -> _Compiled:
    query = queryset.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(None, (), tuple(names), ())
    columns = [column for column, _, _ in compiler.select]
    converters = compiler.get_converters(columns)
    return _Compiled(
        sql, tuple(params), tuple(names), tuple((pos, tuple(fns), expr) for pos, (fns, expr) in converters.items())
    )


def kept_values(model: type[models.Model], key: Hashable, build: Callable[[], QuerySet[Any]]) -> list[dict[str, Any]]:
    """The rows of the values queryset ``build()`` makes, by SQL kept under ``key``."""
    alias = router.db_for_read(model)
    full_key = (alias, timezone.get_current_timezone_name(), key)
    with _lock:
        compiled = _kept.get(full_key)
        if compiled is not None:
            _kept.move_to_end(full_key)
    if compiled is None:
        compiled = _compile(build())
        with _lock:
            _kept[full_key] = compiled
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return _run(compiled, connections[alias])


def _run(compiled: _Compiled, connection: Any) -> list[dict[str, Any]]:
    if compiled.sql is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        rows = cursor.fetchall()
    names = compiled.names
    if not compiled.converters:
        return [dict(zip(names, row, strict=False)) for row in rows]
    found = []
    for row in rows:
        values = list(row)
        for pos, functions, expression in compiled.converters:
            value = values[pos]
            for convert in functions:
                value = convert(value, expression, connection)
            values[pos] = value
        found.append(dict(zip(names, values, strict=False)))  # as ``values()``: the named columns
    return found


def kept_values_of(
    model: type[models.Model], name: str, build: Callable[[int], QuerySet[Any]], value: int
) -> list[dict[str, Any]]:
    """``kept_values`` for a queryset whose one parameter is an id (``build(value)``: the rows of a person, of
    an item): compiled once per ``name``, with 0 in the id's place, and run with ``value`` there."""
    alias = router.db_for_read(model)
    key = (alias, "of", name)
    with _lock:
        compiled = _kept.get(key)
    if compiled is None:
        compiled = _compile(build(0))
        if compiled.params != (0,):
            raise ValueError(f"{name}: the statement does not take the id as its one parameter")
        with _lock:
            _kept[key] = compiled
    return _run(replace(compiled, params=(value,)), connections[alias])


def kept_by_pk(model: type[M], pk: int) -> M | None:
    """The ``model`` instance of primary key ``pk`` (every column loaded, as ``model.objects.get(pk=pk)``
    loads it), or None, by a statement compiled once per model and database."""
    names = [field.attname for field in model._meta.concrete_fields]
    rows = kept_values_of(
        model, f"{model._meta.label}:pk", lambda pk: model._base_manager.filter(pk=pk).order_by().values(*names), pk
    )
    return model.from_db(router.db_for_read(model), names, [rows[0][n] for n in names]) if rows else None


def _forget(**kwargs: Any) -> None:
    with _lock:
        _kept.clear()


setting_changed.connect(_forget, dispatch_uid="townsquare-keptsql-forget")

"""Writing many rows without a model instance each: Django's ``bulk_create`` costs ~24 µs a row here, more
than the rest of the work on a received item. Values are prepared as the database takes them (the
field's own preparation, skipped where it would return the value unchanged), written by one
``executemany``, and ids read back by a unique key in one query.

For the hot paths only (ingest, the archive's capture); everywhere else the ORM is the clearer choice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.base import ModelState
from psycopg.types.json import Jsonb

M = TypeVar("M", bound=models.Model)

# Fields whose value of these types the database takes as it is: ``get_db_prep_save`` would return it
# unchanged, after a call chain that costs more than the insert.
_AS_GIVEN: tuple[tuple[type[models.Field[Any, Any]], tuple[type, ...]], ...] = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.ForeignKey, (int,)),
    (models.IntegerField, (int,)),
    (models.AutoField, (int,)),
)


def fields_of(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The model's fields stored in columns ``names`` (a foreign key by its ``_id`` name)."""
    by_column = {f.attname: f for f in model._meta.concrete_fields}
    return [by_column[name] for name in names]


# What ``json.dumps`` takes, orjson takes with these (times, dataclasses and subclasses of str, int, dict
# and list are handed back to ``json``, which refuses the first two as it always has).
JSON_AS_JSON_DOES = (
    orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def json_text(value: Any) -> str:
    """``value`` as JSON text, as ``json.dumps`` would write it but by orjson, several times faster (a
    received item's payload is its largest value); what orjson will not write goes through ``json``."""
    try:
        return orjson.dumps(value, option=JSON_AS_JSON_DOES).decode()
    except TypeError:
        return json.dumps(value)


def time_adapter(db: Any) -> Callable[[Any], Any]:
    """``db.ops.adapt_datetimefield_value`` for a connection ``db``, without its call chain for the time a
    hot path mostly writes: on SQLite with times kept in UTC, an aware time at UTC is the text Django
    writes for it (``str`` of the time without its zone), made directly."""
    adapt = db.ops.adapt_datetimefield_value
    if db.vendor != "sqlite" or not settings.USE_TZ or db.timezone_name != "UTC":
        return adapt  # type: ignore[no-any-return]
    zero = dt.timedelta(0)

    def adapted(value: Any) -> Any:
        if type(value) is dt.datetime and value.utcoffset() == zero:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return adapted


class Preparer:
    """Turns rows of Python values into rows the database driver takes, for one list of fields.

    Each field's conversion is chosen once, when the preparer is made: a value of a type the column takes
    as it is goes straight through (tested in the row's loop, with no call); a JSON value is written by orjson;
    an aware time is adapted as the field would adapt it, once per distinct time (a batch's items share
    few); anything else goes through the field's own ``get_db_prep_save``."""

    def __init__(self, fields: Sequence[models.Field[Any, Any]]) -> None:
        self.fields = list(fields)
        self.times: dict[dt.datetime, Any] = {}
        # ``connection`` is a proxy that looks the connection up on every attribute read: read it once.
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.ops = self.connection.ops
        self.postgres = self.connection.vendor == "postgresql"
        # The types each column takes as they are, tested in the row's own loop rather than by a call a value.
        self.kinds = [next((kinds for cls, kinds in _AS_GIVEN if isinstance(field, cls)), ()) for field in self.fields]
        self.converters = [self._converter(field, kinds) for field, kinds in zip(self.fields, self.kinds, strict=True)]

    def _converter(self, field: models.Field[Any, Any], kinds: tuple[type, ...]) -> Callable[[Any], Any]:
        connection_ = self.connection

        def through_field(value: Any) -> Any:
            return field.get_db_prep_save(value, connection_)

        if isinstance(field, models.JSONField):
            return self._json_converter(field, through_field)
        if isinstance(field, models.DateTimeField):
            return self._time_converter(field, through_field)
        if kinds:
            return lambda value: value if type(value) in kinds else through_field(value)
        return through_field

    def _json_converter(self, field: models.JSONField, through_field: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """What JSONField.get_db_prep_value comes to for a plain value, without its call chain, and written
        by orjson where the field has no encoder of its own."""
        encoder, ops, postgres = field.encoder, self.ops, self.postgres

        def convert(value: Any) -> Any:
            if hasattr(value, "resolve_expression"):
                return through_field(value)
            if encoder is not None:
                return ops.adapt_json_value(value, encoder)
            return Jsonb(value, dumps=json_text) if postgres else json_text(value)

        return convert

    def _time_converter(
        self, field: models.Field[Any, Any], through_field: Callable[[Any], Any]
    ) -> Callable[[Any], Any]:
        times, adapt = self.times, time_adapter(self.connection)

        def convert(value: Any) -> Any:
            if type(value) is not dt.datetime:
                return through_field(value)
            stored = times.get(value)
            if stored is None:
                # An aware time goes to the database as the field would send it; a naive one through the
                # field, which warns about it.
                aware = value.tzinfo is not None and value.utcoffset() is not None
                stored = times[value] = adapt(value) if aware else through_field(value)
            return stored

        return convert

    def row(self, values: Sequence[Any]) -> list[Any]:
        return [
            value if value is None or type(value) in kinds else convert(value)
            for kinds, convert, value in zip(self.kinds, self.converters, values, strict=True)
        ]


_DEFAULTS: dict[type[models.Model], tuple[dict[str, Any], list[models.Field[Any, Any]]]] = {}


def instance(model: type[M], values: dict[str, Any], *, saved_in: str | None = None) -> M:
    """A model instance holding ``values`` (by attribute name) and every other column's default, made
    without ``Model.__init__`` (about 20 µs for a wide model, more than writing its row): for rows a hot
    path builds by the thousand. No signal is sent. ``saved_in`` names the database of a row read or
    written already; without it the instance is unsaved, as ``Model(...)`` makes it."""
    known = _DEFAULTS.get(model)
    if known is None:
        fields = model._meta.concrete_fields
        plain = {f.attname: f.get_default() for f in fields if not callable(getattr(f, "default", None))}
        known = _DEFAULTS[model] = (plain, [f for f in fields if callable(getattr(f, "default", None))])
    plain, made = known
    obj = model.__new__(model)
    attributes = obj.__dict__
    attributes.update(plain)
    for field in made:  # a fresh list or dict each, never one shared
        if field.attname not in values:
            attributes[field.attname] = field.get_default()
    attributes.update(values)
    state = ModelState()
    state.adding = saved_in is None
    state.db = saved_in
    attributes["_state"] = state
    return obj


def insert(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]], *, skip_conflicts_on: str = ""
) -> None:
    """Insert ``rows`` (values in the order of ``names``) in one ``executemany``. With ``skip_conflicts_on``
    (the columns of a unique constraint, comma-separated) a row already stored is left as it is."""
    fields = fields_of(model, names)
    prepare = Preparer(fields)
    values = [prepare.row(row) for row in rows]
    if not values:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    conflict = f" ON CONFLICT ({skip_conflicts_on}) DO NOTHING" if skip_conflicts_on else ""
    # Names come from the model (and the caller's constant); values are bound.
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}){conflict}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def create(objs: Sequence[M]) -> list[M]:
    """``bulk_create`` for unsaved instances of one model, without its cost a row: every column but the id
    written as the instance holds it (a time set on creation, ``auto_now`` or ``auto_now_add``, filled in
    where unset; other defaults are the instance's own), each instance given its id from the statement's
    ``RETURNING``, in the order given (as ``bulk_create`` relies on too). Returns ``objs``."""
    if not objs:
        return list(objs)
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [f.attname for f in fields if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)]
    if stamped:
        from django.utils import timezone

        now = timezone.now()
        for obj in objs:
            for name in stamped:
                if getattr(obj, name) is None:
                    setattr(obj, name, now)
    prepare = Preparer(fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column or "id")
    most = max(1, 30000 // len(fields))  # within SQLite's 32,766 parameters and PostgreSQL's 65,535
    alias = connection.alias
    with connection.cursor() as cursor:
        for start in range(0, len(objs), most):
            chunk = objs[start : start + most]
            params = [value for obj in chunk for value in prepare.row([getattr(obj, f.attname) for f in fields])]
            # Names come from the model; values are bound.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING {pk}",  # noqa: S608
                params,
            )
            for obj, (made,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = made
                obj._state.adding = False
                obj._state.db = alias
    return list(objs)


def ids_by(model: type[models.Model], key: str, values: Sequence[Any], **filters: Any) -> dict[Any, int]:
    """``key`` value -> id of the rows with those values (``filters`` narrowing to a unique key), in
    queries of at most 500 values."""
    found: dict[Any, int] = {}
    rows = model._default_manager.filter(**filters)
    for start in range(0, len(values), 500):
        found.update(rows.filter(**{f"{key}__in": values[start : start + 500]}).values_list(key, "pk"))
    return found


def insert_instances(objs: Sequence[models.Model], *, key: str, scope: str) -> None:
    """``bulk_create`` for unsaved instances, without its cost a row: every column but the id written as
    the instance holds it (``auto_now`` and defaults are not filled in here: set them first), then
    each instance given its id, read back by ``key``, unique within ``scope`` (both column names)."""
    if not objs:
        return
    model = type(objs[0])
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    insert(model, names, ([getattr(o, n) for n in names] for o in objs))
    by_scope: dict[Any, list[models.Model]] = {}
    for obj in objs:
        by_scope.setdefault(getattr(obj, scope), []).append(obj)
    for scoped, mine in by_scope.items():
        ids = ids_by(model, key, [getattr(o, key) for o in mine], **{scope: scoped})
        for obj in mine:
            obj.pk = ids[getattr(obj, key)]
            obj._state.adding = False
            obj._state.db = connection.alias


def update(model: type[models.Model], names: Sequence[str], objs: Sequence[models.Model]) -> None:
    """Write columns ``names`` of saved instances as they hold them, in one ``executemany`` by id."""
    if not objs or not names:
        return
    fields = fields_of(model, names)
    prepare = Preparer(fields)
    key = model._meta.pk.attname  # read by name: ``pk`` is a property that looks the name up on every read
    read = attrgetter(*names, key)  # every value of a row by one call (a batch updates thousands of rows)
    count = len(names)
    values = [[*prepare.row(got[:count]), got[count]] for got in map(read, objs)]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column or f.attname)} = %s" for f in fields)
    # Names come from the model; values are bound.
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column or "id")
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def among(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The condition "``column`` is one of ``values``" and its parameters, for a fixed statement read on
    every page (``values`` not empty). On PostgreSQL one array parameter (``= ANY(%s)``): the statement's
    text is the same however many values there are, so the server prepares it once, and the driver parses
    it once (it re-parses a statement of more than 50 parameters on every execution). On SQLite a
    parameter each (``IN (%s, ...)``), which its statement cache takes as it is."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def rows_among(
    model: type[models.Model],
    columns: str,
    key: str,
    values: Sequence[Any],
    *,
    also: str = "",
    params: Sequence[Any] = (),
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``model`` whose ``key`` is one of ``values`` (not empty), and, where
    given, meeting ``also`` (a condition with its own ``params``): one plain statement, without the ORM's
    compiling of a query each time. ``columns``, ``key`` and ``also`` are the caller's own names."""
    condition, bound = among(key, values)
    where = f"{condition} AND {also}" if also else condition
    with connection.cursor() as cursor:
        # Names come from the caller's code; values are bound.
        cursor.execute(f"SELECT {columns} FROM {model._meta.db_table} WHERE {where}", [*bound, *params])  # noqa: S608
        return cursor.fetchall()

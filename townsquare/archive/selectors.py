"""Reading the archive: what a person may see, searched, a page at a time; one record with its thread."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord, ArchiveVersion, LegalHold
from townsquare.archive.page_sql import page, record_conditions
from townsquare.archive.page_written import page_written
from townsquare.archive.search import ArchiveQuery, newest_matching, newest_matching_postgres, words_filter
from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm

LINK = re.compile(r"https?://\S+")


def comparable(text: str) -> str:
    """Words as the platforms give them back, to compare: case, spacing and links aside (platforms rewrite
    links and wrap text in markup)."""
    return re.sub(r"\s+", "", LINK.sub("", text)).casefold()


@dataclass(frozen=True)
class ArchivePage:
    """One page of results, newest first; ``next_cursor`` fetches the page after it (None: no more)."""

    records: list[ArchiveRecord]
    next_cursor: str | None


def records_visible_to(*, council: Council, user: Any) -> QuerySet[ArchiveRecord]:
    """The council's archive as the person may see it: all of it with the whole register in view
    (communications officers, auditors), otherwise only the records of their own channels."""
    scope = visible_channel_ids(council=council, user=user)
    records = ArchiveRecord.objects.filter(council=council)
    if scope is None:
        return records
    return records.filter(channel__in=scope) if scope else records.none()


def visible_channel_ids(*, council: Council, user: Any, perms: frozenset[str] | None = None) -> list[int] | None:
    """The channels whose records the person may see in the council's archive: None for all of them (the
    whole register in view), otherwise their own channels' ids (none without the archive permission).
    ``perms``: the person's permissions there, where the caller has read them already."""
    perms = perms_in(user, council) if perms is None else perms
    if Perm.VIEW_ARCHIVE not in perms:
        return []
    if Perm.VIEW_REGISTER in perms:
        return None
    return list(channels_visible_to(user=user, council=council, perms=perms).values_list("pk", flat=True))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def query_filter(
    records: QuerySet[ArchiveRecord], query: ArchiveQuery, *, words: bool = True
) -> QuerySet[ArchiveRecord]:
    """The records, of those given, that ``query`` finds (``words=False``: its filters only)."""
    if query.channel_ids:
        records = records.filter(channel_id__in=query.channel_ids)
    if query.platforms:
        records = records.filter(platform__in=query.platforms)
    if query.kinds:
        records = records.filter(kind__in=query.kinds)
    if query.author:
        records = records.filter(author__icontains=query.author)
    if query.date_from:
        records = records.filter(occurred_at__gte=_day_start(query.date_from))
    if query.date_to:
        records = records.filter(occurred_at__lt=_day_start(query.date_to + dt.timedelta(days=1)))
    if query.only == "edited":
        records = records.filter(edited_at__isnull=False)
    elif query.only == "deleted":
        records = records.filter(deleted_at__isnull=False)
    return words_filter(records, query.words) if words else records


def _cursor(occurred_at: dt.datetime, pk: int) -> str:
    raw = f"{occurred_at.astimezone(dt.UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_encode(record: ArchiveRecord) -> str:
    return _cursor(record.occurred_at, record.pk)


def cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    """ValidationError if it is not a cursor this archive gave out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        moment = dt.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationError("That page link is not valid: start the search again.") from exc


def versions_in_order() -> Prefetch:
    return Prefetch("versions", queryset=ArchiveVersion.objects.order_by("n"))


def _search_ordered(
    *, council: Council, user: Any, query: ArchiveQuery, cursor: str | None, limit: int
) -> QuerySet[ArchiveRecord]:
    """The records ``user`` may see that ``query`` finds after ``cursor``, newest first: at least the page's
    ``limit + 1`` where there are that many (with words, only those the index gave)."""
    moment: dt.datetime | None = None
    records = query_filter(records_visible_to(council=council, user=user), query, words=False)
    if cursor:
        moment, pk = cursor_decode(cursor)
        records = records.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, pk__lt=pk))
    if query.words:
        # Read the index newest first, only as far as the page needs.
        until = _day_start(query.date_to + dt.timedelta(days=1)) if query.date_to else None
        upper = min(u for u in (moment, until) if u is not None) if moment or until else None
        since = _day_start(query.date_from) if query.date_from else None
        ids: list[int] | None = None
        if connection.vendor == "sqlite":
            ids = newest_matching(records, query.words, before=upper, after=since, wanted=limit + 1)
        elif connection.vendor == "postgresql":
            ids = newest_matching_postgres(records, query.words, wanted=limit + 1)
        # The index has applied every filter: the page is fetched by id alone.
        records = ArchiveRecord.objects.filter(pk__in=ids) if ids is not None else words_filter(records, query.words)
    return records.order_by("-occurred_at", "-pk")


def archive_search(
    *, council: Council, user: Any, query: ArchiveQuery, cursor: str | None = None, limit: int = 50
) -> ArchivePage:
    """The records ``user`` may see that ``query`` finds, newest first, each with its versions."""
    limit = max(1, min(limit, 200))
    records = _search_ordered(council=council, user=user, query=query, cursor=cursor, limit=limit)
    found = list(records.select_related("channel").prefetch_related(versions_in_order())[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return ArchivePage(records=found, next_cursor=cursor_encode(found[-1]) if more and found else None)


def archive_search_rows(
    *, council: Council, user: Any, query: ArchiveQuery, cursor: str | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], str | None]:
    """``archive_search`` as the API's records (``page_sql.page_rows``: plain dicts, each with its ``versions``
    in order) and the next page's cursor: the API's hot path, in plain SQL with no model objects."""
    channel_ids = visible_channel_ids(council=council, user=user)
    return search_rows(council_id=council.pk, channel_ids=channel_ids, query=query, cursor=cursor, limit=limit)


def search_rows(
    *, council_id: int, channel_ids: list[int] | None, query: ArchiveQuery, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``archive_search_rows`` of the records of ``channel_ids`` (None: all the council's), as
    ``visible_channel_ids`` gave them for the person asking."""
    limit = max(1, min(limit, 200))
    before = cursor_decode(cursor) if cursor else None
    rows = page(council_id=council_id, channel_ids=channel_ids, query=query, before=before, wanted=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more and rows else None
    return rows, _cursor(dt.datetime.fromisoformat(last["occurred_at"]), last["id"]) if last else None


def search_results(
    *, council_id: int, channel_ids: list[int] | None, query: ArchiveQuery, cursor: str | None, limit: int
) -> tuple[Any, str | None]:
    """``search_rows`` as the answer's ``results`` carry them: on SQLite the JSON array the database wrote
    (``page_written``, an ``orjson.Fragment``), elsewhere the rows."""
    if connection.vendor != "sqlite":
        return search_rows(council_id=council_id, channel_ids=channel_ids, query=query, cursor=cursor, limit=limit)
    before = cursor_decode(cursor) if cursor else None
    limit = max(1, min(limit, 200))
    conditions = record_conditions(council_id=council_id, channel_ids=channel_ids, query=query, before=before)
    results, last = page_written(conditions, query, before, limit)
    stored = dt.datetime.fromisoformat(last[0]).replace(tzinfo=dt.UTC) if last else None
    return results, _cursor(stored, last[1]) if stored and last else None


def archive_record_ids(*, council: Council, query: ArchiveQuery) -> QuerySet[ArchiveRecord, int]:
    """The ids of every record of the council that ``query`` finds, whoever asks (holds, exports)."""
    return query_filter(ArchiveRecord.objects.filter(council=council), query).values_list("pk", flat=True)


def archive_record(*, council: Council, user: Any, pk: int) -> ArchiveRecord | None:
    """One record the person may see, with its versions; None if there is none they may see."""
    return (
        records_visible_to(council=council, user=user)
        .select_related("channel")
        .prefetch_related(versions_in_order())
        .filter(pk=pk)
        .first()
    )


def record_thread(*, record: ArchiveRecord, user: Any) -> list[ArchiveRecord]:
    """The records of the same thread the person may see (the post, its replies, its approval history), oldest first."""
    keys = {k for k in (record.thread_key, record.external_id) if k}
    if not keys:
        return [record]
    visible = records_visible_to(council=record.council, user=user)
    thread = visible.filter(Q(thread_key__in=keys) | Q(external_id__in=keys, channel_id=record.channel_id))
    return list(
        thread.select_related("channel").prefetch_related(versions_in_order()).order_by("occurred_at", "pk")[:200]
    )


def holds_active(*, council: Council) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(council=council, released_at__isnull=True)


def held_record_ids(*, council: Council) -> set[int]:
    """Every record of the council an active hold protects (its search run now, so later records count)."""
    held: set[int] = set()
    for hold in holds_active(council=council):
        held |= set(archive_record_ids(council=council, query=ArchiveQuery.from_json(hold.query)))
    return held

"""What the dashboard shows for a scope, a measure, a quarter and a comparison, computed from the
summaries and kept in the process's cache under the council's summary version: a councillor's page
after a colleague's costs one small query, and any new figure or target raises the version."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from townsquare.channels.models import Channel, Platform
from townsquare.councils.models import Council
from townsquare.measures.charts import line_chart
from townsquare.measures.comparisons import AccessRow, account_access, aims, compare
from townsquare.measures.engagement import democratic_engagement, inbox_performance
from townsquare.measures.models import Metric, SummaryStamp
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Scope, headlines, metrics_with_figures, monthly_series
from townsquare.measures.stamps import stamp_of

KEEP_SECONDS = 600


def _key(scope: Scope, version: str, *parts: object) -> str:
    where = f"{scope.platform}:{scope.service_id}:{scope.channel_id}"
    return f"measures:{scope.council.pk}:{version}:{where}:" + ":".join(str(p) for p in parts)


def dashboard_metrics(scope: Scope) -> list[str]:
    version = stamp_of(scope.council.pk)
    key = f"measures:{scope.council.pk}:{version}:metrics"
    found: list[str] | None = cache.get(key) if version else None
    if found is None:
        found = metrics_with_figures(scope.council)
        if version:
            cache.set(key, found, KEEP_SECONDS)
    return found


def dashboard_figures(
    *, scope: Scope, metric: str, quarter: Quarter, kind: str, before: dt.date | None, after: dt.date | None
) -> dict[str, Any]:
    """The chart, its table, the comparison, the aims with their targets, the headlines and the
    inbox's performance."""
    version = stamp_of(scope.council.pk)
    key = _key(scope, version, metric, quarter.code, quarter.financial, kind, before, after)
    found: dict[str, Any] | None = cache.get(key) if version else None
    if found is not None:
        return found
    last = quarter.months[-1]
    series = monthly_series(scope=scope, metric=metric, first=month_add(last, -23), last=last)
    label = Metric(metric).label
    where = f" on {Platform(scope.platform).label}" if scope.platform else ""
    found = {
        "series": series,
        "chart": line_chart(title=f"{label.capitalize()} by month{where}", series=series, chart_id="measure"),
        "compared": compare(scope=scope, metric=metric, kind=kind, quarter=quarter, before=before, after=after),
        "aims": aims(scope=scope, quarter=quarter, kind=kind, before=before, after=after),
        "headlines": headlines(council=scope.council, quarter=quarter),
        "inbox": inbox_performance(scope=scope, quarter=quarter),
    }
    if version:
        cache.set(key, found, KEEP_SECONDS)
    return found


def _day(value: dt.date | dt.datetime | None, empty: str) -> str:
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def access_rows_html(rows: list[AccessRow]) -> SafeString:
    """The access table's rows: hundreds of accounts are cheaper joined here than looped in a template."""
    if not rows:
        return mark_safe(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="7">No accounts.</td></tr>'
        )
    cell = '<td class="govuk-table__cell">{}</td>'
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{} ({})</th>' + cell * 6 + "</tr>",
        (
            (
                row.name,
                row.where,
                row.owner,
                row.deputy,
                ", ".join(row.assignees) or "None",
                _day(row.confirmed_on, "Not confirmed"),
                "Not known" if row.two_factor is None else "On" if row.two_factor else "Off",
                _day(row.last_post_at, "Never"),
            )
            for row in rows
        ),
    )


def channel_options_html(options: list[tuple[int, str, str]], selected: int | None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{} ({})</option>',
        ((pk, mark_safe(" selected") if pk == selected else "", name, label) for pk, name, label in options),
    )


REGISTER_SECONDS = 60
# The request parameters that choose what the page shows (anything else leaves it as it is).
PAGE_PARAMS = ("metric", "platform", "service", "channel", "quarter", "year", "compare", "from", "to")


def register_stamp(council: Council) -> str:
    """The channel register's latest change: assignments and accounts do not move the summary version."""
    changed = Channel.objects.filter(council=council).aggregate(last=Max("updated_at"), count=Count("pk"))
    return f"{changed['last'].timestamp() if changed['last'] else 0}-{changed['count']}"


def _versions(council_id: int) -> tuple[str, str]:
    """The summary version and the register's latest change in one plain query: it runs on every
    read of the page, so it skips building a query (a fixed statement, the names from the models)."""
    stamps, channels = SummaryStamp._meta.db_table, Channel._meta.db_table
    sql = (
        f"SELECT (SELECT version FROM {stamps} WHERE council_id = %s), "  # noqa: S608 - names from the models
        f"(SELECT MAX(updated_at) FROM {channels} WHERE council_id = %s), "
        f"(SELECT COUNT(*) FROM {channels} WHERE council_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [council_id] * 3)
        version, last, count = cursor.fetchone()
    return version or "", f"{last}-{count}"


def page_key(council: Council, params: Mapping[str, str], *, can_import: bool, today: dt.date) -> str | None:
    """Where the page's content for these request parameters is kept: under the summary version and
    the register's latest change (read on every request, so a kept page is never older than its
    figures), the day (the default quarter follows it) and whether the reader may import. None:
    nothing is kept before the council's first summary."""
    version, register = _versions(council.pk)
    if not version:
        return None
    asked = "&".join(f"{name}={params.get(name, '')}" for name in PAGE_PARAMS)
    digest = hashlib.sha256(f"{register}|{today}|{can_import}|{asked}".encode()).hexdigest()[:40]
    return f"measures:{council.pk}:{version}:page:{digest}"  # any text a reader sends, as a safe key


def register_parts(scope: Scope, *, quarter: Quarter) -> dict[str, Any]:
    """The parts read from the channel register and the meetings (the access table, the account
    list, the quarter's streams and promotion posts): kept while the register's latest change and the
    summary version stand, and a minute at most, since viewing figures do not change the version."""
    # The summary version too: a post's reach comes with the account's snapshot.
    version = f"{stamp_of(scope.council.pk)}-{register_stamp(scope.council)}"
    key = _key(scope, version, "register", quarter.code, quarter.financial)
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        options = [
            (pk, name, Platform(platform).label if platform in Platform.values else platform)
            for pk, name, platform in scope.council.channels.order_by("platform", "handle").values_list(
                "pk", "name", "platform"
            )
        ]
        found = {
            "channel_options": channel_options_html(options, scope.channel_id),
            "access_rows": access_rows_html(account_access(scope)),
            "democracy": democratic_engagement(scope=scope, quarter=quarter),
        }
        cache.set(key, found, REGISTER_SECONDS)
    return found


def dashboard_body(*, scope: Scope, choices: dict[str, Any], figures: dict[str, Any], can_import: bool) -> SafeString:
    """The page's content for these choices (the measure, scope, quarter and comparison in
    ``figures``); the view keeps it under ``page_key``."""
    quarter: Quarter = figures["quarter"]
    context = {
        **choices,
        **figures,
        "council": scope.council,
        "can_import": can_import,
        **dashboard_figures(
            scope=scope,
            metric=figures["metric"],
            quarter=quarter,
            kind=figures["kind"],
            before=figures["before"],
            after=figures["after"],
        ),
        **register_parts(scope, quarter=quarter),
    }
    return mark_safe(render_to_string("measures/_dashboard_body.html", context))  # noqa: S308 - our template

"""Every measure in the JSON API, and the same feed as a CSV download: for a council's corporate
performance system. The same access rules as the dashboard."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for, council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.measures.feed import feed_csv_lines, feed_rows, filters_parse
from townsquare.measures.models import DailyMeasure


class MeasureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    date = serializers.DateField(source="day")
    platform = serializers.CharField(source="channel.platform")
    channel = serializers.CharField(source="channel.handle")

    class Meta:
        model = DailyMeasure
        fields = ["date", "platform", "channel", "channel_id", "metric", "value", "source"]


FILTERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("metric", "One measure, e.g. followers"),
        ("channel", "The account's handle or number"),
        ("platform", "e.g. facebook"),
        ("from", "First day, YYYY-MM-DD"),
        ("to", "Last day, YYYY-MM-DD"),
    )
]


class MeasureFeedView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(parameters=FILTERS, responses=MeasureSerializer(many=True), summary="Every daily measure")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_REPORTS)
        filters, errors = filters_parse(request.query_params)
        if errors:
            return Response({"detail": errors}, status=400)
        paginator = LimitOffsetPagination()
        page: Any = paginator.paginate_queryset(feed_rows(council, filters), request, view=self)
        return paginator.get_paginated_response(MeasureSerializer(page, many=True).data)


class _Echo:
    def write(self, value: str) -> str:
        return value


@council_view(Perm.VIEW_REPORTS)  # type: ignore[type-var]  # a streamed response
def feed_csv(request: HttpRequest, council: Council) -> HttpResponse | StreamingHttpResponse:
    filters, errors = filters_parse(request.GET)
    if errors:
        return HttpResponse("\n".join(errors) + "\n", status=400, content_type="text/plain; charset=utf-8")
    writer = csv.writer(_Echo())
    lines: Iterator[str] = (writer.writerow(line) for line in feed_csv_lines(feed_rows(council, filters)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-measures.csv"'
    return response

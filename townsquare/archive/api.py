"""The archive in the JSON API: the same access rules and filters as the pages, newest first by cursor."""

from __future__ import annotations

from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.archive.models import ArchiveRecord, ArchiveVersion
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_record, archive_search_rows, record_thread
from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm

JSON = "application/json"


class VersionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ArchiveVersion
        fields = ["n", "event", "text", "metadata", "captured_at", "content_hash", "hash"]


class RecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    channel = serializers.SerializerMethodField()
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = ArchiveRecord
        fields = [
            "id",
            "kind",
            "channel",
            "platform",
            "external_id",
            "url",
            "author",
            "thread_key",
            "occurred_at",
            "first_seen_at",
            "edited_at",
            "deleted_at",
            "content_hash",
            "version_count",
            "versions",
        ]

    def get_channel(self, record: ArchiveRecord) -> dict[str, Any] | None:
        if record.channel is None:
            return None
        return {"id": record.channel_id, "name": record.channel.name, "platform": record.channel.platform}


class RecordDetailSerializer(RecordSerializer):
    thread = serializers.SerializerMethodField()

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "thread"]

    def get_thread(self, record: ArchiveRecord) -> list[dict[str, Any]]:
        user = self.context["user"]
        return [RecordSerializer(r).data for r in record_thread(record=record, user=user) if r.pk != record.pk]


def page_json(
    request: HttpRequest, rows: list[dict[str, Any]] | orjson.Fragment, next_cursor: str | None
) -> dict[str, Any]:
    """A page of the search as the API gives it: the next page's link (this request's, with the cursor) and
    the records (as rows, or written already: ``selectors.search_results``)."""
    following = None
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        following = request.build_absolute_uri(request.path + "?" + params.urlencode())
    return {"next": following, "results": rows}


def page_size(params: Any) -> int:
    """The ``page_size`` asked for; ValidationError unless from 1 to 200."""
    size = params.get("page_size", "50")
    if not size.isdigit() or not 1 <= int(size) <= 200:
        raise ValidationError("page_size must be a number from 1 to 200.")
    return int(size)


FILTERS = [
    OpenApiParameter(name, str, description=text, many=name in ("channel", "platform", "kind"))
    for name, text in (
        ("q", "Words that must all be in some version's text (full-text search)."),
        ("channel", "A channel's id; repeat or separate with commas for several."),
        ("platform", "facebook, x, instagram, youtube, linkedin, bluesky, mastodon or nextdoor."),
        ("kind", "post, reply, received, direct_message, note or approval."),
        ("author", "Part of the author's handle, name or email."),
        ("from", "Published or received on or after this date (YYYY-MM-DD)."),
        ("to", "Published or received on or before this date (YYYY-MM-DD)."),
        ("only", "edited or deleted: only records edited, or deleted, after they were archived."),
        ("cursor", "The next page, as given in the previous page's next link."),
        ("page_size", "How many records a page holds: 1 to 200, 50 unless given."),
    )
]


class ArchivePageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(allow_null=True, help_text="The next page, older records; null on the last.")
    results = RecordSerializer(many=True)


class ArchiveListView(APIView):
    @extend_schema(
        operation_id="councils_archive_list",
        parameters=FILTERS,
        responses=ArchivePageSerializer,
        summary="Search the council's archive",
    )
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        council = council_for(request.user, slug, Perm.VIEW_ARCHIVE)
        try:
            size = page_size(request.query_params)
            query = ArchiveQuery.from_querydict(request.query_params)
            rows, next_cursor = archive_search_rows(
                council=council,
                user=request.user,
                query=query,
                cursor=request.query_params.get("cursor") or None,
                limit=size,
            )
        except ValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=400)
        # The records come as the API gives them, metadata as stored JSON: orjson writes the answer.
        return HttpResponse(orjson.dumps(page_json(request._request, rows, next_cursor)), content_type=JSON)


class ArchiveRecordView(APIView):
    @extend_schema(
        operation_id="councils_archive_record",
        responses=RecordDetailSerializer,
        summary="One archived record, with every version and its thread",
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_ARCHIVE)
        found = archive_record(council=council, user=request.user, pk=pk)
        if found is None:
            raise Http404("No such record")
        return Response(RecordDetailSerializer(found, context={"user": request.user}).data)

"""The inbox in the JSON API: the same access rules and filters as the pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from townsquare.councils.access import council_for, perms_in
from townsquare.councils.roles import Perm
from townsquare.inbox import paging
from townsquare.inbox.models import ItemNote, ReceivedItem
from townsquare.inbox.selectors import filters_parse, item_list, item_thread, items_filter, items_visible_to


class ItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    channel = serializers.SerializerMethodField()
    service: Any = serializers.SlugRelatedField(slug_field="name", read_only=True)
    assignee: Any = serializers.SlugRelatedField(slug_field="email", read_only=True)
    assigned_service: Any = serializers.SlugRelatedField(slug_field="name", read_only=True)
    tags = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=", ".join(ReceivedItem.Status.values))

    class Meta:
        model = ReceivedItem
        fields = [
            "id",
            "channel",
            "external_id",
            "kind",
            "author_handle",
            "author_name",
            "text",
            "created_at",
            "received_at",
            "url",
            "in_reply_to_external_id",
            "thread_key",
            "language",
            "links",
            "media",
            "sentiment",
            "categories",
            "risk",
            "service",
            "status",
            "assignee",
            "assigned_service",
            "tags",
            "malformed",
            "needs_attention",
            "processing_error",
        ]

    def get_channel(self, item: ReceivedItem) -> dict[str, Any]:
        return {"id": item.channel_id, "name": item.channel.name, "platform": item.channel.platform}

    def get_tags(self, item: ReceivedItem) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class NoteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    author: Any = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = ItemNote
        fields = ["author", "text", "created_at"]


class ItemDetailSerializer(ItemSerializer):
    thread = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "classification", "thread", "notes"]

    def get_thread(self, item: ReceivedItem) -> list[dict[str, Any]]:
        return [
            {"id": e.pk, "author_handle": e.author_handle, "text": e.text, "created_at": e.created_at}
            for e in item_thread(item)
        ]


PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


FILTERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("q", "Words that must all be in the text (full-text search)."),
        ("category", "A classification category, like complaint or foi_request."),
        ("status", "new, assigned, awaiting_reply, awaiting_resident or resolved."),
        ("service", "A service's id: items routed or assigned to it."),
        ("assignee", "A person's id, me, none, or service:<id>."),
        ("cursor", "Where the page starts: the next or previous link of the page before."),
        ("page_size", f"Items a page, at most {MAX_PAGE_SIZE} (default {PAGE_SIZE})."),
    )
]


def _visible(request: Request, slug: str) -> Any:
    council = council_for(request.user, slug, Perm.VIEW_ASSIGNED_CHANNELS)
    return items_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))


class InboxPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(allow_null=True, help_text="The next page, older items; null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="The page before, newer items; null on the first.")
    results = ItemSerializer(many=True)


class InboxListView(APIView):
    @extend_schema(
        operation_id="councils_inbox_list",
        parameters=FILTERS,
        responses=InboxPageSerializer,
        summary="The council's inbox",
    )
    def get(self, request: Request, slug: str) -> Response:
        visible = _visible(request, slug)
        names = ("q", "category", "status", "service", "assignee")
        filters = filters_parse({k: request.query_params.get(k, "") for k in names})
        if filters.problems:
            return Response({"detail": " ".join(filters.problems)}, status=400)
        cursor = paging.cursor_parse(request.query_params.get("cursor", ""))
        if request.query_params.get("cursor") and cursor is None:
            return Response({"detail": "The cursor is not one this API gave."}, status=400)
        size = request.query_params.get("page_size", "")
        size_n = min(int(size), MAX_PAGE_SIZE) if size.isdigit() and int(size) > 0 else PAGE_SIZE
        # Keyset pages, newest first, as on the inbox page: the text search reads only the hits it needs.
        chosen = items_filter(visible, replace(filters, q=""), user=request.user)
        page = paging.item_page(item_list(chosen).prefetch_related("tags"), query=filters.q, cursor=cursor, size=size_n)
        link = request.build_absolute_uri()
        return Response(
            {
                "next": replace_query_param(link, "cursor", page.older) if page.older else None,
                "previous": replace_query_param(link, "cursor", page.newer) if page.newer else None,
                "results": ItemSerializer(page.items, many=True).data,
            }
        )


class InboxItemView(APIView):
    @extend_schema(responses=ItemDetailSerializer, summary="One inbox item, with its thread and internal notes")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        item = get_object_or_404(item_list(_visible(request, slug)), pk=pk)
        return Response(ItemDetailSerializer(item).data)

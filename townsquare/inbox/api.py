"""The inbox in the JSON API: the same access rules and filters as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for, perms_in
from townsquare.councils.roles import Perm
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
        fields = [*ItemSerializer.Meta.fields, "thread", "notes"]

    def get_thread(self, item: ReceivedItem) -> list[dict[str, Any]]:
        return [
            {"id": e.pk, "author_handle": e.author_handle, "text": e.text, "created_at": e.created_at}
            for e in item_thread(item)
        ]


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


FILTERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("q", "Words that must all be in the text (full-text search)."),
        ("category", "A classification category, like complaint or foi_request."),
        ("status", "new, assigned, awaiting_reply, awaiting_resident or resolved."),
        ("service", "A service's id: items routed or assigned to it."),
        ("assignee", "A person's id, me, none, or service:<id>."),
    )
]


def _visible(request: Request, slug: str) -> Any:
    council = council_for(request.user, slug, Perm.VIEW_ASSIGNED_CHANNELS)
    return items_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))


class InboxListView(APIView):
    @extend_schema(parameters=FILTERS, responses=ItemSerializer(many=True), summary="The council's inbox")
    def get(self, request: Request, slug: str) -> Response:
        visible = _visible(request, slug)
        names = ("q", "category", "status", "service", "assignee")
        filters = filters_parse({k: request.query_params.get(k, "") for k in names})
        if filters.problems:
            return Response({"detail": " ".join(filters.problems)}, status=400)
        items = item_list(items_filter(visible, filters, user=request.user)).prefetch_related("tags")
        paginator = NewestFirst()
        page: Any = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ItemSerializer(page, many=True).data)


class InboxItemView(APIView):
    @extend_schema(responses=ItemDetailSerializer, summary="One inbox item, with its thread and internal notes")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        item = get_object_or_404(item_list(_visible(request, slug)), pk=pk)
        return Response(ItemDetailSerializer(item).data)

"""The meetings API (read-only): the same permission rules and selectors as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.channels.models import Platform
from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.meetings.models import LiveStream, Meeting, Promotion, ViewingFigures
from townsquare.meetings.selectors import meeting_with_related, meetings_list, streams_of


class PromotionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    post = serializers.IntegerField(source="post_id")
    # The posts API names this choice set; a second name for it here would muddle the schema.
    post_status = serializers.CharField(
        source="post.status", help_text="The post's approval status, as in the posts API."
    )
    scheduled_for = serializers.DateTimeField(source="post.scheduled_for", allow_null=True)
    offset: serializers.Field = serializers.StringRelatedField(allow_null=True)  # type: ignore[type-arg]

    class Meta:
        model = Promotion
        fields = ["post", "post_status", "scheduled_for", "offset", "created_at"]


class FiguresSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    entered_by: serializers.Field = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)  # type: ignore[type-arg]

    class Meta:
        model = ViewingFigures
        fields = [
            "peak_concurrent_viewers",
            "total_views",
            "average_watch_seconds",
            "source",
            "read_on",
            "entered_by",
            "entered_at",
        ]


class LiveStreamSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    meeting = serializers.IntegerField(source="meeting_id")
    platform = serializers.ChoiceField(choices=Platform.choices)
    stream_status = serializers.ChoiceField(source="status", choices=LiveStream.Status.choices)
    channel = serializers.IntegerField(source="channel_id", allow_null=True)
    agreed_by = serializers.SerializerMethodField()
    announcements: serializers.Field = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[type-arg]
    figures = FiguresSerializer(many=True, read_only=True)

    class Meta:
        model = LiveStream
        fields = [
            "id",
            "meeting",
            "agenda_item",
            "platform",
            "channel",
            "stream_url",
            "stream_status",
            "agreed_by",
            "agreed_by_role",
            "agreed_on",
            "announcements",
            "figures",
            "created_at",
            "updated_at",
        ]

    def get_agreed_by(self, stream: LiveStream) -> str:
        """The name of the person who agreed the item, or an empty string while nobody has."""
        if stream.agreed_by is not None:
            return stream.agreed_by.display_name
        return stream.agreed_by_name


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "committee",
            "starts_at",
            "ends_at",
            "venue",
            "agenda_url",
            "cancelled",
            "created_at",
            "updated_at",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    promotions = PromotionSerializer(many=True, read_only=True)
    live_streams = LiveStreamSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "promotions", "live_streams"]


class MeetingListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(
        responses=MeetingSerializer(many=True),
        summary="The council's meetings (upcoming soonest first, or past)",
        parameters=[
            OpenApiParameter("when", str, enum=["upcoming", "past"], description="Default: upcoming"),
            OpenApiParameter("committee", str, description="Only this committee's meetings"),
        ],
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        when = "past" if request.query_params.get("when") == "past" else "upcoming"
        meetings = meetings_list(
            council=council, when=when, committee=request.query_params.get("committee", "").strip()
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(meetings, request, view=self)
        return paginator.get_paginated_response(MeetingSerializer(page, many=True).data)


class MeetingDetailView(APIView):
    @extend_schema(responses=MeetingDetailSerializer, summary="A meeting with its promotional posts and live streams")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        get_object_or_404(Meeting.objects.filter(council=council), pk=pk)
        meeting = meeting_with_related(council=council, pk=pk)
        return Response(MeetingDetailSerializer(meeting).data)


class LiveStreamListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(
        responses=LiveStreamSerializer(many=True),
        summary="Live-stream events: the item, who agreed it, announcements and viewing figures",
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(streams_of(council=council), request, view=self)
        return paginator.get_paginated_response(LiveStreamSerializer(page, many=True).data)


class LiveStreamDetailView(APIView):
    @extend_schema(responses=LiveStreamSerializer, summary="One live-stream event")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        return Response(LiveStreamSerializer(get_object_or_404(streams_of(council=council), pk=pk)).data)

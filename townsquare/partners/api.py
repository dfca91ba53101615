"""The partner-council API: what awaits the person's approval at every council where they may approve."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.partners.selectors import approvals_waiting
from townsquare.publishing.api import PostSerializer
from townsquare.publishing.models import Post


class CouncilRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.SlugField()
    name = serializers.CharField()


class WaitingPostSerializer(PostSerializer):
    council = CouncilRefSerializer(read_only=True)
    group = serializers.SerializerMethodField()

    class Meta(PostSerializer.Meta):
        fields = ["council", "group", *PostSerializer.Meta.fields]

    def get_group(self, post: Post) -> int | None:
        member = getattr(post, "partner_group", None)
        return member.group_id if member is not None else None


class MyApprovalsView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(
        responses=WaitingPostSerializer(many=True),
        summary="Posts awaiting your approval at every council where you may approve, each with its council",
    )
    def get(self, request: Request) -> Response:
        posts = approvals_waiting(user=request.user)
        if council := request.query_params.get("council"):
            posts = posts.filter(council__slug=council)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response(WaitingPostSerializer(page, many=True).data)

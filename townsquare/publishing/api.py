"""The posts API: the same permission rules and services as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import council_for, perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing import selectors, services
from townsquare.publishing.models import Campaign, Post, PostTarget
from townsquare.publishing.selectors import posts_visible_to, with_targets
from townsquare.web.ids import MAX_ID, parse_id


class TargetSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    channel = serializers.IntegerField(source="channel_id")
    channel_name = serializers.CharField(source="channel.name")
    platform = serializers.CharField(source="channel.platform")

    class Meta:
        model = PostTarget
        fields = [
            "channel",
            "channel_name",
            "platform",
            "text_override",
            "status",
            "due_at",
            "url",
            "external_id",
            "published_at",
            "last_error",
        ]


class PostSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    author: serializers.Field = serializers.SlugRelatedField(slug_field="email", read_only=True)  # type: ignore[type-arg]
    campaign: serializers.Field = serializers.StringRelatedField(allow_null=True)  # type: ignore[type-arg]
    targets = TargetSerializer(many=True, read_only=True)
    delivery = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "author",
            "text",
            "link",
            "language",
            "campaign",
            "scheduled_for",
            "status",
            "delivery",
            "findings",
            "forces_approval",
            "decision_reason",
            "submitted_at",
            "approved_at",
            "targets",
            "created_at",
            "updated_at",
        ]

    def get_delivery(self, post: Post) -> str:
        return selectors.delivery_from(
            [t.status for t in post.targets.all() if t.status != PostTarget.Status.CANCELLED]
        )


class DraftSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(allow_blank=True, max_length=10_000)
    channels = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=True)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)
    link = serializers.URLField(required=False, allow_blank=True, max_length=500)
    campaign = serializers.CharField(required=False, allow_blank=True)
    variants = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class SubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    override_reason = serializers.CharField(required=False, allow_blank=True)
    acknowledge_warnings = serializers.BooleanField(required=False, default=False)


class ApproveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    acknowledge_warnings = serializers.BooleanField(required=False, default=False)


class RejectSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField()


def _post(request: Request, slug: str, pk: int, perm: str) -> tuple[Council, Post]:
    council = council_for(request.user, slug, perm)
    posts = posts_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
    return council, get_object_or_404(with_targets(posts), pk=pk)


def _out(post: Post, code: int = 200) -> Response:
    fresh = with_targets(Post.objects.filter(pk=post.pk)).get()
    return Response(PostSerializer(fresh).data, status=code)


class PostListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(responses=PostSerializer(many=True), summary="Posts you may see (approvers: all of the council's)")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.DRAFT_POSTS)
        posts = with_targets(
            posts_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
        )
        if state := request.query_params.get("status"):
            posts = posts.filter(status=state)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(posts.order_by("-updated_at", "-pk"), request, view=self)
        return paginator.get_paginated_response(PostSerializer(page, many=True).data)

    @extend_schema(request=DraftSerializer, responses={201: PostSerializer}, summary="Create a draft")
    def post(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.DRAFT_POSTS)
        incoming = DraftSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(incoming.validated_data)
        visible = channels_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
        channels = list(visible.filter(pk__in=data["channels"]))
        if len(channels) != len(set(data["channels"])):
            return Response({"channels": ["You cannot draft for one or more of these channels."]}, status=400)
        campaign = None
        if data.get("campaign"):
            campaign = Campaign.objects.filter(council=council, name__iexact=data["campaign"]).first()
            if campaign is None:
                return Response({"campaign": ["No campaign of that name."]}, status=400)
        given = {parse_id(k): v for k, v in (data.get("variants") or {}).items()}
        variants = {k: v for k, v in given.items() if k is not None}
        if len(variants) != len(given):
            return Response({"variants": ["Name each variant by the id of one of the post's channels."]}, status=400)
        post = services.post_create_draft(
            author=request.user,  # type: ignore[arg-type]
            council=council,
            text=data["text"],
            channels=channels,  # type: ignore[arg-type]
            scheduled_for=data.get("scheduled_for"),
            campaign=campaign,
            link=data.get("link", ""),
            variants=variants,
        )
        return _out(post, status.HTTP_201_CREATED)


class PostDetailView(APIView):
    @extend_schema(responses=PostSerializer, summary="A post with each channel's status")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, post = _post(request, slug, pk, Perm.DRAFT_POSTS)
        return _out(post)


class PostSubmitView(APIView):
    @extend_schema(request=SubmitSerializer, responses=PostSerializer, summary="Submit a draft for approval")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _, post = _post(request, slug, pk, Perm.DRAFT_POSTS)
        incoming = SubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if post.author_id != request.user.pk:
            raise DRFPermissionDenied("Only the author can submit a draft.")
        post = services.post_submit(actor=request.user, post=post, **incoming.validated_data)  # type: ignore[arg-type]
        return _out(post)


class PostApproveView(APIView):
    @extend_schema(request=ApproveSerializer, responses=PostSerializer, summary="Approve a submitted post")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _, post = _post(request, slug, pk, Perm.APPROVE_POSTS)
        incoming = ApproveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            post = services.post_approve(actor=request.user, post=post, **incoming.validated_data)  # type: ignore[arg-type]
        except services.PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        return _out(post)


class PostRejectView(APIView):
    @extend_schema(request=RejectSerializer, responses=PostSerializer, summary="Reject a submitted post with a reason")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _, post = _post(request, slug, pk, Perm.APPROVE_POSTS)
        incoming = RejectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            post = services.post_reject(actor=request.user, post=post, reason=incoming.validated_data["reason"])  # type: ignore[arg-type]
        except services.PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        return _out(post)

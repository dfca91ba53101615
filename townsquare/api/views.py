"""The JSON API: the same permission rules as the pages, through the same services."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.accounts.models import User
from townsquare.accounts.utils import request_user
from townsquare.api import serializers as s
from townsquare.audit.selectors import audit_events_for
from townsquare.channels.forms import ChannelForm
from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_filter, channels_visible_to, rationalisation_shortfalls
from townsquare.channels.services import channel_save_form
from townsquare.councils.access import council_for, councils_of, perms_in, roles_by_council
from townsquare.councils.models import Council, Service
from townsquare.councils.roles import Perm


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me", {"email": serializers.EmailField(), "councils": s.CouncilSerializer(many=True)}
        ),
        summary="You, and the councils you hold roles in",
    )
    def get(self, request: Request) -> Response:
        councils = councils_of(request.user)
        data = s.CouncilSerializer(councils, many=True, context={"roles": roles_by_council(request.user)}).data
        return Response({"email": request_user(request).email, "councils": data})


class CouncilListView(APIView):
    @extend_schema(responses=s.CouncilSerializer(many=True))
    def get(self, request: Request) -> Response:
        councils = councils_of(request.user)
        return Response(
            s.CouncilSerializer(councils, many=True, context={"roles": roles_by_council(request.user)}).data
        )


def _paginate(request: Request, view: APIView, queryset: Any, serializer: type) -> Response:
    paginator = LimitOffsetPagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _form_data(council: Council, payload: dict[str, Any], instance: Channel | None) -> dict[str, Any]:
    """Turn API fields (emails, service name) into the register form's fields, keeping unsent ones."""
    base: dict[str, Any] = {"status": Channel.Status.ACTIVE, "platform_two_factor": "unknown"}
    if instance is not None:
        form = ChannelForm(instance=instance, council=council)
        base = {name: form.initial.get(name) for name in form.fields}
        base["assignees"] = [u.pk for u in instance.assignees.all()]
        base = {k: ("" if v is None else v) for k, v in base.items()}
    people = dict(User.objects.filter(memberships__council=council).values_list("email", "pk").distinct())
    for key, value in payload.items():
        if key in {"owner", "deputy"}:
            base[key] = people.get(str(value).lower(), -1) if value else ""
        elif key == "assignees":
            base[key] = [people.get(str(v).lower(), -1) for v in value]
        elif key == "service":
            base[key] = Service.objects.filter(council=council, name__iexact=value).values_list(
                "pk", flat=True
            ).first() or (-1 if value else "")
        elif key == "platform_two_factor":
            base[key] = "unknown" if value is None else ("true" if value else "false")
        else:
            base[key] = "" if value is None else value
    return base


def _save(request: Request, council: Council, instance: Channel | None) -> Response:
    incoming = s.ChannelWriteSerializer(data=request.data, partial=instance is not None)
    incoming.is_valid(raise_exception=True)
    form = ChannelForm(
        data=_form_data(council, dict(incoming.validated_data), instance), instance=instance, council=council
    )
    if not form.is_valid():
        return Response({k: [str(e) for e in v] for k, v in form.errors.items()}, status=status.HTTP_400_BAD_REQUEST)
    channel = channel_save_form(actor=request_user(request), form=form)
    return Response(s.ChannelSerializer(channel).data, status=status.HTTP_201_CREATED if instance is None else 200)


class ChannelListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(responses=s.ChannelSerializer(many=True), summary="The channel register")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_ASSIGNED_CHANNELS)
        channels = channels_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
        channels = (
            channels_filter(
                channels,
                q=request.query_params.get("q", ""),
                platform=request.query_params.get("platform", ""),
                status=request.query_params.get("status", ""),
            )
            .select_related("council", "service", "owner", "deputy")
            .prefetch_related("assignees")
            .order_by("pk")
        )
        return _paginate(request, self, channels, s.ChannelSerializer)

    @extend_schema(request=s.ChannelWriteSerializer, responses={201: s.ChannelSerializer})
    def post(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.MANAGE_CHANNELS)
        return _save(request, council, None)


class ChannelDetailView(APIView):
    def _channel(self, request: Request, slug: str, pk: int, perm: str) -> tuple[Council, Channel]:
        council = council_for(request.user, slug, perm)
        visible = channels_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
        return council, get_object_or_404(visible, pk=pk)

    @extend_schema(responses=s.ChannelSerializer)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        _, channel = self._channel(request, slug, pk, Perm.VIEW_ASSIGNED_CHANNELS)
        return Response(s.ChannelSerializer(channel).data)

    @extend_schema(request=s.ChannelWriteSerializer, responses=s.ChannelSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        council, channel = self._channel(request, slug, pk, Perm.MANAGE_CHANNELS)
        return _save(request, council, channel)


class RationalisationView(APIView):
    @extend_schema(responses=s.ShortfallSerializer(many=True), summary="Accounts failing a register standard")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_REGISTER)
        items = rationalisation_shortfalls(council=council)
        return Response(s.ShortfallSerializer(items, many=True).data)


class AuditEventListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(responses=s.AuditEventSerializer(many=True), summary="The council's audit trail")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_AUDIT)
        events = audit_events_for(
            council=council, **{k: request.query_params.get(k, "") for k in ("action", "actor", "since", "until")}
        )
        return _paginate(request, self, events, s.AuditEventSerializer)

"""The connection state of a channel in the JSON API: the same rules as the pages."""

from __future__ import annotations

import dataclasses

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_visible_to
from townsquare.connectors.selectors import connection_health
from townsquare.connectors.services import connection_disconnect
from townsquare.councils.access import council_for, perms_in
from townsquare.councils.roles import Perm


class ConnectionSerializer(serializers.Serializer):
    state = serializers.CharField()
    state_label = serializers.CharField()
    account_handle = serializers.CharField()
    base_url = serializers.CharField()
    connected_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error_message = serializers.CharField()
    last_error_kind = serializers.CharField()
    last_error_at = serializers.DateTimeField(allow_null=True)
    rate_remaining = serializers.IntegerField(allow_null=True)
    rate_limit = serializers.IntegerField(allow_null=True)
    rate_resets_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    received_items = serializers.IntegerField()


class ConnectionView(APIView):
    def _channel(self, request: Request, slug: str, pk: int, perm: str) -> Channel:
        council = council_for(request.user, slug, perm)
        visible = channels_visible_to(user=request.user, council=council, perms=perms_in(request.user, council))
        return get_object_or_404(visible, pk=pk)

    def _data(self, channel: Channel) -> dict[str, object]:
        health = dataclasses.asdict(connection_health(channel=channel))
        return dict(ConnectionSerializer(health).data)

    @extend_schema(responses=ConnectionSerializer, summary="A channel's connection: health, last error, rate headroom")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return Response(self._data(self._channel(request, slug, pk, Perm.VIEW_ASSIGNED_CHANNELS)))

    @extend_schema(responses={200: ConnectionSerializer}, summary="Disconnect a channel (its credentials are deleted)")
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        channel = self._channel(request, slug, pk, Perm.MANAGE_CHANNELS)
        reason = str(request.data.get("reason", "")) if isinstance(request.data, dict) else ""
        connection_disconnect(actor=request.user, channel=channel, reason=reason[:300])  # type: ignore[arg-type]
        return Response(self._data(channel))

"""JSON API: ``POST /api/councils/<slug>/policy/check/`` checks a draft, like the "try a draft" page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.policy.selectors import channels_resolve
from townsquare.policy.services import check_draft


class ImageSerializer(serializers.Serializer):
    alt = serializers.CharField(allow_blank=True, required=False, default="")


class CheckRequestSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=70000)
    channels = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Channel ids, handles or platform names"
    )
    images = ImageSerializer(many=True, required=False, default=list)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None)
    is_reply = serializers.BooleanField(required=False, default=False)


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    message = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field, popped by the metaclass
    suggestion = serializers.CharField()
    platform = serializers.CharField()
    image = serializers.IntegerField(allow_null=True)


class CheckResponseSerializer(serializers.Serializer):
    blocked = serializers.BooleanField()
    forces_approval = serializers.BooleanField()
    election = serializers.CharField()
    override_applied = serializers.BooleanField()
    findings = FindingSerializer(many=True)


class PolicyCheckView(APIView):
    @extend_schema(
        request=CheckRequestSerializer,
        responses=CheckResponseSerializer,
        summary="Check a draft against the council's policy rules",
    )
    def post(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        incoming = CheckRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(incoming.validated_data)
        try:
            channels = channels_resolve(council=council, given=list(data["channels"]))
        except LookupError as exc:
            return Response({"channels": [exc.args[0]]}, status=status.HTTP_400_BAD_REQUEST)
        result = check_draft(
            council=council,
            text=data["text"],
            channels=channels,
            images=[dict(i) for i in data["images"]],
            scheduled_for=data["scheduled_for"],
            is_reply=data["is_reply"],
        )
        return Response(result.as_dict())

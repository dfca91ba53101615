"""The request register in the JSON API: a council's FOI, EIR and subject access requests, for those who keep it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.disclosure.models import InformationRequest, Kind
from townsquare.disclosure.selectors import redaction_counts, request_clock, request_get, requests_of


class RequestSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    # Plain strings in the schema: their choice sets would collide with other registers' "kind" and "status".
    kind = serializers.CharField(read_only=True, help_text="foi, eir or sar.")
    status = serializers.CharField(read_only=True, help_text="open or closed.")
    officer = serializers.SerializerMethodField()
    deadline = serializers.DateField(read_only=True, help_text="The extension's date where there is one.")
    clock = serializers.SerializerMethodField(help_text="Days left (negative: overdue), as the register shows it.")
    legal_hold = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "summary",
            "received_at",
            "due_on",
            "extended_to",
            "deadline",
            "clock",
            "officer",
            "legal_hold",
            "outcome",
            "closed_at",
        ]

    def get_officer(self, found: InformationRequest) -> str | None:
        return found.officer.email if found.officer else None

    def get_clock(self, found: InformationRequest) -> dict[str, Any]:
        clock = request_clock(found, self.context.get("today"))
        return {"days_left": clock.days_left, "unit": clock.unit, "label": clock.label}

    def get_legal_hold(self, found: InformationRequest) -> dict[str, Any] | None:
        hold = found.legal_hold
        return {"id": hold.pk, "active": hold.active, "reference": hold.reference} if hold else None


class RequestDetailSerializer(RequestSerializer):
    redactions = serializers.SerializerMethodField(help_text="How many are proposed, accepted and undone.")
    releases = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [
            *RequestSerializer.Meta.fields,
            "request_text",
            "requester_name",
            "requester_email",
            "requester_address",
            "requester_handle",
            "extension_reason",
            "query",
            "redactions",
            "releases",
        ]

    def get_redactions(self, found: InformationRequest) -> dict[str, int]:
        return redaction_counts(found)

    def get_releases(self, found: InformationRequest) -> list[dict[str, Any]]:
        return [
            {"format": r.format, "released_at": r.released_at, "records": len(r.record_ids)}
            for r in found.releases.order_by("released_at", "pk")
        ]


FILTERS = [
    OpenApiParameter("status", str, description="open or closed; every request when not given."),
    OpenApiParameter("kind", str, description="foi, eir or sar."),
]


class RequestListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(
        operation_id="councils_requests_list",
        parameters=FILTERS,
        responses=RequestSerializer(many=True),
        summary="The council's register of FOI, EIR and subject access requests, newest first",
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.MANAGE_REQUESTS)
        status, kind = request.query_params.get("status", ""), request.query_params.get("kind", "")
        problems = []
        if status and status not in InformationRequest.Status.values:
            problems.append(f"status must be one of {', '.join(InformationRequest.Status.values)}.")
        if kind and kind not in Kind.values:
            problems.append(f"kind must be one of {', '.join(Kind.values)}.")
        if problems:
            return Response({"detail": " ".join(problems)}, status=400)
        paginator = LimitOffsetPagination()
        page: Any = paginator.paginate_queryset(requests_of(council=council, status=status, kind=kind), request, self)
        data = RequestSerializer(page, many=True, context={"today": timezone.localdate()}).data
        return paginator.get_paginated_response(data)


class RequestDetailView(APIView):
    @extend_schema(
        operation_id="councils_requests_detail",
        responses=RequestDetailSerializer,
        summary="One request: its requester, clock, saved search, hold, redactions and releases",
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_for(request.user, slug, Perm.MANAGE_REQUESTS)
        found = request_get(council=council, pk=pk)
        if found is None:
            raise Http404("No such request")
        return Response(RequestDetailSerializer(found, context={"today": timezone.localdate()}).data)

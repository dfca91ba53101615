"""The governance registers in the JSON API: the same access rules and services as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.governance.access import READ_REGISTERS, READ_TRACKERS, breach_council, council_with_any
from townsquare.governance.importing import MAX_IMPORT_CHARS, ImportProblem, parse_action_table
from townsquare.governance.models import (
    Acknowledgement,
    ActionPlan,
    Breach,
    Policy,
    ProgressUpdate,
    Recommendation,
    StrategyPhase,
)
from townsquare.governance.policy_services import policy_acknowledge
from townsquare.governance.selectors import training_overdue, training_states
from townsquare.governance.services import action_plan_import, publishing_rights_refusal


class PolicySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    owner: Any = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "kind",
            "audience",
            "owner",
            "review_interval_months",
            "next_review_on",
            "retired",
            "current_version",
        ]

    def get_current_version(self, policy: Policy) -> dict[str, Any] | None:
        v = policy.current_version
        return (
            None
            if v is None
            else {
                "id": v.pk,
                "number": v.number,
                "approved_by": v.approved_by,
                "approved_on": v.approved_on,
                "published_at": v.published_at,
            }
        )


class AcknowledgementSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    user: Any = serializers.SlugRelatedField(slug_field="email", read_only=True)
    version = serializers.CharField(source="version.number")

    class Meta:
        model = Acknowledgement
        fields = ["user", "version", "requested_at", "acknowledged_at"]


class ProgressSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ProgressUpdate
        fields = ["on", "text", "status"]


class RecommendationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    owner = serializers.CharField(source="owner_title")
    recommendation = serializers.CharField(source="text")
    updates = ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "number",
            "recommendation",
            "sub_items",
            "decision",
            "decided_by",
            "action",
            "owner",
            "budget",
            "timescale",
            "due_on",
            "status",
            "delayed_until",
            "updates",
        ]


class ActionPlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = ["id", "title", "source_body", "meeting_on", "created_at", "recommendations"]


class StrategyPhaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = StrategyPhase
        fields = ["id", "order", "phase", "details", "timescale", "due_on", "status", "status_note", "delayed_until"]


class BreachSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    subject_user: Any = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    subject_channel: Any = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Breach
        fields = [
            "id",
            "against",
            "subject_user",
            "subject_channel",
            "subject_name",
            "what",
            "evidence_url",
            "evidence_type",
            "evidence_id",
            "category",
            "severity",
            "reported_by",
            "reported_on",
            "status",
            "action_taken",
            "outcome",
        ]


class ImportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(
        max_length=MAX_IMPORT_CHARS, help_text="The table as text: tab-separated, CSV, HTML, Markdown or report prose."
    )
    title = serializers.CharField(required=False, allow_blank=True, default="")
    source_body = serializers.CharField(required=False, allow_blank=True, default="")
    meeting_on = serializers.DateField(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Parse and return the rows; save nothing."
    )


def _paginate(request: Request, view: APIView, queryset: Any, serializer: type) -> Response:
    paginator = LimitOffsetPagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class PolicyListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(responses=PolicySerializer(many=True), summary="Policies and their review dates")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        return _paginate(request, self, Policy.objects.filter(council=council).order_by("pk"), PolicySerializer)


class AcknowledgementListView(APIView):
    @extend_schema(responses=AcknowledgementSerializer(many=True), summary="Who has acknowledged the current version")
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_with_any(request.user, slug, READ_REGISTERS)
        policy = get_object_or_404(Policy, council=council, pk=pk)
        version = policy.current_version
        acks = version.acknowledgements.select_related("user", "version") if version else Acknowledgement.objects.none()
        return Response(AcknowledgementSerializer(acks, many=True).data)


class AcknowledgeView(APIView):
    @extend_schema(request=None, responses=AcknowledgementSerializer, summary="Acknowledge the current version")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        policy = get_object_or_404(Policy, council=council, pk=pk)
        version = policy.current_version
        if version is None:
            return Response({"detail": ["This policy has no published version yet."]}, status=400)
        ack = policy_acknowledge(actor=request.user, version=version)  # type: ignore[arg-type]
        return Response(AcknowledgementSerializer(ack).data)


class ActionPlanListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(responses=ActionPlanSerializer(many=True), summary="Action plans and their recommendations")
    def get(self, request: Request, slug: str) -> Response:
        council = council_with_any(request.user, slug, READ_TRACKERS)
        plans = ActionPlan.objects.filter(council=council).prefetch_related("recommendations__updates").order_by("pk")
        return _paginate(request, self, plans, ActionPlanSerializer)


class ActionPlanDetailView(APIView):
    @extend_schema(responses=ActionPlanSerializer)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        council = council_with_any(request.user, slug, READ_TRACKERS)
        return Response(ActionPlanSerializer(get_object_or_404(ActionPlan, council=council, pk=pk)).data)


class ActionPlanImportView(APIView):
    @extend_schema(
        request=ImportSerializer,
        responses=inline_serializer(
            "ImportedTable",
            {
                "kind": serializers.CharField(),
                "format": serializers.CharField(),
                "title": serializers.CharField(),
                "rows": serializers.ListField(child=serializers.DictField()),
                "saved": serializers.DictField(required=False),
            },
        ),
        summary="Import a committee table (dry_run: parse only)",
    )
    def post(self, request: Request, slug: str) -> Response:
        council = council_with_any(request.user, slug, frozenset({Perm.MANAGE_GOVERNANCE}))
        incoming = ImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            table = parse_action_table(d["text"], start=d["meeting_on"])
        except ImportProblem as problem:
            return Response({"detail": [str(problem)]}, status=400)
        body: dict[str, Any] = {
            "kind": table.kind,
            "format": table.source_format,
            "title": d["title"] or table.title,
            "rows": [r.as_json() for r in table.rows],
        }
        if d["dry_run"]:
            return Response(body)
        saved = action_plan_import(
            actor=request.user,  # type: ignore[arg-type]
            council=council,
            table=table,  # type: ignore[arg-type]
            title=d["title"] or table.title,
            source_body=d["source_body"],
            meeting_on=d["meeting_on"] or table.meeting_on,
        )
        body["saved"] = (
            {"action_plan": saved.pk} if isinstance(saved, ActionPlan) else {"phases": [p.pk for p in saved]}
        )
        return Response(body, status=status.HTTP_201_CREATED)


class StrategyPhaseListView(APIView):
    @extend_schema(responses=StrategyPhaseSerializer(many=True), summary="The strategy timetable")
    def get(self, request: Request, slug: str) -> Response:
        council = council_with_any(request.user, slug, READ_TRACKERS)
        return Response(StrategyPhaseSerializer(StrategyPhase.objects.filter(council=council), many=True).data)


def _state_json(state: Any) -> dict[str, Any]:
    return {
        "training": state.requirement.module.title,
        "role": state.requirement.role,
        "needed_to_publish": state.requirement.needed_to_publish,
        "state": state.state,
        "completed_on": state.completed_on,
        "expires_on": state.expires_on,
    }


_TRAINING_FIELDS: dict[str, serializers.Field] = {  # type: ignore[type-arg]
    "training": serializers.CharField(),
    "role": serializers.CharField(),
    "needed_to_publish": serializers.BooleanField(),
    "state": serializers.CharField(),
    "completed_on": serializers.DateField(allow_null=True),
    "expires_on": serializers.DateField(allow_null=True),
}


class MyTrainingView(APIView):
    @extend_schema(
        responses=inline_serializer("TrainingState", _TRAINING_FIELDS, many=True),
        summary="Your required training and whether it is current",
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        return Response([_state_json(s) for s in training_states(user=request.user, council=council)])


class TrainingOverdueView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "TrainingOverdue", {"user": serializers.EmailField(), **_TRAINING_FIELDS}, many=True
        ),
        summary="Everyone whose required training is lapsed or not done",
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_with_any(request.user, slug, READ_REGISTERS)
        return Response([{"user": o.user.email, **_state_json(o.state)} for o in training_overdue(council=council)])


class MyPublishingRightsView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "PublishingRights", {"may_draft": serializers.BooleanField(), "reason": serializers.CharField()}
        ),
        summary="Whether you may draft posts, and if not why",
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        refusal = publishing_rights_refusal(user=request.user, council=council)
        return Response({"may_draft": refusal is None, "reason": refusal or ""})


class BreachListView(APIView):
    pagination_class = LimitOffsetPagination  # the schema documents count, next, previous, results

    @extend_schema(
        responses=BreachSerializer(many=True), summary="The breach register (monitoring officer and named people)"
    )
    def get(self, request: Request, slug: str) -> Response:
        council = breach_council(request.user, slug)
        return _paginate(request, self, Breach.objects.filter(council=council).order_by("-pk"), BreachSerializer)

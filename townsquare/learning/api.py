"""E-learning in the JSON API: one's own modules, and the completion report for those who keep it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.governance.access import READ_REGISTERS, council_with_any
from townsquare.learning.reports import report_rows
from townsquare.learning.selectors import Standing, modules_for


def _standing(s: Standing) -> dict[str, Any]:
    return {
        "module": s.module.slug,
        "title": s.module.title,
        "version": s.version.number if s.version else None,
        "required": s.required,
        "status": s.state,
        "due_on": s.due_on,
        "last_completed_on": s.last.completed_on if s.last else None,
    }


STANDING = inline_serializer(
    "LearningStanding",
    {
        "module": serializers.CharField(),
        "title": serializers.CharField(),
        "version": serializers.IntegerField(),
        "required": serializers.BooleanField(),
        "status": serializers.CharField(),
        "due_on": serializers.DateField(),
        "last_completed_on": serializers.DateField(),
    },
)


class MyModulesView(APIView):
    @extend_schema(
        responses={200: inline_serializer("LearningMine", {"results": serializers.ListField(child=STANDING)})}
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, Perm.VIEW_COUNCIL)
        return Response({"results": [_standing(s) for s in modules_for(user=request.user, council=council)]})


class ReportView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "LearningReport",
                {
                    "results": serializers.ListField(
                        child=inline_serializer(
                            "LearningReportRow",
                            {
                                "email": serializers.EmailField(),
                                "roles": serializers.ListField(child=serializers.CharField()),
                                "services": serializers.ListField(child=serializers.CharField()),
                                "standing": STANDING,
                                "score": serializers.IntegerField(),
                            },
                        )
                    )
                },
            )
        }
    )
    def get(self, request: Request, slug: str) -> Response:
        council = council_with_any(request.user, slug, READ_REGISTERS)
        return Response(
            {
                "results": [
                    {
                        "email": r.person.email,
                        "roles": r.roles,
                        "services": r.services,
                        "standing": _standing(r.standing),
                        "score": r.score,
                    }
                    for r in report_rows(council=council)
                ]
            }
        )

"""JSON API: ``GET /api/councils/<slug>/listening/queries/`` lists the council's listening queries;
``POST /api/councils/<slug>/listening/match/`` matches texts against them, as the ingest pipeline does."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.listening.models import ListeningQuery
from townsquare.listening.selectors import listening_match, queries_of
from townsquare.listening.views import MANAGE

MAX_TEXTS = 1000


class ListeningQuerySerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.email", default=None, read_only=True)
    channels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ListeningQuery
        fields = ["id", "name", "query", "owner", "platforms", "channels", "active", "created_at", "updated_at"]


class MatchRequestSerializer(serializers.Serializer):
    texts = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=70000), max_length=MAX_TEXTS)
    channels = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        required=False,
        help_text="The account each text arrived on (one per text), to apply each query's platforms and accounts",
    )

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        if "channels" in attrs and len(attrs["channels"]) != len(attrs["texts"]):
            raise serializers.ValidationError({"channels": "Give one account for each text, or none."})
        return attrs


class MatchResponseSerializer(serializers.Serializer):
    matches = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="For each text, the ids of the queries it matches, ascending",
    )


class ListeningQueryListView(APIView):
    @extend_schema(responses=ListeningQuerySerializer(many=True), summary="The council's listening queries")
    def get(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, MANAGE)
        return Response(ListeningQuerySerializer(queries_of(council), many=True).data)


class ListeningMatchView(APIView):
    @extend_schema(
        request=MatchRequestSerializer,
        responses=MatchResponseSerializer,
        summary="Match texts against the council's active listening queries",
    )
    def post(self, request: Request, slug: str) -> Response:
        council = council_for(request.user, slug, MANAGE)
        incoming = MatchRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        return Response({"matches": listening_match(council.pk, data["texts"], data.get("channels"))})

from __future__ import annotations

from rest_framework import serializers

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel, Platform
from townsquare.councils.models import Council


class CouncilSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = ["slug", "name", "require_two_factor", "dormant_after_days", "in_wales", "roles"]

    def get_roles(self, council: Council) -> list[str]:
        roles: dict[int, frozenset[str]] = self.context.get("roles", {})
        return sorted(roles.get(council.pk, frozenset()))


class ChannelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    service = serializers.StringRelatedField(allow_null=True)  # type: ignore[var-annotated]
    owner = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    deputy = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    assignees = serializers.SlugRelatedField(slug_field="email", read_only=True, many=True)  # type: ignore[var-annotated]

    class Meta:
        model = Channel
        fields = [
            "id",
            "council",
            "platform",
            "name",
            "handle",
            "url",
            "service",
            "owner",
            "deputy",
            "assignees",
            "digital_access_confirmed_on",
            "branding_checked_on",
            "platform_two_factor",
            "status",
            "last_post_at",
            "connection_state",
            "notes",
            "created_at",
            "updated_at",
        ]


class ChannelWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """What a client sends; people are named by email, the service by name."""

    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    name = serializers.CharField(required=False)
    handle = serializers.CharField(required=False)
    url = serializers.URLField(required=False, allow_blank=True)
    service = serializers.CharField(required=False, allow_blank=True)  # type: ignore[var-annotated]
    owner = serializers.EmailField(required=False, allow_blank=True)  # type: ignore[var-annotated]
    deputy = serializers.EmailField(required=False, allow_blank=True)  # type: ignore[var-annotated]
    assignees = serializers.ListField(child=serializers.EmailField(), required=False)  # type: ignore[var-annotated]
    digital_access_confirmed_on = serializers.DateField(required=False, allow_null=True)
    branding_checked_on = serializers.DateField(required=False, allow_null=True)
    platform_two_factor = serializers.BooleanField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Channel.Status.choices, required=False)
    last_post_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ShortfallSerializer(serializers.Serializer):  # type: ignore[type-arg]
    channel = ChannelSerializer()
    reasons = serializers.ListField(child=serializers.CharField())


class AuditEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "created_at",
            "council",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "before",
            "after",
            "reason",
            "prev_hash",
            "hash",
        ]

"""The API for a post already published on a channel: change its words there, or delete it. The same rules
and services as its page (``published_views``): communications officers of the council whose publishing
rights are current; a change the platform did not confirm answers 202 with what is known, and is settled by
checking again or by recording what was found on the platform."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.councils.access import council_for
from townsquare.councils.roles import Perm
from townsquare.publishing.api import TargetSerializer
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.post_state import MAX_TEXT
from townsquare.publishing.published_changes import (
    MAX_REASON,
    Changed,
    published_target_delete,
    published_target_edit,
    published_target_for,
)
from townsquare.publishing.published_settle import MAX_NOTE, unconfirmed_record
from townsquare.publishing.published_unconfirmed import unconfirmed_check
from townsquare.publishing.selectors import unconfirmed_changes_pending


class EditSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(max_length=MAX_TEXT, help_text="The post's new words on this channel.")


class DeleteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=MAX_REASON, help_text="Why the post is deleted: kept in the audit trail.")
    confirm = serializers.BooleanField(
        help_text="true: the post is to be deleted from the channel (it cannot be undone)."
    )

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Send confirm: true to delete the post from the channel.")
        return value


class FoundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    made = serializers.BooleanField(
        help_text="true: you found the change made on the platform (the edit shown, or the post gone); false: not."
    )
    note = serializers.CharField(max_length=MAX_NOTE, help_text="What you saw on the platform: kept in the audit.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A form that leaves ``made`` out has said nothing: required, never taken as false (DRF's default).
        self.fields["made"].default_empty_html = empty


class UnconfirmedSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = UnconfirmedChange
        fields = ["kind", "text", "reason", "requested_at", "answer", "outcome"]


class PublishedTargetSerializer(TargetSerializer):
    text = serializers.CharField(help_text="The words the channel shows (as Townsquare last knew them).")

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "text", "edited_at", "deleted_at"]


class ChangedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    state = serializers.ChoiceField(
        choices=["made", "unconfirmed", "not_made"],
        help_text="made: recorded; unconfirmed: the platform gave no clear answer and its account does not show "
        "yet what it did; the hourly re-read of the account settles it; not_made (from a check only): the "
        "account shows the change was not made, or a later change overtook it.",
    )
    message = serializers.CharField()
    target = PublishedTargetSerializer()
    unconfirmed = UnconfirmedSerializer(allow_null=True)


class NothingPending(APIException):
    status_code = 400
    default_detail = "There is no unconfirmed change: it has been settled."
    default_code = "nothing_pending"


def _pending(target: PostTarget) -> UnconfirmedChange:
    change = unconfirmed_changes_pending([target]).get(target.pk)
    if change is None:
        raise NothingPending
    return change


def _target(request: Request, slug: str, pk: int, target_pk: int) -> PostTarget:
    council = council_for(request.user, slug, Perm.APPROVE_POSTS)
    return published_target_for(user=request.user, council=council, pk=pk, target_pk=target_pk)  # type: ignore[arg-type]


def _answer(done: Changed, state: str = "") -> Response:
    target = PostTarget.objects.select_related("post", "channel").get(pk=done.target.pk)
    body = {
        "state": state or ("unconfirmed" if done.unconfirmed else "made"),
        "message": done.message,
        "target": target,
        "unconfirmed": done.unconfirmed,
    }
    return Response(ChangedSerializer(body).data, status=202 if done.unconfirmed else 200)


ANSWERS = {
    200: ChangedSerializer,
    202: OpenApiResponse(ChangedSerializer, "Not confirmed by the platform yet: see message and unconfirmed."),
}


class PublishedEditView(APIView):
    @extend_schema(request=EditSerializer, responses=ANSWERS, summary="Change a published post's words on a channel")
    def post(self, request: Request, slug: str, pk: int, target_pk: int) -> Response:
        target = _target(request, slug, pk, target_pk)
        incoming = EditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        done = published_target_edit(actor=request.user, target=target, text=incoming.validated_data["text"])  # type: ignore[arg-type]
        return _answer(done)


class PublishedDeleteView(APIView):
    @extend_schema(request=DeleteSerializer, responses=ANSWERS, summary="Delete a published post from a channel")
    def post(self, request: Request, slug: str, pk: int, target_pk: int) -> Response:
        target = _target(request, slug, pk, target_pk)
        incoming = DeleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        done = published_target_delete(actor=request.user, target=target, reason=incoming.validated_data["reason"])  # type: ignore[arg-type]
        return _answer(done)


class PublishedCheckView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ChangedSerializer,
            202: OpenApiResponse(ChangedSerializer, "The account does not show yet what became of the change."),
            400: OpenApiResponse(description="The post has no unconfirmed change to check."),
        },
        summary="Read the account again now to settle a change the platform left unconfirmed",
    )
    def post(self, request: Request, slug: str, pk: int, target_pk: int) -> Response:
        target = _target(request, slug, pk, target_pk)
        change = _pending(target)
        message = unconfirmed_check(actor=request.user, change=change)  # type: ignore[arg-type]
        change.refresh_from_db()
        Outcome = UnconfirmedChange.Outcome
        if change.outcome == Outcome.PENDING:
            return _answer(Changed(target=target, message=message, unconfirmed=change))
        state = "made" if change.outcome == Outcome.MADE else "not_made"
        return _answer(Changed(target=target, message=message), state=state)


class PublishedSettleView(APIView):
    @extend_schema(
        request=FoundSerializer,
        responses={
            200: ChangedSerializer,
            400: OpenApiResponse(description="A note is missing, or the post has no unconfirmed change."),
        },
        summary="Record what you found on the platform about a change it left unconfirmed",
    )
    def post(self, request: Request, slug: str, pk: int, target_pk: int) -> Response:
        target = _target(request, slug, pk, target_pk)
        incoming = FoundSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        made, note = incoming.validated_data["made"], incoming.validated_data["note"]
        message = unconfirmed_record(actor=request.user, change=_pending(target), made=made, note=note)  # type: ignore[arg-type]
        return _answer(Changed(target=target, message=message), state="made" if made else "not_made")

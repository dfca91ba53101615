"""Working an item through the JSON API: assign, status, reply and correcting its classification, with the
pages' access rules.

Each answers the item as ``InboxItemView`` does (replies: the reply and its post's status); bad input is
a 400 with a message and changes nothing; another council's item is a 404; a role that may see the
item but not work it is a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from townsquare.classify.categories import CATEGORIES, RISKS
from townsquare.classify.language import LANGUAGES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.councils.access import council_for, perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox import bulk, services
from townsquare.inbox.api import ItemDetailSerializer
from townsquare.inbox.corrections import KEEP, item_classification_correct
from townsquare.inbox.models import InboxReply, ReceivedItem
from townsquare.inbox.replies import reply_send, reply_state
from townsquare.inbox.selectors import assignable_people, council_services, item_list, items_visible_to, may_work
from townsquare.publishing.models import Post


class AssignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    person = serializers.IntegerField(required=False, allow_null=True, help_text="A person's id.")
    service = serializers.IntegerField(required=False, allow_null=True, help_text="A team's (service's) id.")
    round_robin = serializers.BooleanField(
        default=False, help_text="With ``service``: the team's next person in turn rather than the team."
    )


class StatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=ReceivedItem.Status.choices)


class ClassificationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    sentiment = serializers.ChoiceField(choices=SENTIMENTS, required=False)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORIES), required=False, help_text="All the item's categories."
    )
    risk = serializers.ChoiceField(choices=RISKS, required=False)
    language = serializers.ChoiceField(
        choices=LANGUAGES, required=False, help_text="ISO 639-1 code of one of the languages UK councils meet."
    )
    service = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of the service the item goes to; null: no service."
    )


class ReplySerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(max_length=5000, trim_whitespace=True)
    language = serializers.ChoiceField(choices=Post.Language.choices, default=Post.Language.ENGLISH)
    private = serializers.BooleanField(default=False, help_text="A private message, where the platform allows.")
    acknowledge_warnings = serializers.BooleanField(default=False)


class ReplyOutSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    post = serializers.IntegerField(source="post_id", read_only=True)
    post_status = serializers.CharField(source="post.status", read_only=True)
    state = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = InboxReply
        fields = ["id", "item", "kind", "post", "post_status", "state", "url", "created_at"]

    def get_state(self, reply: InboxReply) -> str:
        return reply_state(reply)[0]

    def get_url(self, reply: InboxReply) -> str:
        return reply_state(reply)[1]


def _worked(request: Request, slug: str, pk: int) -> tuple[Council, ReceivedItem]:
    council = council_for(request.user, slug, Perm.VIEW_ASSIGNED_CHANNELS)
    perms = perms_in(request.user, council)
    item = get_object_or_404(items_visible_to(user=request.user, council=council, perms=perms), pk=pk)
    if not may_work(perms):
        raise DRFPermissionDenied("Your role at this council does not allow working the inbox.")
    return council, item


def _incoming(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    incoming = serializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


def _item_out(item: ReceivedItem) -> Response:
    return Response(ItemDetailSerializer(item_list(ReceivedItem.objects.filter(pk=item.pk)).get()).data)


class AssignView(APIView):
    @extend_schema(request=AssignSerializer, responses=ItemDetailSerializer, summary="Assign an item")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        council, item = _worked(request, slug, pk)
        data = _incoming(AssignSerializer, request)
        person = service = None
        if data.get("person") is not None:
            person = assignable_people(council).filter(pk=data["person"]).first()
            if person is None:
                return Response({"person": ["That person does not work this council's inbox."]}, status=400)
        if data.get("service") is not None:
            service = council_services(council).filter(pk=data["service"]).first()
            if service is None:
                return Response({"service": ["That team is not one of this council's services."]}, status=400)
        if data["round_robin"]:
            if service is None or person is not None:
                return Response({"round_robin": ["Round robin needs a team, and no person."]}, status=400)
            bulk.item_assign_round_robin(actor=request.user, item=item, service=service)  # type: ignore[arg-type]
        else:
            services.item_assign(actor=request.user, item=item, person=person, service=service)  # type: ignore[arg-type]
        return _item_out(item)


class StatusView(APIView):
    @extend_schema(request=StatusSerializer, responses=ItemDetailSerializer, summary="Change an item's status")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _, item = _worked(request, slug, pk)
        data = _incoming(StatusSerializer, request)
        services.item_status_set(actor=request.user, item=item, status=data["status"])  # type: ignore[arg-type]
        return _item_out(item)


class ReplyView(APIView):
    @extend_schema(
        request=ReplySerializer,
        responses={201: ReplyOutSerializer},
        summary="Reply to an item: policy-checked, approved unless the person may reply unapproved, sent once",
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        council, item = _worked(request, slug, pk)
        if Perm.DRAFT_POSTS not in perms_in(request.user, council):
            raise DRFPermissionDenied("Your role at this council does not allow replying.")
        data = _incoming(ReplySerializer, request)
        reply = reply_send(actor=request.user, item=item, **data)  # type: ignore[arg-type]
        return Response(ReplyOutSerializer(reply).data, status=status.HTTP_201_CREATED)


class ClassificationView(APIView):
    @extend_schema(
        request=ClassificationSerializer,
        responses=ItemDetailSerializer,
        summary="Correct an item's sentiment, categories, risk, language or service: kept to teach the classifier",
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _, item = _worked(request, slug, pk)
        data = _incoming(ClassificationSerializer, request)
        try:
            item_classification_correct(
                actor=request.user,  # type: ignore[arg-type]
                item=item,
                sentiment=data.get("sentiment"),
                categories=data.get("categories"),
                risk=data.get("risk"),
                language=data.get("language"),
                service=data.get("service", KEEP),
            )
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            return Response(problems, status=400)
        return _item_out(item)

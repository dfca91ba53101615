"""Saved replies (a council's canned answers, English and Welsh) and saved views (a person's named filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict

from townsquare.audit.services import audit_record, snapshot
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.inbox.models import SavedReply, SavedView
from townsquare.inbox.selectors import filters_parse
from townsquare.inbox.work_models import Language

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MAX_TITLE = 100
MAX_TEXT = 5000
MAX_VIEW_NAME = 80
VIEW_FILTERS = ("q", "channel", "platform", "category", "sentiment", "status", "assignee", "service", "since", "until")


def may_keep_saved_replies(perms: frozenset[str]) -> bool:
    """The communications team keeps the council's saved replies; everyone who replies uses them."""
    return Perm.APPROVE_POSTS in perms


def saved_replies(council: Council) -> QuerySet[SavedReply]:
    return SavedReply.objects.filter(council=council).order_by("title", "language")


def saved_reply_save(
    *, actor: User, council: Council, title: str, language: str, text: str, saved: SavedReply | None = None
) -> SavedReply:
    """Add a saved reply, or change ``saved``; audited."""
    if not may_keep_saved_replies(perms_in(actor, council)):
        raise PermissionDenied("Only the communications team keeps the saved replies.")
    title, text = " ".join((title or "").split()), (text or "").strip()
    problems = []
    if not title or len(title) > MAX_TITLE:
        problems.append(f"Give the saved reply a title of at most {MAX_TITLE} characters.")
    if not text or len(text) > MAX_TEXT:
        problems.append(f"Write the reply, at most {MAX_TEXT:,} characters.")
    if language not in Language.values:
        problems.append("Choose English or Welsh.")
    if saved is not None and saved.council_id != council.pk:
        raise PermissionDenied("That saved reply belongs to another council.")
    clash = SavedReply.objects.filter(council=council, title__iexact=title, language=language)
    if saved is not None:
        clash = clash.exclude(pk=saved.pk)
    if title and clash.exists():
        problems.append("There is already a saved reply with that title in that language.")
    if problems:
        raise ValidationError(problems)
    fields = ["title", "language", "text"]
    with transaction.atomic():
        before = snapshot(saved, fields) if saved is not None else None
        saved = saved or SavedReply(council=council)
        saved.title, saved.language, saved.text = title, language, text
        saved.save()
        audit_record(
            actor=actor,
            council=council,
            action="inbox.saved_reply_changed" if before else "inbox.saved_reply_added",
            obj=saved,
            before=before,
            after=snapshot(saved, fields),
        )
    return saved


def saved_reply_delete(*, actor: User, saved: SavedReply) -> None:
    if not may_keep_saved_replies(perms_in(actor, saved.council)):
        raise PermissionDenied("Only the communications team keeps the saved replies.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=saved.council,
            action="inbox.saved_reply_deleted",
            obj=saved,
            before=snapshot(saved, ["title", "language", "text"]),
        )
        saved.delete()


def view_query(params: QueryDict | dict[str, str]) -> str:
    """The recognised, readable filters of a query string, as a query string (nothing else is kept)."""
    filters = filters_parse(params)
    kept = QueryDict(mutable=True)
    for name in VIEW_FILTERS:
        value = getattr(filters, name)
        if value not in (None, ""):
            kept[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return kept.urlencode()


def saved_view_save(*, user: User, council: Council, name: str, params: QueryDict | dict[str, str]) -> SavedView:
    """Keep the current filters under a name (the same name again replaces them); a person's own, not audited."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_VIEW_NAME:
        raise ValidationError(f"Name the view, in at most {MAX_VIEW_NAME} characters.")
    query = view_query(params)
    if not query:
        raise ValidationError("Choose some filters first: a view with none is the whole inbox.")
    view, _ = SavedView.objects.update_or_create(user=user, council=council, name=name, defaults={"query": query})
    return view


def saved_view_delete(*, user: User, view: SavedView) -> None:
    if view.user_id != user.pk:
        raise PermissionDenied("That view is someone else's.")
    view.delete()

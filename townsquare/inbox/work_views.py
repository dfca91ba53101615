"""Inbox pages for answering and sharing the work: reply, hide, presence, bulk actions, saved views and
saved replies. The item and list pages take their extra context from ``item_context`` and ``list_context``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox import bulk, moderation, presence, replies, saved
from townsquare.inbox.links import inbox_links
from townsquare.inbox.models import InboxReply, ReceivedItem, SavedReply, SavedView
from townsquare.inbox.selectors import items_visible_to, may_work
from townsquare.inbox.work_models import Language
from townsquare.publishing.models import Post

SEE = Perm.VIEW_ASSIGNED_CHANNELS
DRAFT_KEY = "inbox_reply_draft"


def _perms(request: HttpRequest) -> frozenset[str]:
    return request.council_perms  # type: ignore[attr-defined,no-any-return]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible(request: HttpRequest, council: Council) -> Any:
    return items_visible_to(user=request.user, council=council, perms=_perms(request))


def _item(request: HttpRequest, council: Council, pk: int) -> ReceivedItem:
    return get_object_or_404(_visible(request, council).select_related("channel", "council", "service"), pk=pk)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def item_context(
    request: HttpRequest, council: Council, item: ReceivedItem, thread: list[ReceivedItem]
) -> dict[str, Any]:
    """What the item page adds for answering: the council's replies in the thread, the reply box (with a saved
    reply inserted when one was chosen), what the platform allows, and who else is looking."""
    perms = _perms(request)
    answers = replies.thread_replies(thread)
    for entry in thread:
        entry.council_replies = answers.get(entry.pk, [])  # type: ignore[attr-defined]
    kept = request.session.pop(DRAFT_KEY, None)
    draft = kept["text"] if isinstance(kept, dict) and kept.get("item") == item.pk else ""
    chosen = request.GET.get("saved", "")
    if chosen.isdigit():
        found = saved.saved_replies(council).filter(pk=int(chosen)).first()
        if found is not None:
            mention = item.author_handle if item.channel.platform == "mastodon" and item.author_handle else ""
            draft = f"{mention} {found.text}".strip()
    return {
        "can_reply": Perm.DRAFT_POSTS in perms,
        "reply_unapproved": Perm.REPLY_UNAPPROVED in perms,
        "can_hide": Perm.APPROVE_POSTS in perms,
        "hide_refusal": moderation.hide_refusal(item),
        "private_refusal": replies.private_refusal(item),
        "saved_replies": saved.saved_replies(council),
        "reply_draft": draft,
        "reply_language": "cy" if item.language == "cy" else "en",
        "languages": Language.choices,
        "looking": presence.looking_at(item, besides=_user(request)),
        "presence_beat": presence.BEAT,
    }


def list_context(request: HttpRequest, council: Council, *, saved_views: list[dict[str, Any]]) -> dict[str, Any]:
    """What the list page adds: bulk actions and the person's saved views (``page_reads.list_reads``; who is
    looking at each item is in its row)."""
    return {
        "can_work": may_work(_perms(request)),
        "saved_views": saved_views,
        "links": inbox_links(council.slug),
    }


@require_POST
@council_view(SEE)
def reply(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _item(request, council, pk)
    try:
        sent = replies.reply_send(
            actor=_user(request),
            item=found,
            text=request.POST.get("text", ""),
            language=request.POST.get("language", "en"),
            private=request.POST.get("private") == "1",
            acknowledge_warnings=request.POST.get("acknowledge") == "1",
        )
    except ValidationError as error:
        _errors(request, error)
        # The words come back in the reply box, to be put right rather than typed again.
        request.session[DRAFT_KEY] = {"item": found.pk, "text": request.POST.get("text", "")[:10_000]}
        return redirect("inbox:item", council.slug, found.pk)
    kind = "private message" if sent.kind == InboxReply.Kind.PRIVATE else "reply"
    if sent.post.status == Post.Status.APPROVED:
        messages.success(request, f"Your {kind} is being sent.")
    else:
        messages.success(request, f"Your {kind} is waiting for approval by the communications team.")
    return redirect("inbox:item", council.slug, found.pk)


@require_POST
@council_view(SEE)
def hide(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _item(request, council, pk)
    try:
        moderation.item_hide(actor=_user(request), item=found, reason=request.POST.get("reason", ""))
        messages.success(request, "The comment is hidden on the platform.")
    except ValidationError as error:
        _errors(request, error)
    return redirect("inbox:item", council.slug, found.pk)


@require_POST
@council_view(SEE)
def beat(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    """The item page's heartbeat: record the person as looking, answer with who else is. Only those who may
    work the item are recorded: an auditor reading it is no sign that someone is answering the resident."""
    found = _item(request, council, pk)
    if may_work(_perms(request)):
        presence.presence_beat(item=found, user=_user(request))
    return render(request, "inbox/_presence.html", {"looking": presence.looking_at(found, besides=_user(request))})


@require_POST
@council_view(SEE)
def bulk_action(request: HttpRequest, council: Council) -> HttpResponse:
    if not may_work(_perms(request)):
        raise PermissionDenied("Your role at this council does not allow working the inbox.")
    action = request.POST.get("action", "")
    try:
        count = bulk.items_bulk(
            actor=_user(request),
            council=council,
            items=_visible(request, council),
            ids=request.POST.getlist("items"),
            action=action,
            value=request.POST.get(action, ""),
        )
        messages.success(request, f"{count} item{'s' if count != 1 else ''} changed.")
    except ValidationError as error:
        _errors(request, error)
    back = request.POST.get("back", "")
    return redirect(f"/c/{council.slug}/inbox/?{back}" if back and "//" not in back else f"/c/{council.slug}/inbox/")


@require_POST
@council_view(SEE)
def view_save(request: HttpRequest, council: Council) -> HttpResponse:
    try:
        view = saved.saved_view_save(
            user=_user(request), council=council, name=request.POST.get("name", ""), params=request.POST
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("inbox:inbox", council.slug)
    messages.success(request, f"View “{view.name}” saved.")
    return redirect(f"/c/{council.slug}/inbox/?{view.query}")


@require_POST
@council_view(SEE)
def view_delete(request: HttpRequest, council: Council, view_pk: int) -> HttpResponse:
    view = get_object_or_404(SavedView, pk=view_pk, council=council, user=request.user)
    saved.saved_view_delete(user=_user(request), view=view)
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect("inbox:inbox", council.slug)


@council_view(SEE)
def saved_replies_page(request: HttpRequest, council: Council, saved_pk: int | None = None) -> HttpResponse:
    """The council's saved replies: everyone who works the inbox reads them; the communications team keeps them."""
    keeper = saved.may_keep_saved_replies(_perms(request))
    if not (keeper or may_work(_perms(request))):
        raise PermissionDenied("Your role at this council does not allow working the inbox.")
    editing = get_object_or_404(SavedReply, pk=saved_pk, council=council) if saved_pk else None
    form = {"title": "", "language": "en", "text": ""}
    if editing is not None:
        form = {"title": editing.title, "language": editing.language, "text": editing.text}
    errors: list[str] = []
    if request.method == "POST":
        if not keeper:
            raise PermissionDenied("Only the communications team keeps the saved replies.")
        if request.POST.get("delete") and editing is not None:
            saved.saved_reply_delete(actor=_user(request), saved=editing)
            messages.success(request, "Saved reply deleted.")
            return redirect("inbox:saved_replies", council.slug)
        form = {k: request.POST.get(k, "") for k in form}
        try:
            saved.saved_reply_save(actor=_user(request), council=council, saved=editing, **form)
            messages.success(request, "Saved reply kept.")
            return redirect("inbox:saved_replies", council.slug)
        except ValidationError as error:
            errors = error.messages
    return render(
        request,
        "inbox/saved_replies.html",
        {
            "saved_replies": saved.saved_replies(council),
            "keeper": keeper,
            "editing": editing,
            "form": form,
            "errors": errors,
            "languages": Language.choices,
        },
        status=400 if errors else 200,
    )

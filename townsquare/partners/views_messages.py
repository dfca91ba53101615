"""One message to partner councils: compose once, one post per council, the group's state per council."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.utils import request_user
from townsquare.channels.models import Channel
from townsquare.councils.roles import Perm
from townsquare.partners import selectors, services
from townsquare.partners.forms import GroupForm
from townsquare.partners.models import PostGroup
from townsquare.publishing.selectors import post_delivery


def _drafting(request: HttpRequest) -> dict:  # type: ignore[type-arg]
    found = selectors.drafting_channels(user=request.user)
    if not found:
        raise PermissionDenied("None of your roles allows drafting posts.")
    return found


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    selectors.councils_chosen(request.user, [Perm.DRAFT_POSTS, Perm.APPROVE_POSTS])
    found = list(selectors.groups_visible_to(request.user)[:100])
    return render(request, "partners/groups.html", {"groups": found, "combined": True})


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    by_council = _drafting(request)
    allowed = Channel.objects.filter(pk__in=[c.pk for chans in by_council.values() for c in chans])
    form = GroupForm(request.POST or None, channels=allowed)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.post_group_create(
                author=request_user(request),
                title=data["title"],
                text=data["text"],
                channels=data["channels"],
                scheduled_for=data["scheduled_for"],
                link=data.get("link") or "",
            )
            if request.POST.get("action") == "submit":
                return _submit_and_show(request, group)
            messages.success(request, "Saved: one draft for each council. Submit them here when ready.")
            return redirect("partners:group", pk=group.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    chosen = {str(v) for v in (form["channels"].value() or [])}
    return render(
        request,
        "partners/compose.html",
        {"form": form, "errors": errors, "by_council": by_council, "chosen": chosen, "combined": True},
    )


def _visible_group(request: HttpRequest, pk: int) -> tuple[PostGroup, list]:  # type: ignore[type-arg]
    group = get_object_or_404(PostGroup.objects.select_related("author"), pk=pk)
    posts = selectors.group_members_visible(user=request.user, group=group)
    if not posts:
        raise Http404("No such message")
    return group, posts


def _submit_and_show(request: HttpRequest, group: PostGroup) -> HttpResponse:
    try:
        outcomes = services.post_group_submit(
            actor=request_user(request),
            group=group,
            override_reason=request.POST.get("override_reason", ""),
            acknowledge_warnings=bool(request.POST.get("acknowledge")),
        )
    except (ValidationError, PermissionDenied) as exc:
        for text in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, text)
        return redirect("partners:group", pk=group.pk)
    for outcome in outcomes:
        (messages.success if outcome.ok else messages.error)(request, outcome.message)
    return redirect("partners:group", pk=group.pk)


@login_required
def group(request: HttpRequest, pk: int) -> HttpResponse:
    found, posts = _visible_group(request, pk)
    rows = [
        {"post": p, "council": p.council, "delivery": post_delivery(p), "targets": list(p.targets.all())} for p in posts
    ]
    may_submit = found.author_id == request.user.pk and any(
        p.status in ("draft", "rejected", "returned") for p in posts
    )
    return render(
        request, "partners/group.html", {"group": found, "rows": rows, "may_submit": may_submit, "combined": True}
    )


@login_required
@require_POST
def group_submit(request: HttpRequest, pk: int) -> HttpResponse:
    found, _ = _visible_group(request, pk)
    return _submit_and_show(request, found)

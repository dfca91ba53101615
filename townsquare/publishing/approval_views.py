"""Pages: the approval queue, a post's channels and what can still be done with it (approve or reject, send
again, record what was found, reschedule, cancel)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing import selectors, services
from townsquare.publishing.forms import (
    DecisionForm,
    RescheduleForm,
    ResolveForm,
)
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.page_context import error_messages, perms_of, post_context, visible_posts
from townsquare.publishing.selectors import (
    approval_queue,
    with_targets,
)
from townsquare.web.ids import parse_ids


@council_view(Perm.APPROVE_POSTS)
def queue(request: HttpRequest, council: Council) -> HttpResponse:
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("posts"))
        if ids is None:
            raise BadRequest("A post chosen for approval is not one of the posts on the list.")
        if not ids:
            messages.error(request, "Choose at least one post to approve.")
        else:
            approved, refused = services.posts_bulk_approve(
                actor=request.user,  # type: ignore[arg-type]
                posts=approval_queue(council=council).filter(pk__in=ids),  # type: ignore[arg-type]
                acknowledge_warnings=bool(request.POST.get("acknowledge")),
            )
            if approved:
                messages.success(request, f"Approved {len(approved)} post{'s' if len(approved) != 1 else ''}.")
            for post, reason in refused:
                messages.error(request, f"Not approved, “{post}”: {reason}")
        return redirect("publishing:queue", slug=council.slug)
    waiting = approval_queue(council=council).select_related("inbox_reply__item")
    # An inbox reply names the item it answers, so the approver reads the reply beside the question.
    posts = [{**post_context(post), "answers": getattr(post, "inbox_reply", None)} for post in waiting]
    return render(request, "publishing/queue.html", {"items": posts})


@council_view(Perm.DRAFT_POSTS)
def detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = get_object_or_404(with_targets(visible_posts(request, council)), pk=pk)
    context = post_context(post)
    perms = perms_of(request)
    context.update(
        {
            "may_decide": Perm.APPROVE_POSTS in perms
            and post.author_id != request.user.pk
            and post.status in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND)
            and post.approved_by_id != request.user.pk,
            "may_manage": Perm.APPROVE_POSTS in perms or post.author_id == request.user.pk,
            "may_reschedule": Perm.APPROVE_POSTS in perms and post.status == Post.Status.APPROVED,
            "decision_form": DecisionForm(),
            "resolve_form": ResolveForm(),
            "reschedule_form": RescheduleForm(initial={"scheduled_for": post.scheduled_for}),
            "attempts": {t.pk: list(t.attempts.all()) for t in context["targets"]},
            "checks": selectors.account_checks_latest(context["targets"]),
            "unconfirmed": selectors.unconfirmed_changes_pending(context["targets"]),
            "may_send_again": Perm.APPROVE_POSTS in perms,
        }
    )
    return render(request, "publishing/detail.html", context)


@council_view(Perm.APPROVE_POSTS)
@require_POST
def decide(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, council=council, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to approve or reject the post.")
        return redirect("publishing:detail", slug=council.slug, pk=pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            post = services.post_approve(
                actor=request.user,  # type: ignore[arg-type]
                post=post,  # type: ignore[arg-type]
                acknowledge_warnings=form.cleaned_data["acknowledge"],
            )
            messages.success(
                request,
                {
                    Post.Status.APPROVED: "Approved and scheduled.",
                    Post.Status.AWAITING_SECOND: "Approved: it now needs a second approval.",
                    Post.Status.RETURNED: "Its slot has passed: it went back to its author.",
                }.get(Post.Status(post.status), "Done."),
            )
        else:
            services.post_reject(actor=request.user, post=post, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            messages.success(request, "Rejected: the author has been told why.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    return redirect("publishing:detail", slug=council.slug, pk=pk)


def _carry_out(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Do ``action`` and say ``done``, or say why it was refused (nothing changed)."""
    try:
        action()
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))


def _managed_post(request: HttpRequest, council: Council, pk: int) -> Post:
    post = get_object_or_404(visible_posts(request, council), pk=pk)
    return post


@council_view(Perm.DRAFT_POSTS)
@require_POST
def retry_failed(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = _managed_post(request, council, pk)
    try:
        count = services.post_retry_failed(actor=request.user, post=post)  # type: ignore[arg-type]
        messages.success(request, f"Sending again to {count} failed channel{'s' if count != 1 else ''}.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    return redirect("publishing:detail", slug=council.slug, pk=pk)


@council_view(Perm.DRAFT_POSTS)
@require_POST
def resolve(request: HttpRequest, council: Council, pk: int, target_pk: int) -> HttpResponse:
    post = _managed_post(request, council, pk)
    target = get_object_or_404(PostTarget, post=post, pk=target_pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you found, and give a valid address if it was published.")
    else:
        _carry_out(
            request,
            lambda: services.target_resolve(actor=request.user, target=target, **form.cleaned_data),  # type: ignore[arg-type]
            f"{target.channel.name}: recorded.",
        )
    return redirect("publishing:detail", slug=council.slug, pk=pk)


@council_view(Perm.APPROVE_POSTS)
@require_POST
def reschedule(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, council=council, pk=pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the new date and time.")
    else:
        when = form.cleaned_data["scheduled_for"]
        _carry_out(
            request,
            lambda: services.post_reschedule(actor=request.user, post=post, scheduled_for=when),  # type: ignore[arg-type]
            "Rescheduled.",
        )
    return redirect("publishing:detail", slug=council.slug, pk=pk)


@council_view(Perm.DRAFT_POSTS)
@require_POST
def cancel(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = _managed_post(request, council, pk)
    reason = request.POST.get("reason", "")
    _carry_out(
        request,
        lambda: services.post_cancel(actor=request.user, post=post, reason=reason),  # type: ignore[arg-type]
        "Cancelled: nothing more will be sent.",
    )
    return redirect("publishing:detail", slug=council.slug, pk=pk)

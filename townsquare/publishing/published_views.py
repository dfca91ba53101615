"""The page for a post already published on a channel: change its words there, or delete it (with a reason),
and see a change its platform has not confirmed: check again, or record what was found on the platform."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.archive.models import ArchiveRecord
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing.models import PostTarget
from townsquare.publishing.published_changes import (
    Changed,
    edit_refusal,
    published_target_delete,
    published_target_edit,
    published_target_for,
)
from townsquare.publishing.published_settle import unconfirmed_record
from townsquare.publishing.published_unconfirmed import unconfirmed_check
from townsquare.publishing.selectors import unconfirmed_changes_pending


def _act(request: HttpRequest, target: PostTarget, action: str) -> Changed | str:
    """Carry out the officer's ``action``: what became of a change, or (checking, recording what they found)
    what became of the unconfirmed one."""
    user = request.user
    if action == "edit":
        return published_target_edit(actor=user, target=target, text=request.POST.get("text", ""))  # type: ignore[arg-type]
    if action == "delete":
        if request.POST.get("confirm") != "yes":
            raise ValidationError("Confirm that the post is to be deleted from the channel.")
        return published_target_delete(actor=user, target=target, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    if action not in ("check", "settle"):
        raise ValidationError("Choose whether to change the post or delete it.")
    change = unconfirmed_changes_pending([target]).get(target.pk)
    if change is None:
        raise ValidationError("There is no unconfirmed change: it has been settled.")
    if action == "check":
        return unconfirmed_check(actor=user, change=change)  # type: ignore[arg-type]
    made = {"yes": True, "no": False}.get(request.POST.get("made", ""))
    if made is None:
        raise ValidationError(f"Say whether you found the change made on {target.channel.get_platform_display()}.")
    return unconfirmed_record(actor=user, change=change, made=made, note=request.POST.get("note", ""))  # type: ignore[arg-type]


@council_view(Perm.APPROVE_POSTS)
def change(request: HttpRequest, council: Council, pk: int, target_pk: int) -> HttpResponse:
    target = published_target_for(user=request.user, council=council, pk=pk, target_pk=target_pk)  # type: ignore[arg-type]
    errors: list[str] = []
    text = target.text
    if request.method == "POST":
        text = request.POST.get("text", text)
        try:
            done = _act(request, target, request.POST.get("action", ""))
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            if isinstance(done, str):
                messages.info(request, done)
            elif done.unconfirmed is not None:
                messages.warning(request, done.message)
            else:
                messages.success(request, done.message)
                return redirect("publishing:detail", slug=council.slug, pk=pk)
            return redirect("publishing:published_change", slug=council.slug, pk=pk, target_pk=target.pk)
    record = ArchiveRecord.objects.filter(council=council, source=f"publishing.posttarget:{target.pk}").first()
    return render(
        request,
        "publishing/published_change.html",
        {
            "post": target.post,
            "target": target,
            "text": text,
            "errors": errors,
            "changeable": target.status == PostTarget.Status.PUBLISHED
            and bool(target.external_id)
            and target.deleted_at is None,
            "edit_refusal": edit_refusal(target.channel.platform),
            "record": record,
            "unconfirmed": unconfirmed_changes_pending([target]).get(target.pk),
            "made": request.POST.get("made", "") if request.method == "POST" else "",
            "note": request.POST.get("note", "") if request.method == "POST" else "",
        },
        status=400 if errors else 200,
    )

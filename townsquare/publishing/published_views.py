"""The page for a post already published on a channel: change its words there, or delete it (with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.archive.models import ArchiveRecord
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing.models import PostTarget
from townsquare.publishing.published_changes import (
    edit_refusal,
    published_change_refusal,
    published_target_delete,
    published_target_edit,
)


@council_view(Perm.APPROVE_POSTS)
def change(request: HttpRequest, council: Council, pk: int, target_pk: int) -> HttpResponse:
    target = get_object_or_404(
        PostTarget.objects.select_related("post", "post__council", "channel"),
        post__council=council,
        post_id=pk,
        pk=target_pk,
    )
    refusal = published_change_refusal(user=request.user, target=target)  # type: ignore[arg-type]
    if refusal:
        raise PermissionDenied(refusal)
    errors: list[str] = []
    text = target.text
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit":
                text = request.POST.get("text", "")
                published_target_edit(actor=request.user, target=target, text=text)  # type: ignore[arg-type]
                messages.success(request, f"Changed on {target.channel.name}; the archive keeps both versions.")
                return redirect("publishing:detail", slug=council.slug, pk=pk)
            if action == "delete":
                if request.POST.get("confirm") != "yes":
                    raise ValidationError("Confirm that the post is to be deleted from the channel.")
                published_target_delete(actor=request.user, target=target, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
                messages.success(request, f"Deleted from {target.channel.name}; the archive keeps what it said.")
                return redirect("publishing:detail", slug=council.slug, pk=pk)
            errors = ["Choose whether to change the post or delete it."]
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
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
        },
        status=400 if errors else 200,
    )

"""Deleting a draft: a page asking to confirm, then the deletion (audited by the service)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.councils.access import council_view, roles_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm, Role
from townsquare.publishing import services
from townsquare.publishing.models import Post
from townsquare.publishing.selectors import posts_visible_to


@council_view(Perm.VIEW_COUNCIL)
def delete(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    perms: frozenset[str] = request.council_perms  # type: ignore[attr-defined]
    admin = Role.ADMIN in roles_in(request.user, council)
    if Perm.DRAFT_POSTS not in perms and not admin:
        raise PermissionDenied("Your role does not allow deleting drafts.")
    posts = (
        Post.objects.filter(council=council)
        if admin
        else posts_visible_to(user=request.user, council=council, perms=perms)
    )
    post = get_object_or_404(posts, pk=pk)
    drafter = Perm.DRAFT_POSTS in perms
    if request.method == "POST":
        try:
            services.post_delete_draft(actor=request.user, post=post, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)]))
            if drafter:
                return redirect("publishing:detail", slug=council.slug, pk=pk)
            return redirect("web:council_home", slug=council.slug)
        messages.success(request, "Draft deleted.")
        return redirect("publishing:list" if drafter else "web:council_home", slug=council.slug)
    return render(
        request,
        "publishing/delete.html",
        {
            "post": post,
            "deletable": post.status in services.EDITABLE,
        },
    )

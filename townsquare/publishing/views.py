"""Pages: my posts and compose (a draft's words, channels and images)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing import selectors, services
from townsquare.publishing.forms import (
    ImageForm,
    PostForm,
)
from townsquare.publishing.images import MAX_IMAGE_BYTES
from townsquare.publishing.models import Post, PostImage, PostTarget
from townsquare.publishing.page_context import error_messages, perms_of, post_context, visible_posts
from townsquare.publishing.selectors import (
    posts_in_trouble,
    slots_upcoming,
    unconnected_targets,
    with_targets,
)


def _channels(request: HttpRequest, council: Council) -> QuerySet[Channel]:
    return channels_visible_to(user=request.user, council=council, perms=perms_of(request))


def _unconnected_message(targets: list[PostTarget]) -> str:
    names = ", ".join(f"{t.channel.name} ({t.channel.get_connection_state_display().lower()})" for t in targets)
    return f"It will fail on {names} unless the channel is connected before it is due."


# --- my posts and compose ---------------------------------------------------------------------------


@council_view(Perm.DRAFT_POSTS)
def post_list(request: HttpRequest, council: Council) -> HttpResponse:
    mine = with_targets(Post.objects.filter(council=council, author_id=request.user.pk)).order_by("-updated_at")
    show = request.GET.get("show", "")
    if show == "trouble":
        mine = posts_in_trouble(visible_posts(request, council)).order_by("-updated_at")
    return render(
        request,
        "publishing/post_list.html",
        {
            "drafts": [p for p in mine if p.status in services.EDITABLE] if show != "trouble" else [],
            "others": [p for p in mine if p.status not in services.EDITABLE][:100],
            "show": show,
            "delivery": {
                p.pk: selectors.delivery_from(
                    [t.status for t in p.targets.all() if t.status != PostTarget.Status.CANCELLED]
                )
                for p in mine
            },
        },
    )


def _form(request: HttpRequest, council: Council, post: Post | None, data: Any = None) -> PostForm:
    channels = _channels(request, council)
    chosen = list(post.targets.values_list("channel_id", flat=True)) if post else []
    initial: dict[str, Any] = {}
    if post is not None:
        initial = {
            "text": post.text,
            "link": post.link,
            "channels": chosen,
            "scheduled_for": post.scheduled_for,
            "campaign": post.campaign_id,
            "service": post.service_id,
            "language": post.language,
            "pair": post.pair_id,
            "version": post.version,
        }
        for target in post.targets.all():
            initial[f"variant_{target.channel_id}"] = target.text_override
    slots = slots_upcoming(channels=list(channels.filter(pk__in=chosen)) or list(channels))
    return PostForm(
        data,
        initial=initial,
        council=council,
        channels=channels,
        posts=Post.objects.filter(council=council),
        slots=slots,
        post=post,
    )


def _save(request: HttpRequest, council: Council, post: Post | None, form: PostForm) -> Post:
    data = form.cleaned_data
    if post is None:
        return services.post_create_draft(
            author=request.user,  # type: ignore[arg-type]
            council=council,
            text=data["text"],
            channels=data["channels"],  # type: ignore[arg-type]
            scheduled_for=data.get("scheduled_for"),
            campaign=data.get("campaign"),
            link=data.get("link", ""),
            service=data.get("service"),
            language=data.get("language") or Post.Language.ENGLISH,
            variants=form.variants(),
        )
    if not data.get("version"):  # a page that does not say which version it changes cannot be trusted to be newest
        raise services.DraftConflict("This page is out of date, so the change was not saved. Reload the page.")
    return services.post_update_draft(
        actor=request.user,  # type: ignore[arg-type]
        post=post,
        text=data["text"],
        channels=data["channels"],  # type: ignore[arg-type]
        scheduled_for=data.get("scheduled_for"),
        link=data.get("link", ""),
        variants=form.variants(),
        campaign=data.get("campaign"),
        service=data.get("service"),
        language=data.get("language") or Post.Language.ENGLISH,
        pair=data.get("pair"),
        version=data["version"],
    )


def _own_editable(request: HttpRequest, council: Council, pk: int) -> Post:
    post = get_object_or_404(visible_posts(request, council), pk=pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied("Only the author can change a draft.")
    return post


@council_view(Perm.DRAFT_POSTS)
def compose(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    post = _own_editable(request, council, pk) if pk else None
    if post is not None and post.status not in services.EDITABLE:
        return redirect("publishing:detail", slug=council.slug, pk=post.pk)
    form = _form(request, council, post, request.POST if request.method == "POST" else None)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            post = _save(request, council, post, form)
            if request.POST.get("action") == "submit":
                post = services.post_submit(
                    actor=request.user,  # type: ignore[arg-type]
                    post=post,  # type: ignore[arg-type]
                    override_reason=request.POST.get("override_reason", ""),
                    acknowledge_warnings=bool(request.POST.get("acknowledge")),
                )
                messages.success(
                    request,
                    "Your post was approved and scheduled."
                    if post.status == Post.Status.APPROVED
                    else "Your post was sent for approval.",
                )
                if unconnected := unconnected_targets(list(post.targets.select_related("channel"))):
                    messages.warning(request, _unconnected_message(unconnected))
                return redirect("publishing:detail", slug=council.slug, pk=post.pk)
            messages.success(request, "Draft saved.")
            return redirect("publishing:edit", slug=council.slug, pk=post.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = error_messages(exc)
            status = 409 if isinstance(exc, services.DraftConflict) else 200
            if post is not None:
                post.refresh_from_db()
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "image_form": ImageForm(),
        "conflict": status == 409,
        "may_override": Perm.APPROVE_POSTS in perms_of(request),
    }
    if post is not None:
        context.update(post_context(post))
    if request.method == "POST" and not form.is_valid():  # a value the form cannot take: nothing saved
        status = 400
    return render(request, "publishing/compose.html", context, status=status)


@council_view(Perm.DRAFT_POSTS)
@require_POST
def autosave(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    """HTMX: save the draft as it is typed and answer with fresh previews and findings."""
    post = _own_editable(request, council, pk)
    form = _form(request, council, post, request.POST)
    error = ""
    status = 200
    if post.status not in services.EDITABLE:
        error, status = "This post can no longer be changed: reload the page.", 409
    elif form.is_valid():
        try:
            post = _save(request, council, post, form)
        except (ValidationError, PermissionDenied) as exc:
            error = "Not saved: " + " ".join(error_messages(exc))
            status = 409 if isinstance(exc, services.DraftConflict) else 200
    else:
        error = "Not saved: " + " ".join(str(e) for errs in form.errors.values() for e in errs)
    context = post_context(post)
    # A 409 leaves the page's version as it was: every later autosave from it is refused too.
    context.update({"autosave_error": error, "saved": not error, "conflict": status == 409})
    return render(request, "publishing/_live.html", context, status=status)


@council_view(Perm.DRAFT_POSTS)
@require_POST
def image_add(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    post = _own_editable(request, council, pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            services.post_add_image(
                actor=request.user,  # type: ignore[arg-type]
                post=post,
                content=upload.read(MAX_IMAGE_BYTES + 1),  # type: ignore[arg-type]
                filename=upload.name,
                alt_text=form.cleaned_data["alt_text"],
            )
            messages.success(request, "Image added.")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.error(request, "Choose an image to upload.")
    return redirect("publishing:edit", slug=council.slug, pk=post.pk)


@council_view(Perm.DRAFT_POSTS)
@require_POST
def image_change(request: HttpRequest, council: Council, pk: int, image_pk: int) -> HttpResponse:
    post = _own_editable(request, council, pk)
    image = get_object_or_404(PostImage, post=post, pk=image_pk)
    try:
        if request.POST.get("action") == "remove":
            services.post_remove_image(actor=request.user, image=image)  # type: ignore[arg-type]
            messages.success(request, "Image removed.")
        else:
            services.post_set_alt_text(actor=request.user, image=image, alt_text=request.POST.get("alt_text", ""))  # type: ignore[arg-type]
            messages.success(request, "Alt text saved.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(error_messages(exc)))
    return redirect("publishing:edit", slug=council.slug, pk=post.pk)


@council_view(Perm.DRAFT_POSTS)
def image_file(request: HttpRequest, council: Council, pk: int, image_pk: int) -> HttpResponse:
    """An uploaded image, only for people who may see its post (drafts are not public)."""
    post = get_object_or_404(visible_posts(request, council), pk=pk)
    image = get_object_or_404(PostImage, post=post, pk=image_pk)
    try:
        handle = image.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The image file is missing.") from exc
    response: HttpResponse = FileResponse(handle, content_type=image.mime_type)  # type: ignore[assignment]
    return response

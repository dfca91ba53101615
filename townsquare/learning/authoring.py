"""Authoring pages (administrators and communications officers): modules, their draft's pages and
questions, publishing a version, and the SCORM export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.councils.models import Council
from townsquare.governance.access import MANAGE, governance_view
from townsquare.learning import forms as f
from townsquare.learning.content import render_markdown
from townsquare.learning.forms import posted as _posted
from townsquare.learning.models import LearningModule, ModuleVersion, Page, Question
from townsquare.learning.scorm import package
from townsquare.learning.selectors import current_version, modules_of, policy_changed_since
from townsquare.learning.services import (
    content_delete,
    module_save_form,
    page_save_form,
    question_save,
    version_draft,
    version_problems,
    version_publish,
)


def _form_page(
    request: HttpRequest, form: forms.BaseForm, title: str, back: str, button: str = "Save", multipart: bool = False
) -> HttpResponse:
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": title, "back": back, "button": button, "multipart": multipart},
        status=400 if form.errors else 200,
    )


def _errors(form: forms.BaseForm, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _draft(request: HttpRequest, module: LearningModule) -> ModuleVersion | None:
    """The module's draft, or None with a message saying to start one."""
    draft = module.versions.filter(published_at__isnull=True).first()
    if draft is None:
        messages.error(request, "Start a new version before changing the content.")
    return draft


def _back(council: Council, module: LearningModule) -> str:
    return f"/c/{council.slug}/learning/manage/{module.slug}/"


@governance_view(MANAGE)
def manage(request: HttpRequest, council: Council) -> HttpResponse:
    modules = [
        (
            m,
            current_version(module=m),
            m.versions.filter(published_at__isnull=True).first(),
            policy_changed_since(module=m),
        )
        for m in modules_of(council=council)
    ]
    return render(request, "learning/manage.html", {"modules": modules})


@governance_view(MANAGE)
def module_edit(request: HttpRequest, council: Council, mslug: str | None = None) -> HttpResponse:
    instance = get_object_or_404(LearningModule, council=council, slug=mslug) if mslug else None
    form = f.ModuleForm(_posted(request)[0], instance=instance, council=council)
    if request.method == "POST" and form.is_valid():
        module = module_save_form(actor=request.user, form=form)  # type: ignore[arg-type]
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    back = _back(council, instance) if instance else f"/c/{council.slug}/learning/manage/"
    return _form_page(request, form, "Change the module" if instance else "Add a module", back)


@governance_view(MANAGE)
def module_admin(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module = get_object_or_404(
        LearningModule.objects.select_related("training_module", "policy"), council=council, slug=mslug
    )
    draft = module.versions.filter(published_at__isnull=True).first()
    shown = draft or current_version(module=module)
    pages = [(p, render_markdown(p.body)) for p in shown.pages.all()] if shown else []
    return render(
        request,
        "learning/module_admin.html",
        {
            "module": module,
            "draft": draft,
            "shown": shown,
            "pages": pages,
            "questions": shown.questions.prefetch_related("choices").select_related("revisit") if shown else [],
            "versions": module.versions.filter(published_at__isnull=False).select_related("published_by"),
            "problems": version_problems(draft) if draft else [],
            "policy_changed": policy_changed_since(module=module),
        },
    )


@governance_view(MANAGE)
@require_POST
def draft_start(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    draft = version_draft(actor=request.user, module=module)  # type: ignore[arg-type]
    messages.success(request, f"Version {draft.number} is a draft: change it, then publish it.")
    return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)


@governance_view(MANAGE)
def page_edit(request: HttpRequest, council: Council, mslug: str, pk: int | None = None) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    draft = _draft(request, module)
    if draft is None:
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    instance = get_object_or_404(Page, version=draft, pk=pk) if pk else None
    form = f.PageForm(*_posted(request), instance=instance, version=draft)
    if request.method == "POST" and form.is_valid():
        page_save_form(actor=request.user, form=form)  # type: ignore[arg-type]
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    return _form_page(request, form, "Change the page" if pk else "Add a page", _back(council, module), multipart=True)


@governance_view(MANAGE)
def question_edit(request: HttpRequest, council: Council, mslug: str, pk: int | None = None) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    draft = _draft(request, module)
    if draft is None:
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    instance = get_object_or_404(Question, version=draft, pk=pk) if pk else None
    form = f.QuestionForm(_posted(request)[0], instance=instance, version=draft)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(actor=request.user, form=form, choices=form.choice_rows())  # type: ignore[arg-type]
        except ValidationError as error:
            _errors(form, error)
        else:
            return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    return _form_page(request, form, "Change the question" if pk else "Add a question", _back(council, module))


@governance_view(MANAGE)
@require_POST
def content_remove(request: HttpRequest, council: Council, mslug: str, kind: str, pk: int) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    model = {"pages": Page, "questions": Question}.get(kind)
    if model is None:
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    item = get_object_or_404(model, version__module=module, pk=pk)
    try:
        content_delete(actor=request.user, item=item)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)


@governance_view(MANAGE)
def publish(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    draft = module.versions.filter(published_at__isnull=True).first()
    if draft is None:
        messages.error(request, "There is no draft to publish.")
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    form = f.PublishForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            version_publish(actor=request.user, version=draft, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, f"Version {draft.number} is published.")
            return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    return _form_page(
        request, form, f"Publish version {draft.number} of {module.title}", _back(council, module), button="Publish"
    )


@governance_view(MANAGE)
def export(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    version = current_version(module=module)
    if version is None:
        messages.error(request, "Publish the module before exporting it.")
        return redirect("learning:module_admin", slug=council.slug, mslug=module.slug)
    response = HttpResponse(package(version), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{council.slug}-{module.slug}-v{version.number}-scorm12.zip"'
    )
    return response

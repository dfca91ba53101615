"""Taking a module: the list of one's modules, its pages one at a time, the quiz and the result.

Everyone with a role at the council may open the pages; a module addressed to other roles is
"forbidden". Progress (pages read, answers so far) is kept on the person's attempt.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from townsquare.councils.models import Council
from townsquare.governance.access import governance_view
from townsquare.governance.services import publishing_rights_refusal
from townsquare.learning.content import render_markdown
from townsquare.learning.grading import mark
from townsquare.learning.models import Attempt, LearningModule, ModuleVersion
from townsquare.learning.selectors import (
    current_version,
    last_attempt,
    may_take,
    modules_for,
    policy_section_link,
    standing,
)
from townsquare.learning.services import attempt_answers_save, attempt_page_read, attempt_resume, attempt_submit


def _module(request: HttpRequest, council: Council, mslug: str) -> tuple[LearningModule, ModuleVersion]:
    module = get_object_or_404(
        LearningModule.objects.select_related("training_module", "policy"), council=council, slug=mslug
    )
    version = current_version(module=module)
    if version is None:
        raise Http404("This module has not been published yet.")
    if not may_take(user=request.user, module=module):
        raise PermissionDenied("This module is addressed to other roles.")
    return module, version


@governance_view()
def my_modules(request: HttpRequest, council: Council) -> HttpResponse:
    return render(request, "learning/my_modules.html", {"standings": modules_for(user=request.user, council=council)})


@governance_view()
def module_start(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module, version = _module(request, council, mslug)
    roles = set(request.user.memberships.filter(council=council).values_list("role", flat=True))  # type: ignore[union-attr]
    where = standing(user=request.user, module=module, roles=roles)
    return render(
        request,
        "learning/start.html",
        {
            "module": module,
            "version": version,
            "standing": where,
            "pages": list(version.pages.all()),
            "questions": version.questions.count(),
            "last": last_attempt(user=request.user, version=version),
        },
    )


@governance_view()
def module_page(request: HttpRequest, council: Council, mslug: str, number: int) -> HttpResponse:
    module, version = _module(request, council, mslug)
    pages = list(version.pages.all())
    if not 1 <= number <= len(pages):
        raise Http404("No such page")
    page = pages[number - 1]
    try:
        attempt = attempt_resume(user=request.user, version=version)  # type: ignore[arg-type]
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    attempt_page_read(attempt=attempt, number=number)
    return render(
        request,
        "learning/page.html",
        {
            "module": module,
            "version": version,
            "page": page,
            "number": number,
            "total": len(pages),
            "body": render_markdown(page.body),
            "link": policy_section_link(page=page),
            "pages": pages,
        },
    )


def _answers_from(request: HttpRequest, version: ModuleVersion) -> dict[str, list[str]]:
    return {str(q.pk): request.POST.getlist(f"q{q.pk}") for q in version.questions.all()}


@governance_view()
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, council: Council, mslug: str) -> HttpResponse:
    module, version = _module(request, council, mslug)
    try:
        attempt = attempt_resume(user=request.user, version=version)  # type: ignore[arg-type]
    except ValidationError as error:
        raise PermissionDenied(error.messages[0]) from error
    errors: list[str] = []
    answers: dict[str, Any] = attempt.answers
    if request.method == "POST":
        answers = _answers_from(request, version)
        try:
            if "save" in request.POST:
                attempt_answers_save(attempt=attempt, answers=answers)
                messages.success(request, "Your answers are saved: you can finish the quiz later.")
                return redirect("learning:start", slug=council.slug, mslug=module.slug)
            attempt_submit(attempt=attempt, answers=answers)
            return redirect("learning:result", slug=council.slug, mslug=module.slug, pk=attempt.pk)
        except ValidationError as error:
            errors = error.messages
    questions = list(version.questions.prefetch_related("choices"))
    chosen = {str(k): {str(c) for c in v} for k, v in answers.items()}
    return render(
        request,
        "learning/quiz.html",
        {
            "module": module,
            "version": version,
            "questions": questions,
            "chosen": chosen,
            "errors": errors,
            "total": version.pages.count(),
        },
        status=400 if errors else 200,
    )


@governance_view()
def result(request: HttpRequest, council: Council, mslug: str, pk: int) -> HttpResponse:
    module = get_object_or_404(LearningModule, council=council, slug=mslug)
    # Only the person's own attempts: anyone else's is "not found".
    attempt = get_object_or_404(Attempt, pk=pk, user=request.user, version__module=module, submitted_at__isnull=False)
    questions = list(attempt.version.questions.select_related("revisit").prefetch_related("choices"))
    marked = mark(questions, attempt.answers, module.pass_mark)
    pages = {p.pk: n for n, p in enumerate(attempt.version.pages.all(), start=1)}
    drafts = "draft_posts" in request.council_perms  # type: ignore[attr-defined]
    return render(
        request,
        "learning/result.html",
        {
            "module": module,
            "attempt": attempt,
            "answers": [(m, pages.get(m.question.revisit_id or 0)) for m in marked.marked],
            "revisit": [(p, pages.get(p.pk)) for p in marked.revisit],
            "refusal": publishing_rights_refusal(user=request.user, council=council) if drafts else None,
            "drafts": drafts,
            "is_current": attempt.version == current_version(module=module),
        },
    )

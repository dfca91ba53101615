"""The quarterly report to Members from draft to publication: the communications team starts a
draft from the figures and adds commentary, the task group reviews it (comments recorded), it is
signed off and published to Members, who are notified. Each step is audited in its transaction; a
published report's page, PDF and CSV are stored then and never change."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.councils.models import Council
from townsquare.councils.roles import Role
from townsquare.measures.models import MembersReport, ReviewComment
from townsquare.measures.periods import Quarter
from townsquare.measures.report import QuarterlyReport, report_build, report_csv, report_html, report_pdf
from townsquare.notifications.services import council_team, notify

State = MembersReport.State
MAX_TEXT = 20_000


class WorkflowError(Exception):
    """A step that cannot be taken now, with the reason in words."""


def built(report: MembersReport) -> QuarterlyReport:
    """The report as it reads now, from today's figures (for one not yet published)."""
    made = report_build(council=report.council, quarter=report.quarter)
    made.commentary = report.commentary
    made.status = "" if report.state == State.PUBLISHED else f"{report.get_state_display()}: not yet published."
    return made


def _locked(report: MembersReport, *allowed: str) -> MembersReport:
    fresh = MembersReport.objects.select_for_update().get(pk=report.pk)
    if fresh.state not in allowed:
        raise WorkflowError(f"The report is {fresh.get_state_display().lower()}: that step is not open now.")
    return fresh


def _audit(actor: Any, report: MembersReport, action: str, before: str, **after: Any) -> None:
    audit_record(
        actor=actor,
        council=report.council,
        action=f"measures.report_{action}",
        obj=report,
        before={"state": before},
        after={"state": report.state, "quarter": report.quarter.code, "financial": report.financial, **after},
    )


def report_start(*, actor: Any, council: Council, quarter: Quarter) -> MembersReport:
    try:
        with transaction.atomic():
            report = MembersReport.objects.create(
                council=council, year=quarter.year, number=quarter.number, financial=quarter.financial, created_by=actor
            )
            _audit(actor, report, "started", "")
    except IntegrityError as exc:
        raise WorkflowError(f"There is already a report for {quarter.label}.") from exc
    return report


def commentary_save(*, actor: Any, report: MembersReport, text: str) -> MembersReport:
    if len(text) > MAX_TEXT:
        raise WorkflowError(f"The commentary is longer than {MAX_TEXT:,} characters.")
    with transaction.atomic():
        fresh = _locked(report, State.DRAFT, State.IN_REVIEW)
        before = fresh.commentary
        fresh.commentary = text.strip()
        fresh.save(update_fields=["commentary"])
        audit_record(
            actor=actor,
            council=fresh.council,
            action="measures.report_commentary",
            obj=fresh,
            before={"commentary": before},
            after={"commentary": fresh.commentary},
        )
    return fresh


def _members_notify(report: MembersReport, message: str) -> None:
    url = reverse("measures:report", kwargs={"slug": report.council.slug, "pk": report.pk})
    notify(
        users=council_team(council=report.council, roles=[Role.COUNCILLOR]),
        council=report.council,
        message=message,
        url=url,
        kind="measures_report",
    )


def review_send(*, actor: Any, report: MembersReport) -> MembersReport:
    with transaction.atomic():
        fresh = _locked(report, State.DRAFT)
        fresh.state = State.IN_REVIEW
        fresh.save(update_fields=["state"])
        _audit(actor, fresh, "sent_for_review", State.DRAFT)
        _members_notify(
            fresh, f"The draft social media report for {fresh.quarter.label} is ready for the task group's review."
        )
    return fresh


def review_comment(*, actor: Any, report: MembersReport, body: str) -> ReviewComment:
    body = body.strip()
    if not body or len(body) > MAX_TEXT:
        raise WorkflowError("Write a comment (at most 20,000 characters).")
    with transaction.atomic():
        fresh = _locked(report, State.IN_REVIEW)
        comment = ReviewComment.objects.create(report=fresh, author=actor, body=body)
        audit_record(
            actor=actor,
            council=fresh.council,
            action="measures.report_commented",
            obj=fresh,
            after={"comment": body, "comment_id": comment.pk},
        )
    return comment


def report_sign_off(*, actor: Any, report: MembersReport) -> MembersReport:
    with transaction.atomic():
        fresh = _locked(report, State.IN_REVIEW)
        fresh.state, fresh.signed_off_by, fresh.signed_off_at = State.SIGNED_OFF, actor, timezone.now()
        fresh.save(update_fields=["state", "signed_off_by", "signed_off_at"])
        _audit(actor, fresh, "signed_off", State.IN_REVIEW)
    return fresh


def report_publish(*, actor: Any, report: MembersReport) -> MembersReport:
    """Store the page, PDF and CSV as they read now, then tell Members; never changed afterwards."""
    with transaction.atomic():
        fresh = _locked(report, State.SIGNED_OFF)
        fresh.state, fresh.published_at = State.PUBLISHED, timezone.now()
        made = built(fresh)
        made.status = f"Published to Members on {timezone.localtime(fresh.published_at):%-d %B %Y}."
        fresh.html, fresh.csv, fresh.pdf = report_html(made), report_csv(made), report_pdf(made)
        fresh.save(update_fields=["state", "published_at", "html", "csv", "pdf"])
        _audit(actor, fresh, "published", State.SIGNED_OFF, pdf_bytes=len(fresh.pdf))
        _members_notify(fresh, f"The social media report for {fresh.quarter.label} is published.")
    return fresh

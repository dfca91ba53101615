"""E-learning in a real browser at tablet width (768 x 1024, an iPad held upright): the service
officer, whose publishing rights lapsed with their training, takes the staff module, fails once,
passes, and can submit posts again. Every page is checked with axe-core (WCAG 2.2 A and AA), and so
are the pages of the exported SCORM package."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.governance.models import PublishingRight, TrainingRecord
from townsquare.governance.services import governance_settings_update, publishing_rights_enforce
from townsquare.learning.models import LearningModule, ModuleVersion
from townsquare.learning.scorm import package
from townsquare.learning.selectors import current_version

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]
TABLET = {"width": 768, "height": 1024}
BASE = "/c/riverside/learning"
WASTE = "Riverside Waste and Recycling (Facebook RiversideBins)"


@pytest.fixture
def lapsed(demo_data: None) -> ModuleVersion:
    """Riverside makes training a condition of publishing; the officer's e-learning lapsed yesterday."""
    council = Council.objects.get(slug="riverside")
    admin = User.objects.get(email="admin@riverside.example")
    governance_settings_update(actor=admin, council=council, changes={"training_required_for_publishing": True})
    officer = User.objects.get(email="officer@riverside.example")
    module = LearningModule.objects.get(council=council, slug="staff-social-media")
    TrainingRecord.objects.filter(user=officer, module=module.training_module).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert publishing_rights_enforce(council=council) >= 1
    assert not PublishingRight.objects.get(council=council, user=officer).active
    version = current_version(module=module)
    assert version is not None
    return version


def _answer(page: Page, version: ModuleVersion, right: bool) -> None:
    for question in version.questions.prefetch_related("choices"):
        choices = [c for c in question.choices.all() if c.correct == right]
        for choice in choices if right else choices[:1]:
            page.locator(f"#c{choice.pk}").check()


def _write_post(page: Page, text: str) -> None:
    page.goto("/c/riverside/posts/new/")
    page.get_by_label("What do you want to say?").fill(text)
    page.get_by_label(WASTE).check()
    page.get_by_role("button", name="Save draft").click()


def test_lapsed_officer_fails_then_passes_and_can_submit_again(
    page: Page, lapsed: ModuleVersion, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    page.set_viewport_size(TABLET)  # type: ignore[arg-type]
    sign_in(page, "officer@riverside.example")

    _write_post(page, "Garden waste collections restart on Monday.")
    if page.locator(".govuk-error-summary").count() == 0:
        page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("lapsed")

    page.goto(f"{BASE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-learning")
    expect(page.locator("main")).to_contain_text("Overdue")
    axe_check(page)
    screenshot(page, "learning-my-modules-tablet", width=768)
    page.get_by_role("link", name="Social media at the council", exact=True).click()
    expect(page.locator("main")).to_contain_text("What changed in version 2")
    axe_check(page)
    screenshot(page, "learning-start-tablet", width=768)
    page.get_by_role("link", name="Start now").click()

    total = lapsed.pages.count()
    for number in range(1, total + 1):
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"page {number} of {total}")
        if number in (1, 3):
            axe_check(page)
        if number == 1:
            expect(page.locator(".govuk-inset-text")).to_contain_text("Social Media Policy, version 1.1")
            screenshot(page, "learning-page-tablet", width=768)
        if number == 2:  # stop here and come back later: the place is kept
            page.goto(f"{BASE}/staff-social-media/")
            page.get_by_role("link", name="Continue where you left off").click()
            expect(page.locator(".govuk-caption-l")).to_contain_text(f"page {number + 1} of {total}")
            continue
        page.get_by_role("link", name="Go to the quiz" if number == total else "Next page").click()

    page.goto(f"{BASE}/staff-social-media/quiz/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz")
    axe_check(page)
    _answer(page, lapsed, right=False)
    screenshot(page, "learning-quiz-tablet", width=768)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You did not pass this time")
    expect(page.locator("main")).to_contain_text("Read these pages again")
    axe_check(page)
    screenshot(page, "learning-failed-tablet", width=768)

    page.get_by_role("link", name="Try the quiz again").click()
    _answer(page, lapsed, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("You passed")
    expect(page.locator("main")).to_contain_text("You may draft and submit posts")
    axe_check(page)
    screenshot(page, "learning-passed-tablet", width=768)

    _write_post(page, "Garden waste collections restart on Monday.")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Garden waste collections restart")
    assert PublishingRight.objects.get(council__slug="riverside", user__email="officer@riverside.example").active


def test_the_report_and_the_exported_package_are_accessible(
    page: Page, lapsed: ModuleVersion, tmp_path: Path, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    page.set_viewport_size(TABLET)  # type: ignore[arg-type]
    sign_in(page, "comms@riverside.example")
    for path in ("/reports/", "/manage/", "/manage/staff-social-media/", "/import/"):
        page.goto(BASE + path)
        axe_check(page)
    page.goto(f"{BASE}/reports/")
    expect(page.locator("main")).to_contain_text("By service")
    screenshot(page, "learning-report-tablet", width=768)

    # The package served as a learning system serves it: its files over HTTP, from its own folder.
    zipfile.ZipFile(io.BytesIO(package(lapsed))).extractall(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "lms.html").write_text(LMS, encoding="utf-8")
    root = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        _take_package(page, lapsed, f"{root}/index.html", axe_check, screenshot)
        _take_in_lms(page, lapsed, f"{root}/lms.html")
    finally:
        server.shutdown()
        server.server_close()


# A learning management system's frame, as far as a SCORM 1.2 package sees it: window.API, which
# keeps what the package sets and records each call.
LMS = """<!DOCTYPE html><html lang="en"><head><title>Learning system</title></head><body>
<script>
window.calls = [];
window.store = {"cmi.core.lesson_status": "not attempted", "cmi.core.lesson_location": ""};
window.API = {
  LMSInitialize: function () { calls.push("LMSInitialize"); return "true"; },
  LMSFinish: function () { calls.push("LMSFinish"); return "true"; },
  LMSGetValue: function (key) { return window.store[key] || ""; },
  LMSSetValue: function (key, value) { window.store[key] = value; calls.push(key + "=" + value); return "true"; },
  LMSCommit: function () { calls.push("LMSCommit"); return "true"; },
  LMSGetLastError: function () { return "0"; },
  LMSGetErrorString: function () { return ""; },
  LMSGetDiagnostic: function () { return ""; }
};
</script>
<iframe src="index.html" title="The module" style="width: 100%; height: 900px"></iframe>
</body></html>"""


def _take_in_lms(page: Page, lapsed: ModuleVersion, url: str) -> None:
    """Fail, then pass, inside the learning system's frame: each result reaches its SCORM API."""
    page.goto(url)
    frame = page.frame_locator("iframe")
    expect(frame.locator("#progress")).to_contain_text("Step 1 of")
    assert page.evaluate("window.calls[0]") == "LMSInitialize"
    assert page.evaluate("window.store['cmi.core.lesson_status']") == "incomplete"
    for _ in range(lapsed.pages.count()):
        frame.locator("section:not([hidden]) [data-go=next]").click()
    assert page.evaluate("window.store['cmi.core.lesson_location']") == str(lapsed.pages.count())
    for right in (False, True):
        for question in lapsed.questions.prefetch_related("choices"):
            for choice in question.choices.all():
                box = frame.locator(f"#c{choice.pk}")
                if choice.correct == right and (right or not box.is_checked()):
                    box.check()
                elif question.kind == "multiple":
                    box.uncheck()
        frame.get_by_role("button", name="Check my answers").click()
        status = page.evaluate("window.store['cmi.core.lesson_status']")
        assert status == ("passed" if right else "failed")
    store = page.evaluate("window.store")
    assert (store["cmi.core.score.raw"], store["cmi.core.score.min"], store["cmi.core.score.max"]) == (
        "100",
        "0",
        "100",
    )
    assert "LMSFinish" in page.evaluate("window.calls")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def _take_package(page: Page, lapsed: ModuleVersion, url: str, axe_check: Check, screenshot: Shot) -> None:
    page.goto(url)
    expect(page.locator("#progress")).to_contain_text("Step 1 of")
    axe_check(page)
    screenshot(page, "learning-scorm-tablet", width=768)
    steps = lapsed.pages.count()
    for _ in range(steps):
        page.locator("section:not([hidden]) [data-go=next]").click()
    expect(page.get_by_role("heading", name="Quiz")).to_be_visible()
    _answer(page, lapsed, right=True)
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator("#result")).to_contain_text("You scored 100%. You passed.")
    axe_check(page)

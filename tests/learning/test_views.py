"""The pages: taking a module, authoring, the report and the import; who may open each."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.learning.conftest import answers
from townsquare.learning.models import Completion, LearningModule
from townsquare.learning.selectors import current_version

pytestmark = pytest.mark.django_db
Make = Callable[..., Client]
BASE = "/c/riverside/learning/"


def test_taking_a_module_fail_then_pass(module: LearningModule, people: SimpleNamespace, client_for: Make) -> None:
    client = client_for(people.officer)
    assert "Social media at the council" in client.get(BASE).content.decode()
    start = client.get(f"{BASE}staff-social-media/").content.decode()
    assert "Start now" in start
    page = client.get(f"{BASE}staff-social-media/pages/1/").content.decode()
    assert "Guidance for officers" in page and "version 1.0" in page  # linked to the policy's current section
    version = current_version(module=module)
    assert version is not None
    wrong = {f"q{k}": v for k, v in answers(version, right=False).items()}
    response = client.post(f"{BASE}staff-social-media/quiz/", wrong)
    assert response.status_code == 302
    failed = client.get(response["Location"]).content.decode()
    assert "You did not pass" in failed and "Read these pages again" in failed and "No: read the page again." in failed
    right = {f"q{k}": v for k, v in answers(version, right=True).items()}
    passed = client.get(client.post(f"{BASE}staff-social-media/quiz/", right)["Location"]).content.decode()
    assert "You passed" in passed
    assert Completion.objects.filter(user=people.officer, score=100).exists()


def test_an_unanswered_quiz_is_refused_with_a_message(
    module: LearningModule, people: SimpleNamespace, client_for: Make
) -> None:
    response = client_for(people.officer).post(f"{BASE}staff-social-media/quiz/", {})
    assert response.status_code == 400 and "Answer every question" in response.content.decode()


def test_someone_elses_result_is_not_found(module: LearningModule, people: SimpleNamespace, client_for: Make) -> None:
    client = client_for(people.officer)
    version = current_version(module=module)
    assert version is not None
    location = client.post(
        f"{BASE}staff-social-media/quiz/", {f"q{k}": v for k, v in answers(version, right=False).items()}
    )["Location"]
    assert client_for(people.comms).get(location).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "",
        "staff-social-media/",
        "staff-social-media/pages/1/",
        "reports/",
        "reports.csv",
        "manage/",
        "manage/staff-social-media/",
        "import/",
        "manage/staff-social-media/scorm.zip",
    ],
)
def test_an_outsider_gets_not_found(
    module: LearningModule, people: SimpleNamespace, client_for: Make, path: str
) -> None:
    assert client_for(people.outsider).get(BASE + path).status_code == 404


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("officer", "reports/"),
        ("officer", "manage/"),
        ("auditor", "manage/"),
        ("officer", "import/"),
        ("councillor", "staff-social-media/pages/1/"),
        ("auditor", "manage/staff-social-media/scorm.zip"),
    ],
)
def test_a_role_too_low_is_forbidden(
    module: LearningModule, people: SimpleNamespace, client_for: Make, who: str, path: str
) -> None:
    assert client_for(getattr(people, who)).get(BASE + path).status_code == 403


def test_the_report_and_its_csv(module: LearningModule, people: SimpleNamespace, client_for: Make) -> None:
    auditor = client_for(people.auditor)
    page = auditor.get(BASE + "reports/").content.decode()
    assert "By service" in page and "By role" in page and "By council" in page and "Officer Person" in page
    csv = auditor.get(BASE + "reports.csv").content.decode()
    assert csv.splitlines()[0].startswith("Council,Name,Email,Roles,Services,Module")
    assert "officer@riverside.example" in csv and "councillor@riverside.example" not in csv


def test_authoring_a_new_version(module: LearningModule, people: SimpleNamespace, client_for: Make) -> None:
    comms = client_for(people.comms)
    admin = BASE + "manage/staff-social-media/"
    assert comms.post(admin + "draft/").status_code == 302
    bad = comms.post(admin + "questions/new/", {"text": "Q?", "kind": "single", "answer_1": "A", "answer_2": "B"})
    assert bad.status_code == 400 and "Mark at least one answer as correct" in bad.content.decode()
    noalt = comms.post(admin + "pages/new/", {"title": "T", "body": "B", "image_alt": "", "policy_section": "Nope"})
    assert noalt.status_code == 400 and "no section with that title" in noalt.content.decode()
    assert comms.post(admin + "publish/", {"change_note": "Tidied."}).status_code == 302
    assert module.versions.filter(published_at__isnull=False).count() == 2
    zipped = comms.get(admin + "scorm.zip")
    assert zipped["Content-Type"] == "application/zip" and zipped.content[:2] == b"PK"


def test_content_cannot_change_without_a_draft(
    module: LearningModule, people: SimpleNamespace, client_for: Make
) -> None:
    response = client_for(people.comms).get(BASE + "manage/staff-social-media/pages/new/", follow=True)
    assert "Start a new version before changing the content" in response.content.decode()


def test_images_need_alt_text_and_go_into_the_package(
    module: LearningModule, people: SimpleNamespace, client_for: Make, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    comms = client_for(people.comms)
    admin = BASE + "manage/staff-social-media/"
    comms.post(admin + "draft/")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (29, 92, 77)).save(buffer, "PNG")

    def upload(alt: str) -> Any:
        image = SimpleUploadedFile("bins.png", buffer.getvalue(), content_type="image/png")
        return comms.post(
            admin + "pages/new/",
            {"title": "Bins", "body": "Text.", "image": image, "image_alt": alt, "policy_section": ""},
        )

    refused = upload("")
    assert refused.status_code == 400 and "Say what the image shows" in refused.content.decode()
    fake = comms.post(
        admin + "pages/new/",
        {
            "title": "Bins",
            "body": "Text.",
            "image_alt": "A bin",
            "image": SimpleUploadedFile("x.png", b"not an image"),
            "policy_section": "",
        },
    )
    assert fake.status_code == 400 and "not an image" in fake.content.decode()
    assert upload("A green wheelie bin beside a blue recycling box").status_code == 302
    assert comms.post(admin + "publish/", {}).status_code == 302
    zipped = zipfile.ZipFile(io.BytesIO(comms.get(admin + "scorm.zip").content))
    assert "images/page-3.png" in zipped.namelist()
    assert 'alt="A green wheelie bin beside a blue recycling box"' in zipped.read("index.html").decode()


def test_my_training_shows_the_version_and_score_of_a_pass(
    module: LearningModule, people: SimpleNamespace, client_for: Make
) -> None:
    client = client_for(people.officer)
    version = current_version(module=module)
    assert version is not None
    client.post(f"{BASE}staff-social-media/quiz/", {f"q{k}": v for k, v in answers(version, right=True).items()})
    page = client.get("/c/riverside/governance/training/mine/").content.decode()
    assert "(version 1, 100%)" in page

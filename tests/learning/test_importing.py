"""Completions imported from a learning system's CSV report: preview, all or nothing, row numbers."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townsquare.governance.models import TrainingRecord
from townsquare.learning.importing import completions_import, parse_completions
from townsquare.learning.models import Completion, LearningModule

pytestmark = pytest.mark.django_db
GOOD = (
    b"Email,Course ID,Lesson Status,Score,Completion Date\r\n"
    b"officer@riverside.example,ts-riverside-staff-social-media,passed,90,31/03/2025\r\n"
    b"comms@riverside.example,staff-social-media,failed,40,31/03/2025\r\n"
)


def test_a_good_report_is_previewed_then_recorded(module: LearningModule, people: SimpleNamespace) -> None:
    parsed = parse_completions(council=module.council, data=GOOD)
    assert not parsed.problems and [r.user for r in parsed.rows] == [people.officer]
    assert parsed.skipped == [(3, "Comms Person: failed, not recorded")]
    assert not Completion.objects.exists()  # a preview saves nothing
    made = completions_import(actor=people.comms, council=module.council, data=GOOD)
    assert [(c.user, c.score, c.source, str(c.completed_on)) for c in made] == [
        (people.officer, 90, "lms", "2025-03-31")
    ]
    assert TrainingRecord.objects.filter(user=people.officer, module=module.training_module).exists()
    again = parse_completions(council=module.council, data=GOOD)  # importing twice records nothing twice
    assert not again.rows and again.problems


def test_one_bad_row_means_nothing_is_recorded(module: LearningModule, people: SimpleNamespace) -> None:
    data = GOOD + b"officer@hillcrest.example,staff-social-media,passed,120,2099-01-01\r\nx@y.z,nope,maybe,,\r\n"
    with pytest.raises(ValidationError) as raised:
        completions_import(actor=people.comms, council=module.council, data=data)
    messages = raised.value.messages
    assert messages[0].startswith("Row 4: Officer@hillcrest.example holds no role") or "Row 4" in messages[0]
    assert "score must be between 0 and 100" in messages[0] and "in the future" in messages[0]
    assert messages[1].startswith("Row 5:") and "no module 'nope'" in messages[1]
    assert not Completion.objects.exists() and not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"name,score\r\nA,1\r\n", "No column for"),
        (GOOD.replace(b"@", b"\x00@", 1), "holds a NUL character"),
        (b"email,module\r\n" + b"x" * 200_000 + b",staff\r\n", "could not be read as CSV"),
    ],
)
def test_unreadable_files_are_explained(module: LearningModule, data: bytes, message: str) -> None:
    assert message in parse_completions(council=module.council, data=data).problems[0][1]


def test_the_import_page_previews_then_records(
    module: LearningModule, people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    client = client_for(people.comms)
    url = "/c/riverside/learning/import/"
    preview = client.post(url, {"report": SimpleUploadedFile("lms.csv", GOOD, content_type="text/csv")})
    assert preview.status_code == 200 and "Record these completions" in preview.content.decode()
    assert not Completion.objects.exists()
    done = client.post(url, {"confirm": "1", "data": GOOD.decode()})
    assert done.status_code == 302 and Completion.objects.count() == 1

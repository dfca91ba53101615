"""E-learning in the JSON API: one's own modules, and the report for those who keep the registers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from townsquare.learning.models import LearningModule

pytestmark = pytest.mark.django_db


def _client(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def test_my_modules_and_the_report(module: LearningModule, people: SimpleNamespace) -> None:
    mine = _client(people.officer).get("/api/councils/riverside/learning/modules/").json()["results"]
    assert [(m["module"], m["required"], m["status"]) for m in mine] == [("staff-social-media", True, "due")]
    rows = _client(people.auditor).get("/api/councils/riverside/learning/report/").json()["results"]
    assert {r["email"] for r in rows} == {
        "admin@riverside.example",
        "comms@riverside.example",
        "officer@riverside.example",
    }


def test_outsiders_and_low_roles_are_refused(module: LearningModule, people: SimpleNamespace) -> None:
    assert _client(people.outsider).get("/api/councils/riverside/learning/modules/").status_code == 404
    assert _client(people.outsider).get("/api/councils/riverside/learning/report/").status_code == 404
    assert _client(people.officer).get("/api/councils/riverside/learning/report/").status_code == 403

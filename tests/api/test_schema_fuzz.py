"""The OpenAPI schema matches what the API returns: a bounded schemathesis run over every operation.

Each operation gets a few generated requests (valid and invalid), sent through the WSGI app with
the bearer token of a communications officer at a council set up like the demo's. A response must
not be a server error, and its status code, content type and body must be the ones the schema
documents. A failure here is fixed in the API or its schema annotations, never by loosening this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from townsquare.api.services import token_issue
from townsquare.channels.models import Channel
from townsquare.governance.models import ActionPlan, Policy
from townsquare.meetings.models import LiveStream, Meeting
from townsquare.publishing.services import post_create_draft
from townsquare.wsgi import application

MAX_EXAMPLES = 6  # a bounded run: well under two minutes for every operation together
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def bearer(people: SimpleNamespace, channel: Channel) -> Iterator[dict[str, str]]:
    """A communications officer's token; the test database stays open between requests, as in Django's client."""
    _, key = token_issue(user=people.comms)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_ids(channel: Channel, people: SimpleNamespace) -> dict[str, int]:
    """One record of each kind the API addresses by id, at Riverside."""
    post = post_create_draft(
        author=people.comms,
        council=channel.council,
        text="Bins go out on Tuesday.",
        channels=[channel],
        scheduled_for=None,
    )
    meeting = Meeting.objects.create(
        council=channel.council,
        committee="Cabinet",
        uid="cabinet@riverside",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    stream = LiveStream.objects.create(
        council=channel.council, meeting=meeting, agenda_item="Budget", platform="youtube"
    )
    plan = ActionPlan.objects.create(council=channel.council, title="Social media review")
    policy = Policy.objects.create(council=channel.council, title="Social media policy", kind="social_media_policy")
    return {
        "channels": channel.pk,
        "posts": post.pk,
        "meetings": meeting.pk,
        "streams": stream.pk,
        "action-plans": plan.pk,
        "policies": policy.pk,
    }


@pytest.fixture
def real_ids(people: SimpleNamespace, channel: Channel) -> dict[str, int]:
    return _real_ids(channel, people)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_documented(case: Any, bearer: dict[str, str], real_ids: dict[str, int]) -> None:
    params = case.path_parameters or {}
    if "slug" in params and params["slug"] != "hillcrest":
        params["slug"] = "riverside"  # the council the token's holder works at; any other name is a 404
    if isinstance(params.get("id"), int) and params["id"] % 2 == 0:
        # Half the generated ids address a real record, so the detail answers are checked too.
        kind = next(part for part in reversed(case.path.split("/{id}")[0].split("/")) if part)
        params["id"] = real_ids.get(kind, params["id"])
    case.call_and_validate(headers=bearer, checks=CHECKS)

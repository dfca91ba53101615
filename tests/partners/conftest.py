"""Partner-council fixtures: a shared communications officer, a person with mixed roles, posts waiting at both councils.

``shared`` is a communications officer at Riverside and Hillcrest; ``mixed`` is a communications
officer at Riverside and a councillor at Hillcrest. ``people.outsider`` (a Hillcrest service
officer) has no role at Riverside.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.publishing.models import Post
from townsquare.publishing.services import post_create_draft, post_submit


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def person_with(email: str, name: str, roles: dict[Council, str], **extra: str) -> User:
    """A person holding one role at each of ``roles``' councils."""
    user = User.objects.create_user(email, PASSWORD, full_name=name, **extra)
    for council, role in roles.items():
        membership_grant(actor=None, council=council, user=user, role=role)
    return user


@pytest.fixture
def shared(riverside: Council, hillcrest: Council) -> User:
    return person_with(
        "shared@riverside.example",
        "Shared Comms",
        {riverside: "comms", hillcrest: "comms"},
        job_title="Communications Manager",
    )


@pytest.fixture
def mixed(riverside: Council, hillcrest: Council) -> User:
    return person_with("mixed@riverside.example", "Mixed Roles", {riverside: "comms", hillcrest: "councillor"})


@pytest.fixture
def hill_channel(hillcrest: Council, people: SimpleNamespace, shared: User) -> Channel:
    made = Channel.objects.create(
        council=hillcrest, platform="facebook", name="Hillcrest Council", handle="HillcrestDC", owner=shared
    )
    made.assignees.add(people.outsider)
    return made


@pytest.fixture
def later() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=2)


@pytest.fixture
def waiting(
    riverside: Council,
    hillcrest: Council,
    people: SimpleNamespace,
    channel: Channel,
    hill_channel: Channel,
    later: dt.datetime,
) -> SimpleNamespace:
    """One post awaiting approval at each council, written by each council's service officer."""
    river = post_create_draft(
        author=people.officer,
        council=riverside,
        channels=[channel],
        scheduled_for=later,
        text="Bins are collected on Friday this week. Put them out by 7am.",
    )
    post_submit(actor=people.officer, post=river)
    hill = post_create_draft(
        author=people.outsider,
        council=hillcrest,
        channels=[hill_channel],
        scheduled_for=later,
        text="The leisure centre gym opens at 6am from Monday.",
    )
    post_submit(actor=people.outsider, post=hill)
    return SimpleNamespace(riverside=Post.objects.get(pk=river.pk), hillcrest=Post.objects.get(pk=hill.pk))

"""Every foundation page and endpoint: who gets in, who is refused, and how.

A person with no role at the council (the Hillcrest officer) gets 404; a role too low gets 403;
an anonymous visitor is sent to sign in (pages) or gets 401 (API).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.services import membership_grant

ALL = {"admin", "comms", "officer", "councillor", "auditor", "governance"}


@pytest.fixture
def people(people: SimpleNamespace, riverside) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """The shared people plus an information governance officer at Riverside."""
    governance = User.objects.create_user("governance@riverside.example", "x", full_name="Governance Person")
    membership_grant(actor=None, council=riverside, user=governance, role="governance")
    people.governance = governance
    return people


# (method, url template, roles allowed at Riverside)
PAGES = [
    ("get", "/c/riverside/", ALL),
    ("get", "/c/riverside/channels/", {"admin", "comms", "officer", "auditor", "governance"}),
    ("get", "/c/riverside/channels/{channel}/", {"admin", "comms", "officer", "auditor", "governance"}),
    ("get", "/c/riverside/channels/{channel}/edit/", {"admin", "comms"}),
    ("get", "/c/riverside/channels/new/", {"admin", "comms"}),
    ("get", "/c/riverside/channels/import/", {"admin", "comms"}),
    ("get", "/c/riverside/channels/export.csv", {"admin", "comms", "auditor", "governance"}),
    ("get", "/c/riverside/channels/rationalisation/", {"admin", "comms", "auditor", "governance"}),
    ("get", "/c/riverside/people/", {"admin"}),
    ("get", "/c/riverside/settings/", {"admin"}),
    ("get", "/c/riverside/audit/", {"admin", "auditor", "governance"}),
    ("get", "/c/riverside/archive/", {"comms", "officer", "auditor", "governance"}),
    ("get", "/c/riverside/archive/retention/", {"auditor", "governance"}),
    ("get", "/c/riverside/archive/holds/", {"auditor", "governance"}),
    ("get", "/c/riverside/requests/", {"admin", "comms", "auditor", "governance"}),
    ("get", "/c/riverside/requests/new/", {"admin", "comms", "auditor", "governance"}),
    ("get", "/c/riverside/posts/new/", {"comms", "officer"}),
    ("get", "/c/riverside/posts/approvals/", {"comms"}),
]
API = [
    ("get", "/api/councils/riverside/channels/", {"admin", "comms", "officer", "auditor", "governance"}),
    ("get", "/api/councils/riverside/channels/{channel}/", {"admin", "comms", "officer", "auditor", "governance"}),
    ("get", "/api/councils/riverside/rationalisation/", {"admin", "comms", "auditor", "governance"}),
    ("get", "/api/councils/riverside/audit-events/", {"admin", "auditor", "governance"}),
]
WRITES = [
    ("post", "/c/riverside/people/", {"admin"}),
    ("post", "/c/riverside/settings/", {"admin"}),
    ("post", "/c/riverside/channels/new/", {"admin", "comms"}),
    ("post", "/c/riverside/channels/{channel}/edit/", {"admin", "comms"}),
    ("post", "/c/riverside/channels/import/", {"admin", "comms"}),
    ("post", "/api/councils/riverside/channels/", {"admin", "comms"}),
    ("patch", "/api/councils/riverside/channels/{channel}/", {"admin", "comms"}),
    ("post", "/c/riverside/posts/new/", {"comms", "officer"}),
    # The permission is checked before the post is looked up, so any number stands for a post here.
    ("post", "/c/riverside/posts/{channel}/decide/", {"comms"}),
]


def _call(client: Client, method: str, url: str) -> int:
    payload = {"name": "Hijacked", "platform": "x", "handle": "@hijack", "email": "x@example.org", "role": "admin"}
    if url.startswith("/api/"):
        return getattr(client, method)(url, payload, content_type="application/json").status_code
    return getattr(client, method)(url, payload).status_code


@pytest.mark.parametrize(("method", "template", "allowed"), PAGES + API)
def test_reads_allowed_and_refused(
    method: str, template: str, allowed: set[str], people: SimpleNamespace, channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = template.format(channel=channel.pk)
    for role in sorted(ALL):
        status = _call(client_for(getattr(people, role)), method, url)
        assert status == (200 if role in allowed else 403), f"{role} {url}: {status}"
    assert _call(client_for(people.outsider), method, url) == 404


@pytest.mark.parametrize(("method", "template", "allowed"), WRITES)
def test_writes_refused_below_role_and_outside(
    method: str, template: str, allowed: set[str], people: SimpleNamespace, channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = template.format(channel=channel.pk)
    before = (Channel.objects.count(), people.admin.memberships.count())
    for role in sorted(ALL - allowed):
        assert _call(client_for(getattr(people, role)), method, url) == 403, f"{role} {method} {url}"
    assert _call(client_for(people.outsider), method, url) == 404
    channel.refresh_from_db()
    assert channel.name == "Riverside Waste"
    assert (Channel.objects.count(), people.admin.memberships.count()) == before
    assert not Channel.objects.filter(handle="@hijack").exists()


def test_revoke_role_refused_to_non_admin_and_outsider(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    membership = people.officer.memberships.get()
    for role in sorted(ALL - {"admin"}):
        assert client_for(getattr(people, role)).post(f"/c/riverside/people/{membership.pk}/remove/").status_code == 403
    assert client_for(people.outsider).post(f"/c/riverside/people/{membership.pk}/remove/").status_code == 404
    assert people.officer.memberships.filter(pk=membership.pk).exists()


def test_other_councils_channel_is_not_found_even_for_admins(
    people: SimpleNamespace, hillcrest_channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(people.admin)
    assert admin.get(f"/c/riverside/channels/{hillcrest_channel.pk}/").status_code == 404
    assert admin.get(f"/c/riverside/channels/{hillcrest_channel.pk}/edit/").status_code == 404
    assert admin.get(f"/api/councils/riverside/channels/{hillcrest_channel.pk}/").status_code == 404
    assert admin.get(f"/c/hillcrest/channels/{hillcrest_channel.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/c/riverside/", "/c/riverside/channels/", "/c/riverside/audit/", "/account/", "/notifications/", "/"]
)
def test_anonymous_pages_redirect_to_sign_in(url: str, riverside) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("url", ["/api/me/", "/api/councils/", "/api/councils/riverside/channels/"])
def test_anonymous_api_refused(url: str, riverside) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(url).status_code == 401


def test_officer_sees_only_assigned_channels(people: SimpleNamespace, channel: Channel, riverside, client_for) -> None:  # type: ignore[no-untyped-def]
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Leisure", handle="@Leisure")
    officer = client_for(people.officer)
    page = officer.get("/c/riverside/channels/").content.decode()
    assert "Riverside Waste" in page
    assert "Riverside Leisure" not in page
    assert officer.get(f"/c/riverside/channels/{other.pk}/").status_code == 404
    api = officer.get("/api/councils/riverside/channels/").json()
    assert [c["name"] for c in api["results"]] == ["Riverside Waste"]


def test_notifications_are_only_ever_your_own(people: SimpleNamespace, riverside, client_for) -> None:  # type: ignore[no-untyped-def]
    from townsquare.notifications.services import notify

    notify(users=[people.comms], council=riverside, message="Secret thing for comms", email=False)
    assert "Secret thing for comms" in client_for(people.comms).get("/notifications/").content.decode()
    assert "Secret thing for comms" not in client_for(people.outsider).get("/notifications/").content.decode()
    assert "Secret thing for comms" not in client_for(people.officer).get("/notifications/").content.decode()

"""The demo's inbox: a few hundred past items across services and statuses, on the pages."""

from __future__ import annotations

from townsquare.accounts.models import User
from townsquare.inbox.models import ReceivedItem


def test_the_demo_fills_riversides_inbox(demo_loaded: None, client_for) -> None:
    items = ReceivedItem.objects.filter(council__slug="riverside")
    assert items.count() >= 250
    assert set(items.values_list("status", flat=True)) == set(ReceivedItem.Status.values)
    assert items.exclude(service=None).values("service").distinct().count() >= 6
    assert items.filter(assignee__isnull=False).exists() and items.filter(assigned_service__isnull=False).exists()
    assert items.exclude(in_reply_to_external_id="").exists() and not items.filter(needs_attention=True).exists()
    client = client_for(User.objects.get(email="comms@riverside.example"))
    page = client.get("/c/riverside/inbox/", {"q": "pothole"})
    assert page.status_code == 200 and "pothole" in page.content.decode().lower()
    reply = items.exclude(in_reply_to_external_id="").first()
    assert client.get(f"/c/riverside/inbox/{reply.pk}/").status_code == 200

"""The approval queue says which posts are inbox replies and links each to the item it answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.replies import reply_send
from townsquare.publishing.services import post_submit

pytestmark = pytest.mark.django_db


def test_queue_marks_an_inbox_reply_and_links_to_its_item(people, riverside, channel, make_post, client_for) -> None:
    item = ReceivedItem.objects.create(
        council=riverside,
        channel=channel,
        external_id="fb-991",
        author_name="Dee Rivers",
        text="When will my green bin be emptied?",
    )
    reply = reply_send(actor=people.officer, item=item, text="Green bins are emptied on Thursday this week.")
    ordinary = make_post(text="Libraries open late on Wednesdays this month.")
    post_submit(actor=people.officer, post=ordinary)
    page = client_for(people.comms).get(reverse("publishing:queue", args=["riverside"])).content.decode()
    link = reverse("inbox:item", args=["riverside", item.pk])
    assert reply.post.status == "awaiting_approval" and "Green bins are emptied" in page
    assert f'href="{link}">Dee Rivers: “When will my green bin be emptied?”</a>' in page
    assert page.count("Inbox reply") == 1  # the ordinary post is not marked
    assert "Libraries open late" in page

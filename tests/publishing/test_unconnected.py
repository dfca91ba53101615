"""Channels that are not connected are named before the post fails on them: to the approver and the author."""

from __future__ import annotations

from django.urls import reverse

from townsquare.channels.models import Channel
from townsquare.publishing.services import post_submit

WARNING = "Not connected: this post will fail on Riverside Waste (needs reconnecting)"


def test_the_approver_sees_it_on_the_queue_and_the_post(client_for, people, make_post, channel):
    Channel.objects.filter(pk=channel.pk).update(connection_state=Channel.Connection.NEEDS_RECONNECTING)
    post = post_submit(actor=people.officer, post=make_post())
    client = client_for(people.comms)
    queue = client.get(reverse("publishing:queue", kwargs={"slug": "riverside"})).content.decode()
    assert WARNING in queue
    detail = client.get(reverse("publishing:detail", kwargs={"slug": "riverside", "pk": post.pk})).content.decode()
    assert WARNING in detail and "Record decision" in detail


def test_the_author_is_told_when_submitting(client_for, people, make_post, channel):
    Channel.objects.filter(pk=channel.pk).update(connection_state=Channel.Connection.NEEDS_RECONNECTING)
    post = make_post()
    client = client_for(people.officer)
    edit = reverse("publishing:edit", kwargs={"slug": "riverside", "pk": post.pk})
    assert WARNING in client.get(edit).content.decode()
    answer = client.post(
        edit, {"text": post.text, "channels": [channel.pk], "version": post.version, "action": "submit"}, follow=True
    )
    body = answer.content.decode()
    assert "sent for approval" in body and "It will fail on Riverside Waste (needs reconnecting)" in body


def test_connected_channels_give_no_warning(client_for, people, make_post, channel):
    Channel.objects.filter(pk=channel.pk).update(connection_state=Channel.Connection.CONNECTED)
    post_submit(actor=people.officer, post=make_post())
    queue = client_for(people.comms).get(reverse("publishing:queue", kwargs={"slug": "riverside"})).content.decode()
    assert "Not connected" not in queue

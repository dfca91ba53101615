"""Notices about a post stop counting as new once what they asked for is done."""

from __future__ import annotations

from townsquare.notifications.models import Notification
from townsquare.publishing.services import post_approve, post_cancel, post_reject, post_submit


def _new(user, kind: str = "post.awaiting_approval") -> int:
    return Notification.objects.filter(user=user, kind=kind, read_at__isnull=True).count()


def test_waiting_for_approval_clears_for_every_approver_when_approved(people, make_post, comms2):
    post = post_submit(actor=people.officer, post=make_post())
    assert _new(people.comms) == 1 and _new(comms2) == 1
    post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    assert _new(people.comms) == 0 and _new(comms2) == 0
    assert _new(people.officer, "post.approved") == 1  # the author's news is new


def test_waiting_for_approval_clears_when_rejected_or_withdrawn(people, make_post, comms2):
    rejected = post_submit(actor=people.officer, post=make_post(text="First post about the bins."))
    withdrawn = post_submit(actor=people.officer, post=make_post(text="Second post about the bins."))
    assert _new(comms2) == 2
    post_reject(actor=people.comms, post=rejected, reason="Wrong day")
    assert _new(comms2) == 1
    post_cancel(actor=people.officer, post=withdrawn)
    assert _new(comms2) == 0


def test_a_second_approval_asks_afresh(people, make_post, comms2, riverside):
    from townsquare.publishing.services import campaign_create

    campaign = campaign_create(actor=people.comms, council=riverside, name="Budget", second_approval=True)
    post = post_submit(actor=people.officer, post=make_post(campaign=campaign))
    post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    assert _new(people.comms) == 0
    assert _new(comms2) == 1  # asked again, for the second approval
    post_approve(actor=comms2, post=post, acknowledge_warnings=True)
    assert _new(comms2) == 0

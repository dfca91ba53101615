"""PUB-08 through publishing: a post's campaign reaches the policy check with its creation time."""

import datetime as dt

from django.utils import timezone

from townsquare.policy.services import election_save
from townsquare.publishing.checks import post_check
from townsquare.publishing.models import Campaign
from townsquare.publishing.services import campaign_create, post_create_draft


def test_post_in_campaign_set_up_after_the_notice_is_warned(riverside, people, channel) -> None:
    today = timezone.localdate()
    election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Riverside district elections",
            "election_type": "local",
            "notice_date": today - dt.timedelta(days=2),
            "poll_date": today + dt.timedelta(days=30),
            "area": "",
            "wards": "",
            "candidates": "",
        },
    )
    campaign = campaign_create(actor=people.comms, council=riverside, name="Summer reading")
    post = post_create_draft(
        author=people.comms,
        council=riverside,
        text="The summer reading challenge is back.",
        channels=[channel],
        scheduled_for=timezone.now() + dt.timedelta(days=1),
        campaign=campaign,
    )
    found = [f for f in post_check(post=post).findings if f.rule == "PUB-08"]
    assert [f.severity for f in found] == ["warn"] and "“Summer reading”" in found[0].message

    # Planned before the election was called: no warning.
    Campaign.objects.filter(pk=campaign.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    post.refresh_from_db()
    assert "PUB-08" not in {f.rule for f in post_check(post=post).findings}

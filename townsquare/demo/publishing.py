"""Demo posts: Riverside's in every state, and a few at Hillcrest.

Drafts, submissions, approvals, a rejection, a cancellation and an emergency override go through the
publishing services as the service officer and the communications officer would use them, so the
policy checks run, notices are sent and the audit trail records each step. Approved posts are
scheduled on posting slots over the coming two weeks. Nothing is sent to a platform while the demo
loads: the demo's channels are not connected, so anything that falls due later fails "not connected".

Past posts are different: a post cannot honestly reach "published" without a platform, so the few
sent ones on the calendar are written by ``demo_history_record``, which says so in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Service
from townsquare.demo import data, pictures
from townsquare.publishing.checks import post_check
from townsquare.publishing.models import AccountCheck, Post, PostTarget
from townsquare.publishing.selectors import slots_upcoming
from townsquare.publishing.services import (
    campaign_create,
    post_add_image,
    post_approve,
    post_cancel,
    post_create_draft,
    post_reject,
    post_submit,
    slots_add,
)

WEEKDAYS = [0, 1, 2, 3, 4]
FRIDAY = 4
HISTORY_NOTE = (
    "Demo history: written by the demo loader to show past outcomes on the calendar. Nothing was sent to any platform."
)
NEEDS_RECONNECTING = "The channel needs reconnecting before anything can be published."
NO_ANSWER = "The platform did not answer in time: it may or may not have published the post. Check the account."
FLOOD_REASON = (
    "Flood warning: the Environment Agency has issued a flood warning for the River Wend. Residents "
    "of Mill Lane and Weir Street must be told now, and the Cabinet Member for Emergency Planning is "
    "leading the council's response."
)


def _person(email: str) -> User:
    return User.objects.get(email=email)


def _channel(council: Council, name: str) -> Channel:
    return Channel.objects.get(council=council, name=name)


def _service(council: Council, name: str) -> Service:
    return Service.objects.get(council=council, name=name)


def _slot(channels: list[Channel], *, after_days: int, weekday: int | None = None) -> dt.datetime:
    """The first posting slot of these channels at least ``after_days`` from now (on ``weekday`` if given)."""
    earliest = timezone.now() + dt.timedelta(days=after_days)
    for moment in slots_upcoming(channels=channels, count=60):
        if moment >= earliest and (weekday is None or timezone.localtime(moment).weekday() == weekday):
            return moment
    raise ValueError(f"No posting slot {after_days} or more days ahead for {[c.name for c in channels]}")


def _days_ago(days: int, at: dt.time) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, at))


def demo_history_record(
    *, post: Post, approver: User, at: dt.datetime, outcomes: Mapping[Channel, tuple[str, str]]
) -> Post:
    """Demo history only: record a new draft as approved and sent at ``at``, with each channel's outcome.

    ``outcomes`` maps each of the post's channels to (status, message): published, failed or
    unconfirmed. No platform is called and no publishing attempt is invented: the targets carry
    the outcome, and the audit trail records that the demo loader wrote it (``demo.history_recorded``).
    Only the demo loader may call this; real posts reach these states through dispatch.
    """
    allowed = {PostTarget.Status.PUBLISHED, PostTarget.Status.FAILED, PostTarget.Status.UNCONFIRMED}
    if any(status not in allowed for status, _ in outcomes.values()):
        raise ValueError("Demo history records only published, failed or unconfirmed outcomes.")
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.APPROVED,
            scheduled_for=at,
            submitted_at=at - dt.timedelta(days=1),
            approved_by=approver,
            approved_at=at - dt.timedelta(hours=20),
            created_at=at - dt.timedelta(days=2),
            updated_at=at,
        )
        post.refresh_from_db()
        Post.objects.filter(pk=post.pk).update(findings=[f.as_dict() for f in post_check(post=post).findings])
        for channel, (status, message) in outcomes.items():
            PostTarget.objects.filter(post=post, channel=channel).update(
                status=status,
                due_at=at,
                last_error=message,
                updated_at=at,
                published_at=at if status == PostTarget.Status.PUBLISHED else None,
            )
        audit_record(
            actor=None,
            council=post.council,
            action="demo.history_recorded",
            obj=post,
            after={
                "approved_by": approver.email,
                "sent_at": at,
                "channels": {c.name: status for c, (status, _) in outcomes.items()},
            },
            reason=HISTORY_NOTE,
        )
    return post


# --- Riverside ------------------------------------------------------------------------------------


def _riverside_slots(council: Council, comms: User) -> None:
    corporate = [
        "Riverside Council",
        "Riverside Council on X",
        "Riverside Council on Bluesky",
        "Riverside on Mastodon",
        "Riverside Council Instagram",
    ]
    for name in corporate:
        channel = _channel(council, name)
        slots_add(actor=comms, channel=channel, weekdays=WEEKDAYS, time=dt.time(9, 0))
        slots_add(actor=comms, channel=channel, weekdays=WEEKDAYS, time=dt.time(12, 30))
        slots_add(actor=comms, channel=channel, weekdays=[5], time=dt.time(10, 0))
    for name in ("Riverside Waste and Recycling", "Riverside Bins on Bluesky"):
        channel = _channel(council, name)
        slots_add(actor=comms, channel=channel, weekdays=WEEKDAYS, time=dt.time(9, 0))
        slots_add(actor=comms, channel=channel, weekdays=WEEKDAYS, time=dt.time(16, 30))


def _officer_posts(council: Council, officer: User, comms: User) -> None:
    waste = [_channel(council, "Riverside Waste and Recycling"), _channel(council, "Riverside Bins on Bluesky")]
    service = _service(council, "Waste and Recycling")

    def draft(text: str, channels: list[Channel], when: dt.datetime | None, link: str = "") -> Post:
        return post_create_draft(
            author=officer,
            council=council,
            text=text,
            channels=channels,
            scheduled_for=when,
            link=link,
            service=service,
        )

    # Monday 10:00 in the scenarios: the calendar image has no alt text yet, and #binday needs CamelCase.
    christmas = draft(
        "Christmas collection days change: most bins will be collected one or two days later over "
        "Christmas and New Year. Check your new collection day on our calendar. #binday",
        waste,
        _slot(waste, after_days=2, weekday=FRIDAY),
        link="https://www.riverside.example/bins/christmas",
    )
    post_add_image(
        actor=officer, post=christmas, content=pictures.collection_calendar(), filename="christmas-collections.png"
    )

    missed = draft(
        "Missed your bin? Report it online by 5pm the day after your collection day and we will come "
        "back for it. #binday",
        waste[:1],
        _slot(waste[:1], after_days=1),
        link="https://www.riverside.example/bins/missed",
    )
    post_submit(actor=officer, post=missed)
    bulky = draft(
        "Bulky waste: book a collection online and we will take up to three large items, such as a sofa "
        "or a fridge, from outside your home.",
        waste,
        _slot(waste, after_days=2),
        link="https://www.riverside.example/bins/bulky",
    )
    post_submit(actor=officer, post=bulky)

    recycling_map = draft(
        "Our new recycling map shows every bottle bank and clothes bank in the district.",
        waste[:1],
        _slot(waste[:1], after_days=3),
        link="https://www.riverside.example/recycling",
    )
    post_add_image(
        actor=officer,
        post=recycling_map,
        content=pictures.recycling_map(),
        filename="recycling-map.png",
        alt_text="Map",
    )
    post_submit(actor=officer, post=recycling_map)
    post_reject(
        actor=comms,
        post=recycling_map,
        reason="Please add alt text that describes the map: which sites it shows and where they are.",
    )

    for text, after, link in (
        (
            "Food waste caddies: if yours is broken or lost, order a new one online at no charge.",
            3,
            "https://www.riverside.example/bins/caddies",
        ),
        (
            "Recycling tip: rinse tins and bottles and leave the lids on. Clean recycling keeps collections on time.",
            9,
            "",
        ),
    ):
        approved = draft(text, waste, _slot(waste, after_days=after), link=link)
        post_submit(actor=officer, post=approved)
        post_approve(actor=comms, post=approved, acknowledge_warnings=True)

    # A campaign that needs two approvers: the first has approved, a second is awaited.
    campaign = campaign_create(actor=comms, council=council, name="Collection day changes", second_approval=True)
    second = post_create_draft(
        author=officer,
        council=council,
        campaign=campaign,
        service=service,
        channels=waste,
        scheduled_for=_slot(waste, after_days=6),
        text="Bank holiday Monday: we collect bins as normal, and the rest of the week is unchanged.",
    )
    post_submit(actor=officer, post=second)
    post_approve(actor=comms, post=second, acknowledge_warnings=True)

    withdrawn = draft("Garden waste collections start again next week.", waste, _slot(waste, after_days=4))
    post_cancel(actor=officer, post=withdrawn, reason="The main council account is posting this instead.")

    for days, at, text, outcomes in (
        (
            6,
            dt.time(9, 0),
            "Riverside Household Recycling Centre is open from 8am to 6pm, seven days a week.",
            {waste[0]: (PostTarget.Status.PUBLISHED, ""), waste[1]: (PostTarget.Status.PUBLISHED, "")},
        ),
        (
            2,
            dt.time(16, 30),
            "Reminder: put your bins out by 7am on your collection day.",
            {waste[0]: (PostTarget.Status.PUBLISHED, "")},
        ),
    ):
        sent = draft(text, list(outcomes), None)
        demo_history_record(post=sent, approver=comms, at=_days_ago(days, at), outcomes=outcomes)


def _comms_posts(council: Council, comms: User) -> None:
    facebook, x = _channel(council, "Riverside Council"), _channel(council, "Riverside Council on X")
    bluesky, instagram = (
        _channel(council, "Riverside Council on Bluesky"),
        _channel(council, "Riverside Council Instagram"),
    )
    nextdoor = _channel(council, "Riverside Council on Nextdoor")
    corporate = [facebook, bluesky]

    for after, text in (
        (
            1,
            "What's on at Riverside libraries this week: rhyme time on Tuesday morning, the reading group on "
            "Thursday evening and the book swap on Saturday.",
        ),
        (
            8,
            "What's on at Riverside libraries next week: a family history drop-in on Wednesday and the craft "
            "club on Saturday morning.",
        ),
    ):
        weekly = post_create_draft(
            author=comms,
            council=council,
            text=text,
            channels=corporate,
            scheduled_for=_slot(corporate, after_days=after),
            link="https://www.riverside.example/libraries/whats-on",
            service=_service(council, "Libraries"),
        )
        post_submit(actor=comms, post=weekly, acknowledge_warnings=True)

    # Blocked by the pre-election rules: it names and quotes the Leader about the by-election's ward.
    post_create_draft(
        author=comms,
        council=council,
        channels=[facebook, x],
        scheduled_for=_slot([facebook, x], after_days=4),
        text=f"The Leader of the Council, {data.LEADER}, said: “The new Mill recycling centre "
        "opens on Monday, as we promised residents.”",
    )

    # The same day, a flood warning goes out under the emergency override, with its reason recorded.
    soon = timezone.now() + dt.timedelta(hours=1)
    flood = post_create_draft(
        author=comms,
        council=council,
        channels=[facebook, x, nextdoor],
        scheduled_for=soon.replace(minute=soon.minute - soon.minute % 15, second=0, microsecond=0)
        + dt.timedelta(minutes=15),
        service=_service(council, "Emergency Planning"),
        link="https://www.riverside.example/floods",
        text="Flood warning for the River Wend at Mill Lane and Weir Street. Move valuables upstairs and collect "
        "sandbags from Riverside Depot on Station Road. Cllr Dev Mistry, Cabinet Member for Emergency "
        "Planning, has opened a rest centre at Riverside Leisure Centre.",
    )
    post_submit(actor=comms, post=flood, override_reason=FLOOD_REASON, acknowledge_warnings=True)

    for days, at, text, outcomes in (
        (
            9,
            dt.time(12, 30),
            "Every Riverside library has free Wi-Fi and computers you can book for an hour at a time.",
            {facebook: (PostTarget.Status.PUBLISHED, "")},
        ),
        (
            3,
            dt.time(12, 30),
            "Adult swimming lessons start next month at Riverside Leisure Centre. Book at reception or online.",
            {
                facebook: (PostTarget.Status.PUBLISHED, ""),
                x: (PostTarget.Status.PUBLISHED, ""),
                instagram: (PostTarget.Status.FAILED, NEEDS_RECONNECTING),
            },
        ),
        (
            1,
            dt.time(9, 0),
            "Pay your council tax by Direct Debit and spread the cost over 12 months instead of 10.",
            {
                facebook: (PostTarget.Status.PUBLISHED, ""),
                x: (PostTarget.Status.PUBLISHED, ""),
                bluesky: (PostTarget.Status.UNCONFIRMED, NO_ANSWER),
            },
        ),
    ):
        sent = post_create_draft(author=comms, council=council, text=text, channels=list(outcomes), scheduled_for=None)
        demo_history_record(post=sent, approver=comms, at=_days_ago(days, at), outcomes=outcomes)
    _demo_account_check(PostTarget.objects.get(post__council=council, status=PostTarget.Status.UNCONFIRMED))


def _demo_account_check(target: PostTarget) -> None:
    """What the unconfirmed-post check found on the account: the post not there after the safe interval."""
    at = target.due_at or timezone.now()
    AccountCheck.objects.create(
        target=target,
        checked_at=at + dt.timedelta(minutes=12),
        outcome=AccountCheck.Outcome.ABSENT,
        window_from=at - dt.timedelta(minutes=2),
        window_to=at + dt.timedelta(minutes=12),
        posts_read=0,
        message="Not on the account: it shows no posts since then. It can be sent again.",
    )


# --- Hillcrest ------------------------------------------------------------------------------------


def _hillcrest_posts(council: Council, comms: User) -> None:
    officer = _person("officer@hillcrest.example")
    leisure, facebook = _channel(council, "Hillcrest Leisure"), _channel(council, "Hillcrest Council")
    slots_add(actor=comms, channel=facebook, weekdays=WEEKDAYS, time=dt.time(10, 0))
    slots_add(actor=comms, channel=leisure, weekdays=[0, 2, 4], time=dt.time(17, 0))
    service = _service(council, "Leisure")

    draft = post_create_draft(
        author=officer,
        council=council,
        channels=[leisure],
        service=service,
        scheduled_for=_slot([leisure], after_days=5),
        text="Half-term at Hillcrest Leisure: family swim sessions every afternoon and a climbing taster on "
        "Wednesday. Book online.",
    )
    post_add_image(
        actor=officer,
        post=draft,
        content=pictures.collection_calendar(),
        filename="half-term.png",
        alt_text="Timetable of the half-term family swim sessions",
    )
    waiting = post_create_draft(
        author=officer,
        council=council,
        channels=[leisure],
        service=service,
        scheduled_for=_slot([leisure], after_days=2),
        text="Hillcrest Leisure gym has new opening hours from Monday: 6am to 10pm on weekdays.",
    )
    post_add_image(
        actor=officer,
        post=waiting,
        content=pictures.collection_calendar(),
        filename="gym-hours.png",
        alt_text="The gym's new opening hours for each day of the week",
    )
    post_submit(actor=officer, post=waiting)

    planning = post_create_draft(
        author=comms,
        council=council,
        channels=[facebook],
        service=_service(council, "Planning"),
        scheduled_for=_slot([facebook], after_days=3),
        link="https://www.hillcrest.example/planning/search",
        text="Search planning applications near you and see the plans and decisions online.",
    )
    post_submit(actor=comms, post=planning, acknowledge_warnings=True)


def publishing_demo_load(councils: dict[str, Council]) -> None:
    """Posting slots and posts at both councils (the by-election, if recorded, is checked on each)."""
    comms, officer = _person("comms@riverside.example"), _person("officer@riverside.example")
    riverside = councils["riverside"]
    _riverside_slots(riverside, comms)
    _officer_posts(riverside, officer, comms)
    _comms_posts(riverside, comms)
    _hillcrest_posts(councils["hillcrest"], comms)

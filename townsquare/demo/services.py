"""Load the demo councils through the same services staff use, so the audit trail shows it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.archive.demo import archive_demo_load
from townsquare.channels.forms import ChannelForm
from townsquare.channels.models import Channel
from townsquare.channels.services import channel_save_form
from townsquare.classify.demo import classify_demo_load
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant, service_get_or_create
from townsquare.demo import data
from townsquare.demo.governance import governance_demo_load
from townsquare.demo.inbox import inbox_demo_load
from townsquare.demo.learning import learning_demo_load
from townsquare.demo.measures import measures_demo_load
from townsquare.demo.policy import policy_demo_load
from townsquare.demo.publishing import publishing_demo_load
from townsquare.disclosure.demo import disclosure_demo_load
from townsquare.inbox.sla_demo import sla_demo_load
from townsquare.listening.demo import listening_demo_load
from townsquare.meetings.demo import meetings_demo_load
from townsquare.partners.demo import partners_demo_load


def _days_ago(days: int | None) -> str:
    return "" if days is None else (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def demo_load() -> bool:
    """Create the demo councils, people and channels; False (changing nothing) if already there."""
    if Council.objects.filter(slug__in=[c["slug"] for c in data.COUNCILS]).exists():
        return False
    with transaction.atomic():
        councils = {c["slug"]: Council.objects.create(**c) for c in data.COUNCILS}
        people: dict[str, User] = {}
        for email, name, title, _ in data.PEOPLE:
            people[email] = User.objects.create_user(email, data.PASSWORD, full_name=name, job_title=title)
        admin = people["admin@riverside.example"]
        for email, _, _, roles in data.PEOPLE:
            for slug, role_list in roles.items():
                for role in role_list:
                    membership_grant(actor=admin, council=councils[slug], user=people[email], role=role)
        for slug, names in data.SERVICES.items():
            for name in names:
                service_get_or_create(actor=admin, council=councils[slug], name=name)
        for slug, rows in data.CHANNELS.items():
            council = councils[slug]
            services = {s.name: s.pk for s in council.services.all()}
            for (
                platform,
                name,
                handle,
                url,
                service,
                owner,
                deputy,
                access,
                branding,
                two_factor,
                status,
                last_post,
                assignees,
            ) in rows:
                last = timezone.localtime() - dt.timedelta(days=last_post, hours=3)
                form = ChannelForm(
                    data={
                        "platform": platform,
                        "name": name,
                        "handle": handle,
                        "url": url,
                        "service": services[service],
                        "owner": people[owner].pk if owner else "",
                        "deputy": people[deputy].pk if deputy else "",
                        "digital_access_confirmed_on": _days_ago(access),
                        "branding_checked_on": _days_ago(branding),
                        "platform_two_factor": {True: "true", False: "false", None: "unknown"}[two_factor],
                        "status": status,
                        "last_post_at": last.strftime("%Y-%m-%d %H:%M"),
                        "assignees": [people[a].pk for a in assignees],
                        "notes": "",
                    },
                    council=council,
                )
                if not form.is_valid():
                    raise ValueError(f"Demo channel {name}: {form.errors.as_text()}")
                channel = channel_save_form(actor=admin, form=form)
                # The demo's one broken connection, as a comms officer meets it on a Monday morning.
                if name == "Riverside Council Instagram":
                    Channel.objects.filter(pk=channel.pk).update(connection_state=Channel.Connection.NEEDS_RECONNECTING)
        meetings_demo_load(councils["riverside"])  # meetings, their promotional drafts and a live stream
        # The by-election first: the posts below are checked against its pre-election rules.
        policy_demo_load(councils["riverside"])
        governance_demo_load(councils)  # policies, action plans, training, breaches
        learning_demo_load(councils["riverside"])  # the staff and councillors' e-learning modules
        publishing_demo_load(councils)  # posts in every state, on posting slots
        classify_demo_load(councils["riverside"], admin)  # routing words and examples for the classifier
        partners_demo_load(councils)  # messages to both councils, account reviews
        listening_demo_load(councils["riverside"], admin)  # listening queries and messages to try them on
        inbox_demo_load(councils["riverside"])  # a few hundred past inbox items, routed and worked
        sla_demo_load(councils["riverside"])  # working hours, service levels, on-call rota, clocks of those items
        measures_demo_load(councils, admin, people.get("councillor@riverside.example"))  # five years of figures
        archive_demo_load(
            councils["riverside"], admin
        )  # all of the above archived; leisure centre posts edited and deleted
        disclosure_demo_load(councils["riverside"], admin)  # an FOI request with its hold and redactions; a SAR
    return True

"""Demo governance registers: Riverside's policies, action plans, strategy timetable, training and
breach register, and Hillcrest's smaller policy.

Everything goes through the governance forms and services staff use, so each entry is validated and
audited as it would be from the pages. The action plans and the strategy timetable are imported from
the committee papers in ``data/`` (see its README). Dates are relative to today where the story needs
it: one policy review falls due within the month (its owner is reminded), the Members' policy has a
new version waiting for the councillor, and the councillor's annual training is due next month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.forms import model_to_dict
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.demo import data
from townsquare.demo.governance_training import demo_person, demo_saved, riverside_training
from townsquare.governance import forms as f
from townsquare.governance.importing import parse_action_table
from townsquare.governance.models import (
    ActionPlan,
    ActionStatus,
    Audience,
    Breach,
    Policy,
    PolicyVersion,
    Recommendation,
)
from townsquare.governance.policy_services import (
    policies_remind_reviews,
    policy_acknowledge,
    policy_mark_reviewed,
    policy_version_publish,
)
from townsquare.governance.services import (
    action_plan_import,
    breach_save_form,
    governance_settings_update,
    progress_update_add,
)

# The Cabinet met before the first live-streaming trial it set for Council on 24 January 2018.
CABINET_RESPONSE_MEETING = dt.date(2017, 12, 13)
POLICY_COMMITTEE_APPROVAL = dt.date(2015, 11, 25)
CABINET_MEMBER_APPROVAL = dt.date(2012, 2, 21)  # the minutes' own date


def _policy(council: Council, actor: User, **fields: Any) -> Policy:
    values = {"review_interval_months": 12, "audience": Audience.EVERYONE, "retired": False, **fields}
    if isinstance(values.get("owner"), User):
        values["owner"] = values["owner"].pk
    if isinstance(values.get("next_review_on"), dt.date):
        values["next_review_on"] = values["next_review_on"].isoformat()
    policy: Policy = demo_saved(
        f.PolicyForm(data=values, council=council), actor=actor, council=council, action="policy"
    )
    return policy


# --- Riverside ------------------------------------------------------------------------------------


def _riverside_policies(council: Council, today: dt.date) -> dict[str, Policy]:
    admin, comms = demo_person("admin@riverside.example"), demo_person("comms@riverside.example")
    councillor = demo_person("councillor@riverside.example")

    main = _policy(council, comms, title="Social Media Policy", kind=Policy.Kind.SOCIAL_MEDIA_POLICY, owner=comms)
    policy_version_publish(
        actor=comms,
        policy=main,
        number="1.0",
        approved_by="Policy Committee",
        approved_on=POLICY_COMMITTEE_APPROVAL,
        summary="New policy: social media activity that is safe, appropriate, purposeful and legal. Social and "
        "streaming media open by default from devices on the council's network.",
        sections=[
            (
                "For everyone",
                Audience.EVERYONE,
                "Use the council's corporate accounts only for council business, through the publishing "
                "process, and never share a login. Report anything that goes wrong to the communications "
                "team the same day.",
            )
        ],
    )
    # Last year's annual review: approved just under a year ago, so the next review falls due
    # within the month and its owner is reminded.
    current = policy_version_publish(
        actor=comms,
        policy=main,
        number="1.1",
        approved_by="Policy Committee",
        approved_on=today - relativedelta(years=1) + dt.timedelta(days=18),
        summary="Annual review after the Social Media Task Group: reviewed with the emphasis on guidance for "
        "officers' use, and a separate section dedicated to guidance for Members' use, written with "
        "the Task Group's members (Cabinet response, recommendation 3).",
        sections=[
            (
                "For everyone",
                Audience.EVERYONE,
                "Social media activity on the council's behalf must be safe, appropriate, purposeful and legal. "
                "Corporate accounts are listed in the channel register, each with an owner and a deputy.",
            ),
            (
                "Guidance for officers",
                Audience.OFFICERS,
                "Draft posts in Townsquare for the channels assigned to you; a communications officer approves "
                "them. Give every image alt text, write hashtags in CamelCase, and keep residents' personal "
                "details out of public replies.",
            ),
            (
                "Guidance for Members",
                Audience.MEMBERS,
                "When you post as a councillor, say so in your profile. The Members' Code of Conduct applies to "
                "what you post, and the council's accounts do not share party-political content.",
            ),
        ],
    )
    for person in (comms, councillor):  # the administrator and the service officer have not, yet
        policy_acknowledge(actor=person, version=current)

    members = _policy(
        council,
        admin,
        title="Members' Social Media Policy",
        kind=Policy.Kind.MEMBERS_POLICY,
        audience=Audience.MEMBERS,
        owner=admin,
    )
    first = policy_version_publish(
        actor=admin,
        policy=members,
        number="1.0",
        approved_by="Council",
        approved_on=today - relativedelta(years=2, months=1),
        summary="A policy written for Members: the principles to follow on social media, where conflicts can "
        "arise, when use may be monitored and the action that may follow a breach.",
        sections=[
            (
                "Guidance for Members",
                Audience.MEMBERS,
                "Use social media with confidence to talk with residents. Keep your council and personal "
                "accounts apart, and remember that the Code of Conduct applies whenever you act as a "
                "councillor.",
            )
        ],
    )
    policy_acknowledge(actor=councillor, version=first)
    policy_version_publish(
        actor=admin,
        policy=members,
        number="1.1",
        approved_by="Constitution and Members' Development Committee",
        approved_on=today - dt.timedelta(days=9),
        summary="Adds the principles of proper behaviour on social media from the revised Members' Code of "
        "Conduct, and makes the annual social media session mandatory (Ad Hoc Scrutiny Panel, "
        "recommendations 2 and 3).",
        sections=[
            (
                "Guidance for Members",
                Audience.MEMBERS,
                "Social media training is mandatory every year. Treat others with respect online as "
                "offline; do not share confidential information; and during a pre-election period, "
                "keep campaigning to your own accounts, never the council's.",
            )
        ],
    )

    strategy = _policy(
        council,
        comms,
        title="Social Media Strategy",
        kind=Policy.Kind.STRATEGY,
        owner=comms,
        next_review_on=today + relativedelta(months=5),
    )
    return {"main": main, "members": members, "strategy": strategy}


def _riverside_plans(council: Council, strategy: Policy, today: dt.date) -> None:
    comms = demo_person("comms@riverside.example")

    cabinet_text = (data.PAPERS / "cabinet_response_task_group.txt").read_text(encoding="utf-8")
    table = parse_action_table(cabinet_text, start=CABINET_RESPONSE_MEETING)
    plan = action_plan_import(
        actor=comms,
        council=council,
        table=table,
        title=table.title,
        source_body="Social Media Task Group",
        meeting_on=CABINET_RESPONSE_MEETING,
    )
    assert isinstance(plan, ActionPlan)
    progress = {
        "1": (
            ActionStatus.COMPLETE,
            "Every Council, Cabinet and committee meeting is promoted on the corporate "
            "accounts a week before and on the day.",
            None,
        ),
        "2": (
            ActionStatus.COMPLETE,
            "Trial held at Council on 24 January 2018; items are now streamed when the Portfolio Holder agrees.",
            None,
        ),
        "3": (
            ActionStatus.COMPLETE,
            "Social Media Policy version 1.1 approved by Policy Committee, with sections for officers and for Members.",
            None,
        ),
        "4": (
            ActionStatus.DELAYED,
            "The Measures Dashboard area on access to the council's accounts is being "
            "built; a draft goes to the Task Group's members first.",
            today + relativedelta(months=2),
        ),
        "5": (ActionStatus.COMPLETE, "Workshop included in the Members' Induction Programme.", None),
    }
    _progress(plan, progress, comms, today)

    scrutiny_text = (data.PAPERS / "scrutiny_action_plan.txt").read_text(encoding="utf-8")
    table = parse_action_table(scrutiny_text)
    # The report's heading is in capitals; the import page lets staff give the plan its own title.
    plan = action_plan_import(
        actor=comms,
        council=council,
        table=table,
        title="Ad Hoc Scrutiny Panel on Members' Communications: action plan",
        source_body="Ad Hoc Scrutiny Panel",
        meeting_on=table.meeting_on,
    )
    assert isinstance(plan, ActionPlan)
    _progress(
        plan,
        {
            "2": (
                ActionStatus.COMPLETE,
                "The Constitution and Members' Development Committee made the training "
                "mandatory every year; see the training register.",
                None,
            ),
            "4": (
                ActionStatus.IN_PROGRESS,
                "Framework drafted with Democratic Services; it will be the basis of this year's annual session.",
                None,
            ),
        },
        comms,
        today,
    )

    strategy_text = (data.PAPERS / "strategy_update_policy_committee.txt").read_text(encoding="utf-8")
    timetable = action_plan_import(
        actor=comms, council=council, table=parse_action_table(strategy_text), title="", strategy=strategy
    )
    assert isinstance(timetable, list)
    # The report's two unfinished phases, as a later update to Policy Committee recorded them.
    for phase in timetable:
        if phase.status != ActionStatus.COMPLETE:
            values = {
                **model_to_dict(phase),
                "status": ActionStatus.COMPLETE,
                "delayed_until": None,
                "status_note": "Complete: rolled out to all services in May 2016",
            }
            form = f.StrategyPhaseForm(
                data={k: "" if v is None else v for k, v in values.items()}, instance=phase, council=council
            )
            demo_saved(form, actor=comms, council=council, action="strategy_phase")


def _progress(
    plan: ActionPlan, updates: Mapping[str, tuple[str, str, dt.date | None]], actor: User, today: dt.date
) -> None:
    for number, (status, text, delayed_until) in updates.items():
        recommendation = Recommendation.objects.get(plan=plan, number=number)
        progress_update_add(
            actor=actor,
            recommendation=recommendation,
            on=today - dt.timedelta(days=20),
            text=text,
            status=status,
            delayed_until=delayed_until,
        )


def _riverside_breach(council: Council, today: dt.date) -> Breach:
    admin = demo_person("admin@riverside.example")
    governance_settings_update(actor=admin, council=council, changes={"monitoring_officer": admin})
    form = f.BreachForm(
        data={
            "against": Breach.Against.CODE,
            "subject_name": "A Mill ward councillor (personal X account)",
            "what": "A resident complained that a councillor's post on their personal account showed the resident's "
            "car and house number, with a comment about a parking dispute.",
            "evidence_url": "",
            "evidence_type": "post",
            "evidence_id": "",
            "category": Breach.Category.CODE_OF_CONDUCT,
            "severity": Breach.Severity.MEDIUM,
            "reported_by": "Member of the public",
            "reported_on": (today - dt.timedelta(days=12)).isoformat(),
            "status": Breach.Status.INVESTIGATING,
            "action_taken": "The monitoring officer asked the councillor to remove the post, which they did the same "
            "day, and to repeat the annual social media training.",
            "outcome": "",
        },
        council=council,
    )
    if not form.is_valid():
        raise ValueError(f"Demo breach: {form.errors.as_text()}")
    return breach_save_form(actor=admin, form=form)


# --- Hillcrest ------------------------------------------------------------------------------------


def _hillcrest(council: Council, today: dt.date) -> Policy:
    comms = demo_person("comms@riverside.example")
    policy = _policy(
        council,
        comms,
        title="Social Media Policy and Guidance",
        kind=Policy.Kind.SOCIAL_MEDIA_POLICY,
        owner=comms,
        review_interval_months=6,
    )
    version: PolicyVersion = policy_version_publish(
        actor=comms,
        policy=policy,
        number="1.0",
        approved_by="Corporate and Community Services Cabinet Member",
        approved_on=CABINET_MEMBER_APPROVAL,
        summary="Approved and adopted, subject to continuous review, and to be combined with the Internet, Email "
        "and Mobile Phone policies into a single Digital Policy.",
        sections=[
            (
                "For everyone",
                Audience.EVERYONE,
                "What social media can do for the council, conduct and personal use of social media, and how "
                "to get started with a corporate account.",
            )
        ],
    )
    for email in ("comms@riverside.example", "officer@hillcrest.example"):
        policy_acknowledge(actor=demo_person(email), version=version)
    policy_mark_reviewed(
        actor=comms,
        policy=policy,
        reviewed_on=today - relativedelta(months=4),
        note="Six-monthly review: still fit for purpose.",
    )
    return policy


def governance_demo_load(councils: dict[str, Council]) -> None:
    """Riverside's registers and Hillcrest's policy; then the review reminders the scheduler would send."""
    today = timezone.localdate()
    riverside = councils["riverside"]
    policies = _riverside_policies(riverside, today)
    _riverside_plans(riverside, policies["strategy"], today)
    riverside_training(riverside, today)
    _riverside_breach(riverside, today)
    _hillcrest(councils["hillcrest"], today)
    for council in councils.values():
        policies_remind_reviews(council=council, today=today)

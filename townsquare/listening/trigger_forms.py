from __future__ import annotations

from typing import Any

from django import forms

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.classify.categories import CATEGORIES
from townsquare.classify.models import SENTIMENTS
from townsquare.councils.models import Council, Service
from townsquare.listening.models import ItemPriority, ListeningQuery, Trigger
from townsquare.listening.trigger_services import WORKING_ROLES


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "Choose"), *choices]


class TriggerForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example, Missed bins to the waste team")
    when = forms.ChoiceField(label="Act when a new message", choices=Trigger.When.choices, widget=forms.RadioSelect)
    query = forms.ModelChoiceField(queryset=ListeningQuery.objects.none(), required=False, label="Listening query")
    category = forms.ChoiceField(
        choices=_blank([(c, c.replace("_", " ").capitalize()) for c in CATEGORIES]), required=False
    )
    sentiment = forms.ChoiceField(choices=_blank([(s, s.capitalize()) for s in SENTIMENTS]), required=False)
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), required=False, label="Account")
    action = forms.ChoiceField(label="Then", choices=Trigger.Action.choices, widget=forms.RadioSelect)
    tag = forms.CharField(max_length=50, required=False, help_text="With “Tag it”")
    person = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="With “Assign it to a person”"
    )
    team = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, help_text="With “Assign it to a team”"
    )
    priority = forms.ChoiceField(
        choices=_blank(list(ItemPriority.Level.choices)), required=False, help_text="With “Set its priority”"
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["query"].queryset = ListeningQuery.objects.filter(council=council)
        fields["channel"].queryset = Channel.objects.filter(council=council).order_by("platform", "name")
        fields["person"].queryset = (
            User.objects.filter(memberships__council=council, memberships__role__in=WORKING_ROLES)
            .distinct()
            .order_by("full_name", "pk")
        )
        fields["person"].label_from_instance = lambda u: u.full_name or u.email
        fields["team"].queryset = Service.objects.filter(council=council).order_by("name")

    def trigger_fields(self) -> dict[str, Any]:
        """What the service is given: the subject of the chosen condition and the object of the chosen action."""
        d = self.cleaned_data
        when, action = d["when"], d["action"]
        return {
            "name": d["name"],
            "when": when,
            "query": d["query"] if when == Trigger.When.QUERY else None,
            "value": d.get(when, "") if when in (Trigger.When.CATEGORY, Trigger.When.SENTIMENT) else "",
            "channel": d["channel"] if when == Trigger.When.CHANNEL else None,
            "action": action,
            "tag": d["tag"] if action == Trigger.Action.TAG else "",
            "person": d["person"] if action == Trigger.Action.ASSIGN_PERSON else None,
            "team": d["team"] if action == Trigger.Action.ASSIGN_TEAM else None,
            "priority": d["priority"] if action == Trigger.Action.PRIORITY else "",
        }

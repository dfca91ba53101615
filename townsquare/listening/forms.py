from __future__ import annotations

from typing import Any

from django import forms

from townsquare.channels.models import Channel, Platform
from townsquare.councils.models import Council
from townsquare.listening.models import MAX_QUERY_LENGTH, ListeningQuery
from townsquare.listening.query import Node, QuerySyntaxError, parse

SENSITIVITIES = [
    ("2.0", "Sensitive: alert on a smaller rise"),
    ("3.0", "Usual"),
    ("4.5", "Only a large rise"),
]
QUERY_HINT = (
    'Words match whole words in any case. Use "quoted phrases", recycl* (3 letters or more before *), '
    "#hashtags, @handles, AND, OR, NOT (in capitals), brackets, and bin NEAR/3 missed."
)


class ListeningQueryForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="How the team refers to it, for example Missed bins")
    query = forms.CharField(
        max_length=MAX_QUERY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=QUERY_HINT,
    )
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only messages on these platforms. None chosen means all.",
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Accounts",
        help_text="Only messages to these accounts. None chosen means all.",
    )
    active = forms.BooleanField(required=False, initial=True, label="Active: match incoming messages")
    sensitivity = forms.TypedChoiceField(
        label="Spike alerts",
        choices=SENSITIVITIES,
        coerce=float,
        required=False,
        empty_value="3.0",
        initial="3.0",
        help_text="An alert when an hour's volume is well above its usual level for the time of day.",
    )

    def __init__(self, *args: Any, council: Council, instance: ListeningQuery | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "query": instance.query,
                "platforms": instance.platforms,
                "channels": list(instance.channels.all()),
                "active": instance.active,
                "sensitivity": str(instance.sensitivity),
            }
        super().__init__(*args, **kwargs)
        self.council, self.instance = council, instance
        self.fields["channels"].queryset = Channel.objects.filter(council=council).order_by("platform", "name")  # type: ignore[attr-defined]
        self.tree: Node | None = None

    def clean_query(self) -> str:
        text: str = self.cleaned_data["query"]
        try:
            self.tree = parse(text)
        except QuerySyntaxError as exc:
            shown = text[exc.position : exc.position + 30]
            raise forms.ValidationError(f"{exc}, here: “{shown}”" if shown.strip() else str(exc)) from exc
        return text

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = ListeningQuery.objects.filter(council=self.council, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another listening query already has this name")
        return name

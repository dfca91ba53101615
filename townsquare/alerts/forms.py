"""The destinations page's form: it reads input; ``destination_add`` checks and stores it."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.accounts.models import User
from townsquare.alerts.models import Destination
from townsquare.councils.models import Council


class DestinationForm(forms.Form):
    kind = forms.ChoiceField(choices=Destination.Kind.choices, label="Where the alerts go", widget=forms.RadioSelect)
    name = forms.CharField(max_length=120, label="Name", help_text="For example, Duty officer or Comms team channel")
    email = forms.CharField(required=False, max_length=254, label="Email address (for email)")
    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Or a person (for email)",
        empty_label="Nobody: use the address",
    )
    url = forms.CharField(
        required=False,
        max_length=2000,
        label="Webhook address (for Teams or a webhook)",
        help_text="Starts with https://. Kept encrypted; only its server's name is shown.",
    )
    secret = forms.CharField(
        required=False,
        max_length=200,
        label="Shared secret (for a webhook)",
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 16 characters; the receiver checks each message's signature with it.",
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = User.objects.filter(memberships__council=council).distinct().order_by("full_name", "pk")

"""Forms for connecting a channel. Secrets are never rendered back into a page."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.net.fetch import AddressRefused, address_check


def _server_address(value: str) -> str:
    """A server a secret is sent to: https on a public host only (townsquare.net.fetch)."""
    try:
        return address_check(value)
    except AddressRefused as exc:
        raise forms.ValidationError(exc.message) from exc


class SecretForm(forms.Form):
    """Handle + app password (Bluesky) or server + access token (Mastodon)."""

    identifier = forms.CharField(max_length=300)
    secret = forms.CharField(
        max_length=2000, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
    )
    base_url = forms.URLField(max_length=300, required=False, assume_scheme="https")

    def __init__(
        self, *args: Any, auth_method: str, needs_base_url: bool, default_base_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.needs_base_url = needs_base_url
        self.default_base_url = default_base_url
        if auth_method == "app_password":
            self.fields["identifier"].label = "Handle"
            self.fields["identifier"].help_text = "For example riversidecouncil.bsky.social"
            self.fields["secret"].label = "App password"
            self.fields["secret"].help_text = (
                "Make one in the account's Settings, Privacy and security, App passwords. "
                "Do not use the account's main password."
            )
            self.fields["base_url"].label = "Server (optional)"
            self.fields["base_url"].help_text = f"Leave blank for {default_base_url}."
        else:
            self.fields["identifier"].label = "Server address"
            self.fields["identifier"].help_text = "For example https://mastodon.social"
            self.fields["secret"].label = "Access token"
            where = "Preferences, Development, New application"
            self.fields["secret"].help_text = f"Make one in the account's {where}, with the read and write scopes."
            del self.fields["base_url"]

    def clean_identifier(self) -> str:
        value = str(self.cleaned_data["identifier"]).strip()
        if self.needs_base_url:
            if "://" not in value:
                value = f"https://{value}"
            try:
                forms.URLField(assume_scheme="https").clean(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError("Enter the server's address, like https://mastodon.social") from exc
            value = _server_address(value)
        return value.rstrip("/")

    def clean_base_url(self) -> str:
        value = str(self.cleaned_data.get("base_url") or "").strip()
        if not value or value.rstrip("/") == self.default_base_url:
            return value.rstrip("/")
        return _server_address(value).rstrip("/")

    def clean_secret(self) -> str:
        return str(self.cleaned_data["secret"]).strip()


class ConfirmForm(forms.Form):
    """A disconnect needs nothing but a deliberate POST; the reason is kept in the audit trail."""

    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)", widget=forms.TextInput())

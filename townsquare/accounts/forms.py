from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    username = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account is switched off. Ask your council's administrator.",
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("Enter the 6 digits your app shows.")
        return code

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class VerifyForm(forms.Form):
    """The code after the password: from the authenticator app, or one of the person's recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Lost your phone? Enter one of your recovery codes instead.",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "class": "govuk-input--width-20", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code: str = "".join(ch for ch in self.cleaned_data["code"] if ch not in " -").lower()
        if code.isdigit() and len(code) == 6:
            return code
        if len(code) == 16 and code.isalnum() and code.isascii():
            return code
        raise forms.ValidationError("Enter the 6 digits your app shows, or a 16-character recovery code.")

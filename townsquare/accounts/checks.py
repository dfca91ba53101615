"""`manage.py check --deploy`: the demo secret key and missing credential or audit keys are errors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from townsquare.accounts.production import audit_keys_problem, encryption_keys_problem, secret_key_problem


@register(Tags.security, deploy=True)
def townsquare_secrets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if problem := secret_key_problem(settings.SECRET_KEY):
        errors.append(
            Error(problem, hint="A server must not use the demo settings (TOWNSQUARE_DEMO=1).", id="townsquare.E001")
        )
    if problem := encryption_keys_problem(settings.TOWNSQUARE_ENCRYPTION_KEYS):
        errors.append(
            Error(
                problem,
                hint="Without them, credentials would be encrypted with a key derived from "
                "SECRET_KEY (demo and tests only).",
                id="townsquare.E002",
            )
        )
    if problem := audit_keys_problem(settings.TOWNSQUARE_AUDIT_KEYS):
        errors.append(
            Error(
                problem,
                hint=(
                    "Without them, the audit trail is sealed with a key derived from SECRET_KEY (demo and tests only)."
                ),
                id="townsquare.E003",
            )
        )
    return errors

"""Settings a server must never run with: the public demo key, or no keys for secrets at rest or
for sealing the audit trail.

Plain functions, free of Django imports, so that ``settings.py`` can refuse to start with them
and the ``check --deploy`` checks (``townsquare.accounts.checks``) can report the same problems.
"""

from __future__ import annotations

# Public: it is in this repository. Used only in demo (TOWNSQUARE_DEMO=1) and tests (TESTING=1).
DEMO_SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"


def secret_key_problem(secret_key: str) -> str:
    if not secret_key:
        return "Set SECRET_KEY in the environment (50 or more random characters)."
    if secret_key == DEMO_SECRET_KEY:
        return "SECRET_KEY is the public demo key: set SECRET_KEY to 50 or more random characters of your own."
    return ""


def encryption_keys_problem(keys: list[str]) -> str:
    from cryptography.fernet import Fernet

    if not [k for k in keys if k.strip()]:
        return (
            "Set TOWNSQUARE_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first) to encrypt "
            "platform credentials at rest."
        )
    for key in keys:
        try:
            Fernet(key.strip().encode())
        except ValueError:
            return "TOWNSQUARE_ENCRYPTION_KEYS holds a value that is not a Fernet key."  # never echo the key
    return ""


def audit_keys_problem(keys: list[str]) -> str:
    listed = [k.strip() for k in keys if k.strip()]
    if not listed:
        return "Set TOWNSQUARE_AUDIT_KEYS (comma-separated secrets, newest first) to seal the audit trail."
    if any(len(k) < 32 for k in listed):
        return "TOWNSQUARE_AUDIT_KEYS holds a key shorter than 32 characters."  # never echo the key
    return ""


def production_problems(secret_key: str, encryption_keys: list[str], audit_keys: list[str]) -> list[str]:
    found = (secret_key_problem(secret_key), encryption_keys_problem(encryption_keys), audit_keys_problem(audit_keys))
    return [p for p in found if p]

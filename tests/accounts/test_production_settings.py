"""Demo settings never run a server: startup refuses them and `check --deploy` reports them (issue 9, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from townsquare.accounts.production import DEMO_SECRET_KEY

OWN_KEY = "k" * 20 + "production-secret-from-the-environment-0123456789"
AUDIT_KEY = "a" * 16 + "audit-seal-from-the-environment-0123"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "TESTING",
            "DEBUG",
            "SECRET_KEY",
            "TOWNSQUARE_DEMO",
            "TOWNSQUARE_ENCRYPTION_KEYS",
            "TOWNSQUARE_AUDIT_KEYS",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},  # nothing said about demo: a server, not a demo
        {"TOWNSQUARE_DEMO": "0"},
        {"DEBUG": "1"},  # debugging is not a demo either
    ],
    ids=["unset", "demo-off", "debug"],
)
def test_a_server_refuses_to_start_without_its_own_secret_key(env: dict[str, str]) -> None:
    result = _manage("check", **env, TOWNSQUARE_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr and "TOWNSQUARE_DEMO=1" in result.stderr


def test_a_server_refuses_the_public_demo_key() -> None:
    result = _manage("check", SECRET_KEY=DEMO_SECRET_KEY, TOWNSQUARE_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    assert result.returncode != 0 and "public demo key" in result.stderr


def test_a_server_refuses_to_start_without_encryption_keys_or_with_a_bad_one() -> None:
    missing = _manage("check", SECRET_KEY=OWN_KEY)
    assert missing.returncode != 0 and "Set TOWNSQUARE_ENCRYPTION_KEYS" in missing.stderr
    bad = _manage("check", SECRET_KEY=OWN_KEY, TOWNSQUARE_ENCRYPTION_KEYS="not-a-key-but-secret-looking")
    assert bad.returncode != 0 and "not a Fernet key" in bad.stderr
    assert "not-a-key-but-secret-looking" not in bad.stderr


def test_a_server_with_its_own_secrets_starts() -> None:
    result = _manage(
        "check",
        SECRET_KEY=OWN_KEY,
        TOWNSQUARE_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TOWNSQUARE_AUDIT_KEYS=AUDIT_KEY,
    )
    assert result.returncode == 0, result.stderr


def test_a_server_refuses_to_start_without_audit_keys_or_with_a_short_one() -> None:
    fernet = Fernet.generate_key().decode()
    missing = _manage("check", SECRET_KEY=OWN_KEY, TOWNSQUARE_ENCRYPTION_KEYS=fernet)
    assert missing.returncode != 0 and "Set TOWNSQUARE_AUDIT_KEYS" in missing.stderr
    short = _manage(
        "check", SECRET_KEY=OWN_KEY, TOWNSQUARE_ENCRYPTION_KEYS=fernet, TOWNSQUARE_AUDIT_KEYS="short-secret"
    )
    assert short.returncode != 0 and "shorter than 32" in short.stderr and "short-secret" not in short.stderr


def test_check_deploy_reports_the_demo_key_and_missing_encryption_keys() -> None:
    result = _manage("check", "--deploy", TOWNSQUARE_DEMO="1")
    assert result.returncode != 0
    assert "townsquare.E001" in result.stderr and "public demo key" in result.stderr
    assert "townsquare.E002" in result.stderr and "TOWNSQUARE_ENCRYPTION_KEYS" in result.stderr
    assert "townsquare.E003" in result.stderr and "TOWNSQUARE_AUDIT_KEYS" in result.stderr


def test_demo_and_tests_start_without_secrets() -> None:
    assert _manage("check", TOWNSQUARE_DEMO="1").returncode == 0
    assert _manage("check", TESTING="1").returncode == 0

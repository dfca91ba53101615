"""`manage.py check --deploy` is clean under production settings."""

from __future__ import annotations

import os
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG"}},
        "TOWNSQUARE_DEMO": "0",
        "SECRET_KEY": "k" * 20 + "production-secret-from-the-environment-0123456789",
        "ALLOWED_HOSTS": "social.riverside.gov.uk",
        "CSRF_TRUSTED_ORIGINS": "https://social.riverside.gov.uk",
        "TOWNSQUARE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "TOWNSQUARE_AUDIT_KEYS": "a" * 16 + "audit-seal-from-the-environment-0123",
        "BEHIND_PROXY": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG", "SECRET_KEY"}},
        "TOWNSQUARE_DEMO": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

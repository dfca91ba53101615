"""Credentials at rest: encrypted in the database column, rotatable, never readable in a repr."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from townsquare.connectors.base import AccountInfo, Credentials
from townsquare.connectors.crypto import CredentialsUnreadable, credentials_decrypt, credentials_encrypt
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connection_connect

SECRET = "app-password-abcd-efgh-ijkl"


def _raw_column(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT credentials_encrypted FROM connectors_connection WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_credentials_are_not_stored_in_plain_text(channel, people) -> None:
    made = connection_connect(
        actor=people.comms,
        channel=channel,
        credentials=Credentials({"password": SECRET}),
        account=AccountInfo(external_id="1", handle="riverside"),
    )
    raw = _raw_column(made.pk)
    assert SECRET not in raw and "password" not in raw
    assert credentials_decrypt(raw).data == {"password": SECRET}


def test_repr_never_shows_a_secret() -> None:
    assert SECRET not in repr(Credentials({"password": SECRET}))


def test_rotation_re_encrypts_with_the_newest_key(channel, people, settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOWNSQUARE_ENCRYPTION_KEYS = [old]
    made = connection_connect(
        actor=people.comms,
        channel=channel,
        credentials=Credentials({"token": SECRET}),
        account=AccountInfo(external_id="1", handle="riverside"),
    )
    under_old = _raw_column(made.pk)

    settings.TOWNSQUARE_ENCRYPTION_KEYS = [new, old]  # a new key at the front
    assert credentials_decrypt(under_old).data == {"token": SECRET}  # old tokens still read
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115
    under_new = _raw_column(made.pk)
    assert under_new != under_old

    settings.TOWNSQUARE_ENCRYPTION_KEYS = [new]  # the old key can now be removed
    assert credentials_decrypt(under_new).data == {"token": SECRET}
    settings.TOWNSQUARE_ENCRYPTION_KEYS = [old]
    with pytest.raises(CredentialsUnreadable):
        credentials_decrypt(under_new)


def test_empty_key_list_in_test_mode_derives_a_working_key(settings) -> None:
    settings.TOWNSQUARE_ENCRYPTION_KEYS = []
    token = credentials_encrypt(Credentials({"a": "b"}))
    assert credentials_decrypt(token).data == {"a": "b"}


def test_expiry_round_trips(settings) -> None:
    import datetime as dt

    when = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)
    assert credentials_decrypt(credentials_encrypt(Credentials({}, expires_at=when))).expires_at == when


def test_rotation_of_an_empty_database_is_harmless(db) -> None:
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Connection.objects.count() == 0

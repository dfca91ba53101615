"""Connecting channels to their platforms, and recording what happens on each call.

Every change of a connection's state is audited in the same transaction; the owner, deputy and
communications team are told (after commit) when a channel needs reconnecting — once, when it
starts needing it, not on every failed call.

Credentials go in and out only through ``townsquare.connectors.crypto``; nothing here logs them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import os
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.connectors.base import (
    AccountInfo,
    Connector,
    ConnectorError,
    Credentials,
    ErrorKind,
    RateHeadroom,
)
from townsquare.connectors.crypto import CredentialsUnreadable, credentials_decrypt, credentials_encrypt
from townsquare.connectors.models import Connection
from townsquare.connectors.registry import connector_class
from townsquare.councils.roles import Role
from townsquare.net.fetch import AddressRefused, address_check
from townsquare.notifications.services import council_team, notify

if TYPE_CHECKING:
    from townsquare.accounts.models import User

log = logging.getLogger(__name__)

AUDITED_FIELDS = [
    "state",
    "base_url",
    "account_external_id",
    "account_handle",
    "expires_at",
    "connected_by_id",
    "connected_at",
]
State = Channel.Connection


def _state(connection: Connection) -> dict[str, Any]:
    return snapshot(connection, AUDITED_FIELDS)


def connector_settings(platform: str) -> dict[str, str]:
    """A platform's app settings from the environment: TOWNSQUARE_<PLATFORM>_<NAME> -> {name: value}.

    e.g. TOWNSQUARE_FACEBOOK_CLIENT_ID and TOWNSQUARE_FACEBOOK_CLIENT_SECRET for an OAuth app.
    """
    prefix = f"TOWNSQUARE_{platform.upper()}_"
    return {k[len(prefix) :].lower(): v for k, v in os.environ.items() if k.startswith(prefix)}


def connector_new(*, platform: str, base_url: str = "", credentials: Credentials | None = None) -> Connector:
    cls = connector_class(platform)
    return cls(credentials, base_url=base_url or cls.default_base_url, settings=connector_settings(platform))


def connector_for(channel: Channel, *, connection: Connection | None = None, reuse: bool = False) -> Connector:
    """The channel's connector with its decrypted credentials, ready to call.

    Raises ConnectorError(REAUTHORISE) when the channel is not connected or needs reconnecting,
    so callers never send a credential that is known to be refused.

    ``connection``: the channel's row, when the caller has just read it. ``reuse``: hand out this
    thread's connector for the channel again while its stored connection is unchanged (same
    encrypted credentials, server and state, same app settings), saving the decryption, the SDK
    client and its kept-alive connections on every call. Reconnecting stores new ciphertext, so
    the next call builds a fresh connector. Connectors are not thread-safe: the cache is per thread.
    """
    if connection is None:
        connection = Connection.objects.filter(channel_id=channel.pk).first()
    if connection is None or not connection.credentials_encrypted or connection.state == State.NOT_CONNECTED:
        raise ConnectorError(ErrorKind.REAUTHORISE, "This channel is not connected to its platform.")
    if connection.state == State.NEEDS_RECONNECTING:
        raise ConnectorError(ErrorKind.REAUTHORISE, "This channel needs reconnecting before it can be used.")
    app_settings = connector_settings(channel.platform)
    fingerprint = (
        channel.platform,
        connection.state,
        connection.base_url,
        connection.credentials_encrypted,
        tuple(sorted(app_settings.items())),
    )
    cache = _reusable() if reuse else None
    if cache is not None:
        kept = cache.get(channel.pk)
        if kept is not None and kept[0] == fingerprint:
            cache.move_to_end(channel.pk)
            return kept[1]
    try:
        credentials = credentials_decrypt(connection.credentials_encrypted)
    except CredentialsUnreadable as exc:
        raise ConnectorError(
            ErrorKind.REAUTHORISE,
            "The stored credentials cannot be read with the configured keys; reconnect the channel.",
        ) from exc
    cls = connector_class(channel.platform)
    connector = cls(credentials, base_url=connection.base_url or cls.default_base_url, settings=app_settings)
    if cache is not None:
        cache[channel.pk] = (fingerprint, connector)
        while len(cache) > REUSE_LIMIT:
            cache.popitem(last=False)
    return connector


REUSE_LIMIT = 2000  # connectors kept per thread, least recently used dropped first
_kept = threading.local()


def _reusable() -> OrderedDict[int, tuple[tuple[Any, ...], Connector]]:
    cache: OrderedDict[int, tuple[tuple[Any, ...], Connector]] | None = getattr(_kept, "connectors", None)
    if cache is None:
        cache = _kept.connectors = OrderedDict()
    return cache


def connector_forget(channel_id: int | None = None) -> None:
    """Drop this thread's kept connector for a channel (all channels when None)."""
    cache = _reusable()
    if channel_id is None:
        cache.clear()
    else:
        cache.pop(channel_id, None)


# --- connecting --------------------------------------------------------------------------------------


def connection_connect(
    *, actor: User | None, channel: Channel, credentials: Credentials, account: AccountInfo, base_url: str = ""
) -> Connection:
    """Store verified credentials and mark the channel connected (audited).

    Reconnecting the same account keeps the inbound cursor, so listening resumes where it stopped;
    a different account starts afresh.
    """
    with transaction.atomic():
        connection, created = Connection.objects.select_for_update().get_or_create(channel=channel)
        before = None if created else _state(connection)
        reconnect = not created and bool(connection.account_external_id)
        if connection.account_external_id and connection.account_external_id != account.external_id:
            connection.inbound_cursor = ""  # another account: its history is not this one's
            connection.stream_cursor = ""
        connection.credentials_encrypted = credentials_encrypt(credentials)
        connection.expires_at = credentials.expires_at
        connection.account_external_id = account.external_id
        connection.account_handle = account.handle
        connection.base_url = base_url
        connection.state = State.CONNECTED
        connection.connected_by = actor
        connection.connected_at = timezone.now()
        connection.save()
        _mirror(channel, State.CONNECTED)
        audit_record(
            actor=actor,
            council=channel.council,
            action="connection.reconnected" if reconnect else "connection.connected",
            obj=channel,
            before=before,
            after=_state(connection),
        )
    return connection


def connection_connect_with_secret(
    *, actor: User | None, channel: Channel, identifier: str, secret: str, base_url: str = ""
) -> Connection:
    """App-password / access-token platforms: verify with the platform, then store (audited).

    Raises ConnectorError when the platform refuses, or when the server address a person typed is not
    https on a public host (the secret is never sent there); nothing is stored then.
    """
    cls = connector_class(channel.platform)
    if base_url and (cls.needs_base_url or base_url.rstrip("/") != cls.default_base_url):
        try:
            address_check(base_url)
        except AddressRefused as exc:
            raise ConnectorError(ErrorKind.REJECTED, exc.message, platform_code="address_refused") from exc
    connector = connector_new(platform=channel.platform, base_url=base_url)
    credentials = connector.connect_with_secret(identifier=identifier, secret=secret)
    connector.credentials = credentials
    account = connector.account()
    return connection_connect(
        actor=actor,
        channel=channel,
        credentials=connector.credentials or credentials,
        account=account,
        base_url=connector.base_url,
    )


@dataclass(frozen=True)
class OAuthStart:
    url: str
    state: str
    code_verifier: str


def connection_oauth_begin(*, channel: Channel, redirect_uri: str, base_url: str = "") -> OAuthStart:
    """Where to send the person to grant access; keep ``state`` and ``code_verifier`` in their session."""
    connector = connector_new(platform=channel.platform, base_url=base_url)
    state = secrets.token_urlsafe(32)
    verifier = ""
    if connector.pkce:
        verifier = secrets.token_urlsafe(64)[:96]
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        url = connector.authorisation_url(state=state, redirect_uri=redirect_uri, code_challenge=challenge)  # type: ignore[call-arg]
    else:
        url = connector.authorisation_url(state=state, redirect_uri=redirect_uri)
    return OAuthStart(url=url, state=state, code_verifier=verifier)


def connection_oauth_complete(
    *, actor: User | None, channel: Channel, code: str, redirect_uri: str, code_verifier: str = "", base_url: str = ""
) -> Connection:
    connector = connector_new(platform=channel.platform, base_url=base_url)
    # A person may manage several Pages or organisations: the register's handle says which one.
    connector.settings["handle"] = channel.handle
    credentials = connector.complete_authorisation(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    connector.credentials = credentials
    account = connector.account()
    return connection_connect(
        actor=actor,
        channel=channel,
        credentials=connector.credentials or credentials,
        account=account,
        base_url=connector.base_url,
    )


def connection_store_credentials(*, channel: Channel, credentials: Credentials) -> None:
    """Keep credentials a connector renewed in passing (a refreshed session); not a state change."""
    Connection.objects.filter(channel=channel).update(
        credentials_encrypted=credentials_encrypt(credentials),
        expires_at=credentials.expires_at,
        updated_at=timezone.now(),
    )


def connection_keep_renewed(*, channel: Channel, connector: Connector, before: Credentials | None) -> None:
    if connector.credentials is not None and connector.credentials != before:
        connection_store_credentials(channel=channel, credentials=connector.credentials)


def connection_refresh(*, channel: Channel, actor: User | None = None) -> Connection:
    """Renew the credentials now (audited); a refusal marks the channel as needing reconnection."""
    connector = connector_for(channel)
    try:
        credentials = connector.refresh()
    except ConnectorError as error:
        connection_record_error(channel, error)
        raise
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(channel=channel)
        before = _state(connection)
        connection.credentials_encrypted = credentials_encrypt(credentials)
        connection.expires_at = credentials.expires_at
        connection.last_success_at = timezone.now()
        connection.save()
        audit_record(
            actor=actor,
            council=channel.council,
            action="connection.refreshed",
            obj=channel,
            before=before,
            after=_state(connection),
        )
    return connection


def connection_disconnect(*, actor: User | None, channel: Channel, reason: str = "") -> Connection:
    """Forget the credentials and mark the channel not connected (audited); the cursor is kept."""
    with transaction.atomic():
        connection, _ = Connection.objects.select_for_update().get_or_create(channel=channel)
        before = _state(connection)
        connection.credentials_encrypted = ""
        connection.expires_at = None
        connection.state = State.NOT_CONNECTED
        connection.save()
        _mirror(channel, State.NOT_CONNECTED)
        audit_record(
            actor=actor,
            council=channel.council,
            action="connection.disconnected",
            obj=channel,
            before=before,
            after=_state(connection),
            reason=reason,
        )
    return connection


def _mirror(channel: Channel, state: str) -> None:
    Channel.objects.filter(pk=channel.pk).update(connection_state=state, updated_at=timezone.now())
    channel.connection_state = state


# --- the outcome of each call --------------------------------------------------------------------------


def connection_record_success(channel: Channel, headroom: RateHeadroom | None = None) -> None:
    """A call to the platform worked: note when, and how much of the rate limit is left."""
    fields: dict[str, Any] = {"last_success_at": timezone.now(), "updated_at": timezone.now()}
    if headroom is not None:
        fields.update(rate_remaining=headroom.remaining, rate_limit=headroom.limit, rate_resets_at=headroom.resets_at)
    Connection.objects.filter(channel=channel).update(**fields)


def connection_clear_error(channel: Channel, *, source: str) -> bool:
    """Forget the connection's last error if it came from ``source`` (the same work now done whole);
    an error from anything else stays. Returns whether one was cleared."""
    cleared = Connection.objects.filter(channel=channel, last_error_source=source).update(
        last_error_message="", last_error_kind="", last_error_at=None, last_error_source="", updated_at=timezone.now()
    )
    return bool(cleared)


def connection_record_error(channel: Channel, error: ConnectorError, *, source: str = "") -> Connection | None:
    """Record a failed call in plain words; REAUTHORISE and DISCONNECT change the channel's state.
    ``source`` names the work it came from where a later success of that work clears it (a snapshot).

    A channel that starts needing reconnection is audited and its owner, deputy and communications
    team are told once; further failures while it still needs reconnecting only update the error.
    """
    now = timezone.now()
    with transaction.atomic():
        connection = Connection.objects.select_for_update().filter(channel=channel).first()
        if connection is None:
            return None
        before = _state(connection)
        connection.last_error_message = error.message[:2000]
        connection.last_error_kind = str(error.kind)
        connection.last_error_at = now
        connection.last_error_source = source
        if error.kind == ErrorKind.RETRY and error.retry_after is not None:
            # Honour the platform's wait: nothing polls this channel again before it.
            connection.rate_resets_at = now + dt.timedelta(seconds=error.retry_after)
            if error.platform_code == "429":
                connection.rate_remaining = 0
        new_state = {ErrorKind.REAUTHORISE: State.NEEDS_RECONNECTING, ErrorKind.DISCONNECT: State.NOT_CONNECTED}.get(
            error.kind
        )
        changed = new_state is not None and connection.state != new_state
        if changed:
            assert new_state is not None
            connection.state = new_state
            if new_state == State.NOT_CONNECTED:
                connection.credentials_encrypted = ""
        connection.save()
        if changed:
            assert new_state is not None
            _mirror(channel, new_state)
            audit_record(
                actor=None,
                council=channel.council,
                action=f"connection.{new_state}",
                obj=channel,
                before=before,
                after=_state(connection),
                reason=error.message[:500],
            )
            _tell_people(channel, error)
    return connection


def _tell_people(channel: Channel, error: ConnectorError) -> None:
    team = council_team(council=channel.council, roles=[Role.COMMS])
    people = [channel.owner, channel.deputy, *team]
    verb = "needs reconnecting" if error.kind == ErrorKind.REAUTHORISE else "has been disconnected"
    notify(
        users=[p for p in people if p is not None],
        council=channel.council,
        message=f"{channel.name} ({channel.get_platform_display()}) {verb}: {error.message}",
        url=reverse("channels:detail", args=[channel.council.slug, channel.pk]),
        kind=f"connection.{error.kind}",
    )

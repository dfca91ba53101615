"""Connection state: errors in plain words, reconnection needed told once, everything audited."""

from __future__ import annotations

import datetime as dt

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, ConnectorError, Credentials, ErrorKind, InboundItem, InboundPage
from townsquare.connectors.listening import inbound_ingest_page
from townsquare.connectors.models import Connection
from townsquare.connectors.selectors import channels_due_for_calls
from townsquare.connectors.services import (
    connection_connect,
    connection_disconnect,
    connection_record_error,
)
from townsquare.inbox.models import ReceivedItem
from townsquare.notifications.models import Notification


def _connect(channel, actor, external_id="acct-1"):
    return connection_connect(
        actor=actor,
        channel=channel,
        credentials=Credentials({"token": "t"}),
        account=AccountInfo(external_id=external_id, handle="@riverside"),
    )


def test_connect_mirrors_state_and_audits(channel, people) -> None:
    _connect(channel, people.comms)
    channel.refresh_from_db()
    assert channel.connection_state == Channel.Connection.CONNECTED
    assert AuditEvent.objects.filter(action="connection.connected", object_id=str(channel.pk)).exists()


def test_reauthorise_marks_channel_and_tells_people_once(channel, people) -> None:
    channel.deputy = people.admin
    channel.save()
    _connect(channel, people.comms)
    expired = ConnectorError(ErrorKind.REAUTHORISE, "The session has expired.")
    connection_record_error(channel, expired)
    connection_record_error(channel, expired)  # a second failure: no second round of notices

    channel.refresh_from_db()
    assert channel.connection_state == Channel.Connection.NEEDS_RECONNECTING
    told = set(Notification.objects.values_list("user__email", flat=True))
    assert told == {people.comms.email, people.admin.email}  # owner (comms), deputy; comms team is comms
    assert Notification.objects.count() == 2
    assert AuditEvent.objects.filter(action="connection.needs_reconnecting").count() == 1
    connection = Connection.objects.get(channel=channel)
    assert connection.last_error_message == "The session has expired."
    assert connection.last_error_kind == "reauthorise"


def test_disconnect_error_marks_channel_not_connected_and_forgets_credentials(channel, people) -> None:
    _connect(channel, people.comms)
    connection_record_error(channel, ConnectorError(ErrorKind.DISCONNECT, "The account was deleted."))
    channel.refresh_from_db()
    assert channel.connection_state == Channel.Connection.NOT_CONNECTED
    assert Connection.objects.get(channel=channel).credentials_encrypted == ""


def test_rate_limit_wait_is_honoured_by_the_poller(channel, people) -> None:
    _connect(channel, people.comms)
    assert list(channels_due_for_calls()) == [channel]
    connection_record_error(
        channel, ConnectorError(ErrorKind.RETRY, "Rate limited", retry_after=300, platform_code="429")
    )
    connection = Connection.objects.get(channel=channel)
    assert connection.rate_remaining == 0 and connection.rate_resets_at is not None
    assert list(channels_due_for_calls()) == []
    assert list(channels_due_for_calls(now=connection.rate_resets_at + dt.timedelta(seconds=1))) == [channel]


def test_reconnecting_the_same_account_keeps_the_cursor(channel, people) -> None:
    _connect(channel, people.comms)
    Connection.objects.filter(channel=channel).update(inbound_cursor="42")
    connection_disconnect(actor=people.comms, channel=channel)
    _connect(channel, people.comms)
    assert Connection.objects.get(channel=channel).inbound_cursor == "42"
    assert AuditEvent.objects.filter(action="connection.reconnected").exists()
    _connect(channel, people.comms, external_id="another-account")
    assert Connection.objects.get(channel=channel).inbound_cursor == ""


def _item(external_id: str, **kw) -> InboundItem:
    return InboundItem(
        external_id=external_id,
        kind="mention",
        author_handle="@resident",
        author_name="Resident",
        text="Bins not collected",
        created_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        raw={"id": external_id},
        **kw,
    )


def test_ingest_skips_duplicates_and_keeps_bad_items(channel, people) -> None:
    _connect(channel, people.comms)
    result = inbound_ingest_page(
        channel=channel, page=InboundPage(items=[_item("1"), _item("1"), _item("")], cursor="c1")
    )
    assert result.stored == 2 and result.duplicates == 1
    again = inbound_ingest_page(channel=channel, page=InboundPage(items=[_item("1"), _item("2")], cursor="c2"))
    assert again.stored == 1 and again.duplicates == 1
    flagged = ReceivedItem.objects.get(malformed=True)
    assert flagged.external_id.startswith("sha256:") and "no identifier" in flagged.parse_error
    assert Connection.objects.get(channel=channel).inbound_cursor == "c2"

"""The demo's sandbox Mastodon server (a real mastodon-mock on 127.0.0.1): started, the demo channel connected
to it through the connector, a resident's message reaching the inbox through the connector's poll and the
inbox pipeline, a post published to it once, and the channel tagged "Sandbox" on the pages that name it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import override_settings

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.connectors.listening import inbound_poll
from townsquare.connectors.services import connector_for, connector_forget
from townsquare.councils.models import Council
from townsquare.demo import sandbox as sb
from townsquare.demo.sandbox_label import TAG, label_html
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import PostTarget

MIDDLEWARE = "townsquare.demo.sandbox_label.SandboxLabelMiddleware"


@pytest.fixture(scope="module")
def server() -> Iterator[sb.Sandbox]:
    if not Path(sys.executable).with_name("mastodon_mock").exists():
        pytest.fail("mastodon-mock is in requirements.txt and must be installed")
    running = sb.sandbox_start(origin=f"http://127.0.0.1:{sb.free_port()}")
    yield running
    running.stop()


@pytest.fixture
def demo(riverside: Council, people: SimpleNamespace, settings: object, server: sb.Sandbox) -> SimpleNamespace:
    """Demo mode with the sandbox running, and Riverside's Mastodon channel (not yet connected)."""
    settings.SANDBOX_ORIGIN = server.origin  # type: ignore[attr-defined]
    settings.FETCH_ALLOW_LOOPBACK = False  # type: ignore[attr-defined]  # only the sandbox allowance
    connector_forget()
    channel = Channel.objects.create(
        council=riverside, platform="mastodon", name=sb.CHANNEL, handle="@riverside@social.example"
    )
    return SimpleNamespace(channel=channel, origin=server.origin, resident=sb.Resident(server.origin))


def _council_statuses(origin: str) -> list[dict[str, object]]:
    me = requests.get(
        f"{origin}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {sb.COUNCIL_ACCOUNT[2]}"},
        timeout=10,
    ).json()
    return list(requests.get(f"{origin}/api/v1/accounts/{me['id']}/statuses?limit=40", timeout=10).json())


def test_the_sandbox_starts_on_loopback(server: sb.Sandbox) -> None:
    assert server.origin.startswith("http://127.0.0.1:")
    assert requests.get(f"{server.origin}/api/v1/instance", timeout=5).ok


def test_connecting_the_demo_channel_goes_through_the_connector_and_is_audited(demo: SimpleNamespace) -> None:
    connection = sb.sandbox_connect(origin=demo.origin)
    demo.channel.refresh_from_db()
    assert connection.base_url == demo.origin and connection.account_handle == "@riverside"
    assert demo.channel.connection_state == Channel.Connection.CONNECTED
    assert AuditEvent.objects.filter(action="connection.connected", object_id=str(demo.channel.pk)).exists()


def test_a_resident_message_arrives_in_the_inbox_classified(demo: SimpleNamespace) -> None:
    sb.sandbox_connect(origin=demo.origin)
    disclosure = next(m for m in sb.OPENING if m.kind == "safeguarding")
    status_id = demo.resident.send(disclosure)
    result = inbound_poll(channel=demo.channel)
    assert result is not None and result.stored >= 1
    item = ReceivedItem.objects.get(channel=demo.channel, external_id=status_id)
    assert item.author_handle == "@sam_rivers" and "left alone" in item.text
    assert "safeguarding" in item.categories and item.risk == "urgent"


def test_a_resident_message_arrives_on_the_stream(demo: SimpleNamespace) -> None:
    """As ``listen_streams`` (run by ``serve``) hears it: the connector's stream, through the sandbox allowance."""
    sb.sandbox_connect(origin=demo.origin)
    connector = connector_for(demo.channel)
    heard: list[InboundItem] = []

    def listen() -> None:
        for item in connector.stream_inbound():
            heard.append(item)
            return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        for attempt in range(20):  # the stream connects in the background: say it again until it is heard
            demo.resident.send(sb.Message("question", f"@riverside Is the tip open on Sunday? ({attempt})"))
            listener.join(timeout=1.0)
            if heard:
                break
    finally:
        connector.stop_stream.set()
        listener.join(timeout=10)
    assert heard and "Is the tip open on Sunday" in heard[0].text
    inbound_store(channel=demo.channel, items=heard)
    assert ReceivedItem.objects.filter(channel=demo.channel, text__contains="Is the tip open on Sunday").exists()


def test_a_post_is_published_to_the_sandbox_once(demo: SimpleNamespace) -> None:
    sb.sandbox_connect(origin=demo.origin)
    text = "Sandbox check: the library on Bridge Street opens late on Thursdays."
    post = sb.sandbox_publish(text=text)
    assert send.due_dispatch(worker="test:1") == {"published": 1}
    assert send.due_dispatch(worker="test:2") == {}
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.PUBLISHED
    found = [s for s in _council_statuses(demo.origin) if "opens late on Thursdays" in str(s["content"])]
    assert [str(s["id"]) for s in found] == [target.external_id]
    # The resident's reply goes to that post, and arrives as a reply to it.
    reply = demo.resident.send(sb.Message("praise", "@riverside Great news, thanks!", reply=True))
    inbound_poll(channel=demo.channel)
    item = ReceivedItem.objects.get(channel=demo.channel, external_id=reply)
    assert item.kind == "reply" and item.in_reply_to_external_id == target.external_id


def test_the_resident_says_each_kind_and_the_hard_ones_once() -> None:
    import random

    messages = sb.resident_messages(random.Random(1))
    said = [next(messages) for _ in range(40)]
    kinds = [m.kind for m in said]
    assert {"complaint", "question", "praise"} <= set(kinds)
    assert kinds.count("foi") == kinds.count("abuse") == kinds.count("safeguarding") == 1
    assert any(m.reply for m in said) and any(not m.reply for m in said)
    assert all(m.text.startswith("@riverside ") and "{" not in m.text for m in said)
    assert {m.kind: m.described for m in said if m.kind in ("foi", "abuse", "praise")} == {
        "foi": "an FOI request",
        "abuse": "an abusive reply",
        "praise": "a thank-you",
    }


def test_the_sandbox_command_refuses_outside_demo_mode(settings: object) -> None:
    settings.SANDBOX_ORIGIN = ""  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("run_sandbox", "--messages", "1")


def test_label_marks_text_options_and_titles_but_not_attributes_or_scripts() -> None:
    html = (
        "<title>Riverside on Mastodon</title><a href='/x' aria-label='Riverside on Mastodon'>Riverside on Mastodon</a>"
        "<select><option>Riverside on Mastodon</option></select><script>var n = 'Riverside on Mastodon';</script>"
        "<textarea>Riverside on Mastodon</textarea><p>Riverside on Mastodonia</p>"
    )
    labelled = label_html(html, ["Riverside on Mastodon"])
    assert labelled.count(TAG) == 2  # the link's text and the paragraph's
    assert "<title>Riverside on Mastodon (Sandbox)</title>" in labelled
    assert "<option>Riverside on Mastodon (Sandbox)</option>" in labelled
    assert "aria-label='Riverside on Mastodon'" in labelled
    assert "var n = 'Riverside on Mastodon';" in labelled and "<textarea>Riverside on Mastodon</textarea>" in labelled


def test_every_page_naming_the_channel_tags_it(demo: SimpleNamespace, client_for, people, settings) -> None:  # type: ignore[no-untyped-def]
    sb.sandbox_connect(origin=demo.origin)
    sent = demo.resident.send(sb.OPENING[0])
    inbound_poll(channel=demo.channel)
    item = ReceivedItem.objects.get(channel=demo.channel, external_id=sent)
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE]):
        client = client_for(people.comms)
        for url in (
            "/c/riverside/channels/",
            f"/c/riverside/channels/{demo.channel.pk}/",
            "/c/riverside/inbox/",
            f"/c/riverside/inbox/{item.pk}/",
            "/all/inbox/",
        ):
            body = client.get(url).content.decode()
            assert f"{sb.CHANNEL}{TAG}" in body, url
    # Without the demo's middleware (production), nothing is tagged.
    assert TAG not in client_for(people.comms).get("/c/riverside/channels/").content.decode()


class _Started:
    """Stands in for a process ``serve`` starts: it records the command and has already ended."""

    started: list[tuple[list[str], dict[str, str]]] = []

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        _Started.started.append((cmd, dict(env or {})))

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.mark.parametrize("demo_mode", [True, False])
def test_serve_starts_the_sandbox_only_in_demo_mode(demo_mode: bool, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from townsquare.web.management.commands import serve

    settings.DEMO = demo_mode
    monkeypatch.delenv(sb.ORIGIN_ENV, raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", _Started)
    _Started.started = []
    with pytest.raises(SystemExit):  # the stand-ins have "ended", so serve stops at once
        call_command("serve", "--bind", "127.0.0.1:1")
    started = {cmd[2] if cmd[1].endswith("manage.py") else "web": (cmd, env) for cmd, env in _Started.started}
    origins = {env.get(sb.ORIGIN_ENV, "") for _, env in started.values()}
    if demo_mode:
        assert "run_sandbox" in started and started["listen_streams"][0][-2:] == ["--refresh", "5"]
        (origin,) = origins  # every process is told the same address, a port on loopback
        assert origin.startswith("http://127.0.0.1:")
    else:
        assert "run_sandbox" not in started and origins == {""}

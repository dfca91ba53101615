"""``manage.py listen_streams``: the product's stream listener, as a process of its own, against mastodon-mock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from townsquare.channels.models import Channel
from townsquare.connectors.management.commands.listen_streams import streaming_channels
from townsquare.connectors.services import connection_connect_with_secret
from townsquare.inbox.models import ReceivedItem

REPO = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30.0


def test_only_connected_open_channels_with_a_stream_are_listened_to(riverside, people, mastodon) -> None:
    toot = Channel.objects.create(council=riverside, platform="mastodon", name="Toots", handle="@riverside")
    assert streaming_channels() == []  # not connected yet
    connection_connect_with_secret(actor=people.comms, channel=toot, identifier=mastodon.url, secret="riverside_token")
    Channel.objects.create(council=riverside, platform="facebook", name="Page", handle="riverside")
    assert streaming_channels() == [toot.pk]  # Facebook has no stream: it is polled
    Channel.objects.filter(pk=toot.pk).update(status=Channel.Status.CLOSED)
    assert streaming_channels() == []


def test_the_listener_stores_mentions_as_they_arrive_and_stops_on_sigterm(
    riverside, people, mastodon, subprocess_env
) -> None:
    toot = Channel.objects.create(council=riverside, platform="mastodon", name="Toots", handle="@riverside")
    connection_connect_with_secret(actor=people.comms, channel=toot, identifier=mastodon.url, secret="riverside_token")
    listener = subprocess.Popen(
        [sys.executable, "manage.py", "listen_streams", "--refresh", "1"],
        cwd=REPO,
        env=subprocess_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        resident = mastodon.as_user("resident_token")
        posted: list[str] = []
        deadline = time.monotonic() + WAIT_SECONDS
        # The stream connects in the background: mention again until one is stored.
        while time.monotonic() < deadline:
            answer = resident.post(
                f"{mastodon.url}/api/v1/statuses",
                data={"status": f"@riverside the play area gate is broken ({len(posted)})"},
                timeout=10,
            )
            answer.raise_for_status()
            posted.append(str(answer.json()["id"]))
            time.sleep(1.0)
            if ReceivedItem.objects.filter(channel=toot, external_id__in=posted).exists():
                break
        stored = ReceivedItem.objects.filter(channel=toot, external_id__in=posted)
        assert stored.exists(), f"no mention was stored within {WAIT_SECONDS:.0f}s"
        item = stored.first()
        assert item is not None and item.kind == "mention" and "play area gate" in item.text
    finally:
        listener.terminate()
        out, _ = listener.communicate(timeout=30)
    assert listener.returncode == 0, out
    assert "Listening to 1 stream(s)." in out and "stopped." in out

"""Input a page or the API cannot use gets a clear 4xx and changes nothing, never a 500."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.publishing.models import ChannelPublishing, Post, PostingSlot
from townsquare.web.ids import parse_id, parse_ids

BIG = "99999999999999999999"


def test_parse_id_takes_only_ids_the_database_can_hold() -> None:
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7
    for bad in (BIG, "9223372036854775808", "0", "-1", "abc", "²", "٣", "", None, "1.5"):
        assert parse_id(bad) is None
    assert parse_ids(["1", "2"]) == [1, 2] and parse_ids(["1", BIG]) is None


def test_out_of_range_ids_in_a_pk_in_query_find_nothing(channel: Channel) -> None:
    assert list(Channel.objects.filter(pk__in=[int(BIG)])) == []
    assert list(Channel.objects.filter(pk__in=[int(BIG), channel.pk])) == [channel]


def test_api_draft_with_an_out_of_range_channel_is_a_400(people: SimpleNamespace, channel: Channel, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(people.comms).post(
        "/api/councils/riverside/posts/", {"text": "hi", "channels": [int(BIG)]}, content_type="application/json"
    )
    assert response.status_code == 400 and "channels" in response.json()
    response = client_for(people.comms).post(
        "/api/councils/riverside/posts/",
        {"text": "hi", "channels": [channel.pk], "variants": {"²": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 400 and "variants" in response.json()
    assert not Post.objects.exists()


def test_compose_with_an_out_of_range_channel_is_a_400(people: SimpleNamespace, channel: Channel, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(people.comms).post("/c/riverside/posts/new/", {"text": "hi", "channels": [BIG]})
    assert response.status_code == 400 and "valid choice" in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.parametrize("value", [BIG, "²", "abc"])
def test_approval_queue_with_a_bad_post_id_is_a_400(
    people: SimpleNamespace,
    channel: Channel,
    client_for,  # type: ignore[no-untyped-def]
    value: str,
) -> None:
    before = AuditEvent.objects.count()
    response = client_for(people.comms).post("/c/riverside/posts/approvals/", {"posts": [value]})
    assert response.status_code == 400 and "not one of the posts" in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["comms", "officer", "auditor"])
def test_register_filtered_by_an_out_of_range_service_is_a_400(
    people: SimpleNamespace, channel: Channel, client_for, role: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(getattr(people, role)).get(f"/c/riverside/channels/?service={BIG}")
    assert response.status_code == 400 and "not one of the council" in response.content.decode()
    assert client_for(getattr(people, role)).get("/c/riverside/channels/?service=²").status_code == 400


def test_removing_a_slot_named_abc_is_a_400(people: SimpleNamespace, channel: Channel, client_for) -> None:  # type: ignore[no-untyped-def]
    slot = PostingSlot.objects.create(channel=channel, weekday=0, time=dt.time(9, 0))
    for value in ("abc", BIG, ""):
        response = client_for(people.comms).post(
            "/c/riverside/posts/settings/", {"action": "remove_slot", "slot": value}
        )
        assert response.status_code == 400 and "Choose a posting slot" in response.content.decode()
    assert PostingSlot.objects.filter(pk=slot.pk).exists()


def test_second_approval_with_a_bad_channel_id_changes_nothing(
    people: SimpleNamespace, channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    ChannelPublishing.objects.create(channel=channel, second_approval=True)
    response = client_for(people.comms).post(
        "/c/riverside/posts/settings/", {"action": "second_approval", "channels": ["x"]}
    )
    assert response.status_code == 400
    assert ChannelPublishing.objects.get(channel=channel).second_approval is True


def test_calendar_and_stream_filters_ignore_non_ascii_digits(
    people: SimpleNamespace, channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    assert client_for(people.comms).get("/c/riverside/calendar/?channel=²").status_code == 200
    assert client_for(people.comms).get(f"/c/riverside/calendar/?channel={BIG}").status_code == 200


def test_api_errors_are_json(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(people.comms).get("/api/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_over_size_api_body_is_a_json_413(people: SimpleNamespace, channel: Channel, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(people.comms).post(
        "/api/councils/riverside/posts/", {"text": "x" * 5000, "channels": []}, content_type="application/json"
    )
    assert response.status_code == 413 and response.json()["detail"].startswith("The request is larger")
    response = client_for(people.comms).post("/c/riverside/posts/new/", {"text": "x" * 5000})
    assert response.status_code == 413 and "larger than this server accepts" in response.content.decode()
    assert not Post.objects.exists()


def test_an_api_server_error_is_json(people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    from townsquare.api import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "councils_of", broken)
    client = Client(raise_request_exception=False)
    client.force_login(people.comms)
    response = client.get("/api/councils/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode()
    monkeypatch.setattr("townsquare.channels.views.channels_filter", broken)
    page = client.get("/c/riverside/channels/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")

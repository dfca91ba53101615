"""Channel handles are normalised, and a handle that only looks like an existing one is refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from townsquare.channels.handles import handle_normalise, handle_skeleton
from townsquare.channels.models import Channel

LOOK_ALIKES = [
    "Riverside\u200bBins",  # a zero-width space
    "Rіverside" + "Bins",  # a Cyrillic i (U+0456)
    "\uff32\uff49\uff56\uff45\uff52\uff53\uff49\uff44\uff45\uff22\uff49\uff4e\uff53",  # full-width letters
    "riversidebins\u2060",  # a word joiner at the end
    "RiversideBins ",
]


def test_a_handle_is_stored_without_invisible_characters_in_one_unicode_form() -> None:
    assert handle_normalise("\ufeffRiverside\u200dBins\u200e") == "RiversideBins"
    assert handle_normalise("\uff32iver") == "River"


@pytest.mark.parametrize("handle", LOOK_ALIKES)
def test_look_alike_handles_share_a_skeleton(handle: str) -> None:
    assert handle_skeleton(handle) == handle_skeleton("RiversideBins")


def test_different_handles_have_different_skeletons() -> None:
    assert handle_skeleton("RiversideBins") != handle_skeleton("RiversideParks")


@pytest.mark.parametrize("handle", LOOK_ALIKES)
def test_the_register_refuses_a_look_alike_of_an_existing_handle(
    people: SimpleNamespace, channel: Channel, client_for, handle: str
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(people.comms).post(
        "/c/riverside/channels/new/",
        {
            "name": "Copy",
            "platform": "facebook",
            "handle": handle,
            "status": "active",
            "platform_two_factor": "unknown",
        },
    )
    assert page.status_code == 200 and "looks the same" in page.content.decode()
    api = client_for(people.comms).post(
        "/api/councils/riverside/channels/",
        {"platform": "facebook", "name": "Copy", "handle": handle},
        content_type="application/json",
    )
    assert api.status_code == 400 and "handle" in api.json()
    assert Channel.objects.count() == 1


def test_the_csv_import_refuses_look_alike_rows(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "platform,name,handle\nx,Parks,RiversideParks\nx,Parks copy,Rіverside\u200bParks\n".encode()
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": SimpleUploadedFile("c.csv", body)})
    assert "Row 3: Same platform and handle as row 2, or one that looks the same." in page.content.decode()
    assert not Channel.objects.exists()


def test_a_handle_saved_through_the_form_is_normalised(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for(people.comms).post(
        "/c/riverside/channels/new/",
        {
            "name": "Parks",
            "platform": "x",
            "handle": "\u200bRiversideParks",
            "status": "active",
            "platform_two_factor": "unknown",
        },
    )
    assert Channel.objects.get().handle == "RiversideParks"

"""CSV import and export of the channel register: all rows or none, problems by row number."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from townsquare.audit.models import AuditEvent
from townsquare.channels.csv_io import channels_import_csv, channels_to_csv
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

HEADER = (
    "platform,name,handle,url,service,owner_email,deputy_email,digital_access_confirmed_on,"
    "branding_checked_on,platform_two_factor,status,last_post_at,notes\n"
)


def test_good_file_creates_and_updates(people: SimpleNamespace, riverside: Council, channel: Channel) -> None:
    body = HEADER + (
        "Facebook,Riverside Waste,RiversideBins,https://facebook.com/RiversideBins,Waste,comms@riverside.example,"
        "admin@riverside.example,2026-01-05,05/01/2026,yes,active,2026-11-01 09:00,\n"
        "bluesky,Riverside Council,riverside.bsky.social,,Communications,comms@riverside.example,,,,no,dormant,,\n"
        "Twitter,Riverside Leisure,@RiversideLeisure,,,,,,,,,,Old account\n"
    )
    result = channels_import_csv(actor=people.admin, council=riverside, upload=body.encode())
    assert result.errors == []
    assert (result.created, result.updated) == (2, 1)
    channel.refresh_from_db()
    assert channel.deputy == people.admin
    assert str(channel.branding_checked_on) == "2026-01-05"
    assert channel.service is not None and channel.service.name == "Waste"
    assert channel.assignees.filter(pk=people.officer.pk).exists(), "assignees survive an import"
    x = Channel.objects.get(council=riverside, handle="@RiversideLeisure")
    assert x.platform == "x" and x.notes == "Old account"
    actions = list(AuditEvent.objects.filter(council=riverside).values_list("action", flat=True))
    assert actions.count("channel.created") == 2 and actions.count("channel.updated") == 1


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(
    people: SimpleNamespace, riverside: Council, channel: Channel
) -> None:
    events_before = AuditEvent.objects.count()
    body = HEADER + (
        "facebook,Good Row,GoodRow,,,,,,,,,,\n"  # row 2: fine
        "myspace,Bad Platform,bad1,,,,,,,,,,\n"  # row 3
        "x,Bad Owner,@bad2,,,nobody@elsewhere.example,,,,,,,\n"  # row 4
        "x,Bad Date,@bad3,,,,,31/02/2026,,,,,\n"  # row 5
        "x,Bad Status,@bad4,,,,,,,,open-ish,,\n"  # row 6
        ",,,,,,,,,,,,\n"  # row 7: blank, skipped
        "x,,@bad5,,,,,,,maybe,,,\n"  # row 8: no name, bad yes/no
        "facebook,Duplicate,GoodRow,,,,,,,,,,\n"  # row 9: same as row 2
        "x,Bad URL,@bad6,not a url at all,,,,,,,,,\n"  # row 10
        "facebook,Same owner and deputy,@bad7,,,comms@riverside.example,comms@riverside.example,,,,,,\n"  # row 11
    )
    result = channels_import_csv(actor=people.admin, council=riverside, upload=body.encode())
    rows = {row for row, _ in result.errors}
    assert rows == {3, 4, 5, 6, 8, 9, 10, 11}, result.errors
    text = " ".join(message for _, message in result.errors)
    assert "myspace" in text and "nobody@elsewhere.example" in text and "31/02/2026" in text
    assert Channel.objects.filter(council=riverside).count() == 1
    assert not Channel.objects.filter(handle="GoodRow").exists()
    assert AuditEvent.objects.count() == events_before


def test_outsiders_people_cannot_be_named_owner(people: SimpleNamespace, riverside: Council) -> None:
    body = HEADER + "x,Row,@row,,,officer@hillcrest.example,,,,,,,\n"
    result = channels_import_csv(actor=people.admin, council=riverside, upload=body.encode())
    assert result.errors and result.errors[0][0] == 2
    assert not Channel.objects.filter(handle="@row").exists()


def test_missing_columns_and_binary_files_are_refused(people: SimpleNamespace, riverside: Council) -> None:
    result = channels_import_csv(actor=people.admin, council=riverside, upload=b"name,url\nA,B\n")
    assert result.errors == [(1, "The header row lacks the column(s): handle, platform.")]
    result = channels_import_csv(actor=people.admin, council=riverside, upload=b"\xff\xfe\x00garbage")
    assert "UTF-8" in result.errors[0][1]


def test_import_page_shows_row_numbers_and_saves_nothing(
    people: SimpleNamespace, riverside: Council, client_for
) -> None:  # type: ignore[no-untyped-def]
    body = HEADER + "facebook,Good,Good,,,,,,,,,,\nfacebook,Bad,Bad,,,,,,,perhaps,,,\n"
    upload = SimpleUploadedFile("channels.csv", body.encode(), content_type="text/csv")
    response = client_for(people.comms).post("/c/riverside/channels/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page and "Row 3: platform_two_factor" in page
    assert not Channel.objects.filter(council=riverside).exists()
    response = client_for(people.comms).post("/c/riverside/channels/import/", {})
    assert "Choose a CSV file" in response.content.decode()


def test_export_round_trips_and_defuses_formulas(
    people: SimpleNamespace, riverside: Council, channel: Channel, client_for
) -> None:  # type: ignore[no-untyped-def]
    channel.notes = '=HYPERLINK("http://evil")'
    channel.save()
    response = client_for(people.auditor).get("/c/riverside/channels/export.csv")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body
    assert channels_to_csv([channel]).splitlines()[0].startswith("platform,name,handle")
    again = channels_import_csv(
        actor=people.admin,
        council=riverside,
        upload=channels_to_csv([channel]).replace("'=HYPERLINK", "HYPERLINK").encode(),
    )
    assert again.errors == [] and again.created == 0


def test_saving_the_edit_page_unchanged_keeps_every_field(
    people: SimpleNamespace, riverside: Council, client_for
) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    import re

    channel = Channel.objects.create(
        council=riverside,
        platform="x",
        name="Riverside",
        handle="@R",
        digital_access_confirmed_on=dt.date(2026, 10, 22),
        branding_checked_on=dt.date(2026, 9, 1),
        platform_two_factor=True,
    )
    client = client_for(people.comms)
    page = client.get(f"/c/riverside/channels/{channel.pk}/edit/").content.decode()
    assert 'value="2026-10-22"' in page
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    fields.update(re.findall(r'<select[^>]*name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', page, flags=re.S))
    fields.update(re.findall(r'name="(\w+)"[^>]*>\s*<option value="([^"]*)" selected', page))
    response = client.post(f"/c/riverside/channels/{channel.pk}/edit/", fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    channel.refresh_from_db()
    assert channel.digital_access_confirmed_on == dt.date(2026, 10, 22)
    assert channel.branding_checked_on == dt.date(2026, 9, 1)
    assert channel.platform_two_factor is True

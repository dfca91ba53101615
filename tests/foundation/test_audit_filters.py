"""The audit trail's date filters: a date that is not a real date is named, never silently ignored."""

from __future__ import annotations

import pytest
from django.urls import reverse


def trail(client, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("audit:trail", kwargs={"slug": "riverside"}), params)


@pytest.mark.parametrize("since", ["2026-02-30", "31/12/2026", "yesterday"])
def test_a_date_that_is_not_a_date_is_shown_as_an_error(people, client_for, since):  # type: ignore[no-untyped-def]
    answer = trail(client_for(people.auditor), since=since)
    body = answer.content.decode()
    assert answer.status_code == 200  # the page again, with the problem named
    assert "There is a problem" in body and "From must be a real date written as YYYY-MM-DD" in body
    assert "Correct the dates above to see events." in body


def test_to_before_from_is_an_error_and_the_csv_is_refused(people, client_for):  # type: ignore[no-untyped-def]
    client = client_for(people.auditor)
    assert (
        "To must be the same as or after From" in trail(client, since="2026-03-02", until="2026-03-01").content.decode()
    )
    csv = trail(client, until="2026-13-01", format="csv")
    assert csv.status_code == 400 and "To must be a real date" in csv.content.decode()


def test_good_dates_still_filter(people, client_for):  # type: ignore[no-untyped-def]
    answer = trail(client_for(people.auditor), since="2000-01-01", until="2999-12-31")
    assert answer.status_code == 200 and "There is a problem" not in answer.content.decode()

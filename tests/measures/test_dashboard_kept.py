"""The dashboard's content is kept for the next reader under the summary version: a new figure or a
changed account shows at once, and who may read it is still asked on every request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.councils.models import Membership

URL = "/c/riverside/measures/"
ASKED = {"metric": "followers", "quarter": "2016Q1"}


def test_a_new_figure_shows_at_once(
    people: SimpleNamespace, accounts: SimpleNamespace, record: Callable[..., None], client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2015, 3, 31): 5000, dt.date(2016, 3, 31): 6900})
    reader = client_for(people.councillor)
    assert "1,900 (38%)" in reader.get(URL, ASKED).content.decode()
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 7500})
    assert "2,500 (50%)" in reader.get(URL, ASKED).content.decode()


def test_a_renamed_account_shows_at_once(
    people: SimpleNamespace, accounts: SimpleNamespace, record: Callable[..., None], client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 6900})
    reader = client_for(people.councillor)
    assert "Riverside on X" in reader.get(URL, ASKED).content.decode()
    accounts.x.name = "Riverside Council on X"
    accounts.x.save()
    assert "Riverside Council on X" in reader.get(URL, ASKED).content.decode()


def test_a_kept_page_is_not_given_to_someone_no_longer_allowed(
    people: SimpleNamespace, accounts: SimpleNamespace, record: Callable[..., None], client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 6900})
    reader = client_for(people.councillor)
    assert reader.get(URL, ASKED).status_code == 200
    Membership.objects.filter(user=people.councillor).delete()
    assert client_for(people.councillor).get(URL, ASKED).status_code == 404
    assert client_for(people.outsider).get(URL, ASKED).status_code == 404


def test_the_import_link_follows_the_reader_not_the_kept_page(
    people: SimpleNamespace, accounts: SimpleNamespace, record: Callable[..., None], client_for: Callable[..., Client]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 6900})
    assert "Import figures" in client_for(people.comms).get(URL, ASKED).content.decode()
    assert "Import figures" not in client_for(people.councillor).get(URL, ASKED).content.decode()

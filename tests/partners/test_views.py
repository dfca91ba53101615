"""The combined pages: every row names its council; outsiders see nothing of a council they have no role at;
mixed roles give each council's own permissions."""

from __future__ import annotations

import pytest

from townsquare.channels.models import Channel
from townsquare.publishing.models import Post

pytestmark = pytest.mark.django_db

PAGES = ["/all/", "/all/calendar/", "/all/channels/"]


def test_shared_officer_sees_both_councils_on_every_combined_page(client_for, shared, waiting) -> None:
    client = client_for(shared)
    for url in [*PAGES, "/all/approvals/", "/all/channels/rationalisation/", "/all/accounts-summary/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Riverside District Council" in body and "Hillcrest District Council" in body, url


def test_home_tiles_per_council_count_what_waits(client_for, shared, waiting) -> None:
    response = client_for(shared).get("/all/")
    attention = {a.council.slug: {t.label: t.figure for t in a.tiles} for a in response.context["attention"]}
    assert attention["riverside"]["posts waiting for approval"] == 1
    assert attention["hillcrest"]["posts waiting for approval"] == 1
    assert "/c/hillcrest/posts/approvals/" in response.content.decode()


def test_outsider_sees_nothing_of_the_other_council(client_for, people, waiting) -> None:
    """A Hillcrest service officer: no Riverside council, channel or post anywhere in the combined view."""
    client = client_for(people.outsider)
    for url in [*PAGES, "/all/messages/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Riverside" not in body, url
    assert client.get("/all/?council=riverside").status_code == 404
    assert client.get("/all/calendar/?council=riverside").status_code == 404
    assert client.get("/all/channels/?council=riverside").status_code == 404
    # A service officer approves nowhere and sees no register: forbidden, not an empty page.
    assert client.get("/all/approvals/").status_code == 403
    assert client.get("/all/channels/rationalisation/").status_code == 403
    assert client.get("/all/accounts-summary/").status_code == 403


def test_outsider_calendar_lists_their_own_post_only(client_for, people, waiting) -> None:
    body = client_for(people.outsider).get("/all/calendar/?view=list").content.decode()
    assert "The leisure centre gym opens" in body
    assert "Bins are collected" not in body


def test_mixed_roles_queue_holds_only_the_council_where_they_approve(client_for, mixed, waiting) -> None:
    client = client_for(mixed)
    response = client.get("/all/approvals/")
    assert [row.item["post"].pk for row in response.context["items"]] == [waiting.riverside.pk]
    assert "The leisure centre gym opens" not in response.content.decode()
    assert client.get("/all/approvals/?council=hillcrest").status_code == 403
    assert client.get("/all/approvals/?council=elsewhere").status_code == 404


def test_mixed_roles_approve_only_the_first_councils_post(client_for, mixed, waiting) -> None:
    client = client_for(mixed)
    response = client.post("/all/approvals/", {"posts": [waiting.riverside.pk, waiting.hillcrest.pk]}, follow=True)
    waiting.riverside.refresh_from_db()
    waiting.hillcrest.refresh_from_db()
    assert waiting.riverside.status == Post.Status.APPROVED
    assert waiting.hillcrest.status == Post.Status.AWAITING_APPROVAL
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Approved 1 post (Riverside District Council)" in text
    assert "1 chosen post is no longer waiting for your approval" in text
    # And on the council's own page, as before.
    assert client.post(f"/c/hillcrest/posts/{waiting.hillcrest.pk}/decide/", {"decision": "approve"}).status_code == 403


def test_shared_officer_approves_at_both_councils_at_once(client_for, shared, waiting) -> None:
    client = client_for(shared)
    client.post("/all/approvals/", {"posts": [waiting.riverside.pk, waiting.hillcrest.pk]})
    statuses = set(
        Post.objects.filter(pk__in=[waiting.riverside.pk, waiting.hillcrest.pk]).values_list("status", flat=True)
    )
    assert statuses == {Post.Status.APPROVED}
    assert client.get("/all/approvals/").context["items"] == []


def test_empty_approval_is_refused_with_a_message(client_for, shared, waiting) -> None:
    response = client_for(shared).post("/all/approvals/", {}, follow=True)
    assert "Choose at least one post" in response.content.decode()
    assert Post.objects.filter(status=Post.Status.AWAITING_APPROVAL).count() == 2


def test_council_filter_narrows_every_list(client_for, shared, waiting, channel, hill_channel) -> None:
    client = client_for(shared)
    rows = client.get("/all/channels/?council=hillcrest").context["rows"]
    assert [c.pk for c in rows] == [hill_channel.pk]
    items = client.get("/all/approvals/?council=riverside").context["items"]
    assert [row.council.slug for row in items] == ["riverside"]


def test_combined_register_filters_and_rationalisation_csv(client_for, shared, channel, hill_channel) -> None:
    client = client_for(shared)
    rows = client.get("/all/channels/", {"platform": "facebook", "q": "Hillcrest"}).context["rows"]
    assert [c.pk for c in rows] == [hill_channel.pk]
    csv = client.get("/all/channels/rationalisation/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("council,platform")
    assert any(line.startswith("Hillcrest District Council,facebook") for line in lines)
    assert any(line.startswith("Riverside District Council,facebook") for line in lines)


def test_service_officer_register_holds_only_assigned_channels(client_for, people, riverside, channel) -> None:
    Channel.objects.create(council=riverside, platform="x", name="Not assigned", handle="@other")
    rows = client_for(people.officer).get("/all/channels/").context["rows"]
    assert [c.pk for c in rows] == [channel.pk]


def test_choice_is_kept_and_the_home_page_follows_it(client_for, shared) -> None:
    client = client_for(shared)
    assert client.get("/").status_code == 200  # no choice yet: the list of councils
    client.post("/all/choice/", {"enabled": "1"})
    assert client.get("/")["Location"] == "/all/"
    assert client.get("/?choose=1").status_code == 200  # "Switch council" still lists them
    client.post("/all/choice/", {"enabled": "0"})
    assert client.get("/").status_code == 200


def test_combined_pages_need_sign_in(client) -> None:
    for url in [*PAGES, "/all/approvals/", "/all/accounts-summary/", "/all/messages/new/"]:
        assert client.get(url)["Location"].startswith("/sign-in/"), url


def test_calendar_bad_input_is_ignored_not_an_error(client_for, shared, waiting) -> None:
    response = client_for(shared).get("/all/calendar/?view=year&date=not-a-date&status=nonsense")
    assert response.status_code == 200
    assert response.context["view"] == "list"


def test_council_pages_offer_the_combined_view_to_people_of_several_councils(client_for, shared, people) -> None:
    client = client_for(shared)
    assert "/all/approvals/" in client.get("/c/riverside/posts/approvals/").content.decode()
    assert "/all/calendar/" in client.get("/c/hillcrest/calendar/").content.decode()
    register = client.get("/c/hillcrest/channels/").content.decode()
    assert "/all/channels/" in register and "/c/hillcrest/accounts-summary/" in register
    assert "/all/" not in client_for(people.officer).get("/c/riverside/calendar/").content.decode()


def test_combined_register_is_paged(client_for, shared, riverside) -> None:
    Channel.objects.bulk_create(
        [Channel(council=riverside, platform="x", name=f"Ward {n}", handle=f"@ward{n}") for n in range(60)]
    )
    client = client_for(shared)
    first = client.get("/all/channels/")
    assert len(first.context["rows"]) == 50 and "Page 1 of 2" in first.content.decode()
    assert len(client.get("/all/channels/?page=2").context["rows"]) == 10
    assert len(client.get("/all/channels/?page=nonsense").context["rows"]) == 50


def test_calendar_month_and_week_grids_name_each_council(client_for, shared, waiting, later) -> None:
    client = client_for(shared)
    for view in ("month", "week"):
        response = client.get(f"/all/calendar/?view={view}&date={later.date().isoformat()}")
        body = response.content.decode()
        assert "ts-calendar" in body, view
        assert "Riverside District Council, Riverside Waste" in body and "Hillcrest District Council, Hillcrest" in body


def test_combined_pages_honour_two_factor(client_for, shared, riverside) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=shared, name="phone", confirmed=True)
    client = client_for(shared)  # signed in with a password only: the code is still owed
    for url in ["/all/", "/all/approvals/", "/all/messages/new/", "/all/accounts-summary/?format=pdf"]:
        assert client.get(url)["Location"].startswith("/sign-in/code/"), url

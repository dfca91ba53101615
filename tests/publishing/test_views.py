"""Pages and API: each works for the right people, 404 for outsiders, 403 for a role too low."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_submit

from .conftest import PNG

PAGES = ["list", "new", "queue", "settings", "calendar", "calendar_ics"]
POST_PAGES = ["detail", "edit"]
POST_ACTIONS = ["autosave", "image_add", "decide", "retry", "reschedule", "cancel"]
APPROVER_ONLY = {"queue", "settings", "decide", "reschedule"}


def url(name: str, post: Post | None = None) -> str:
    kwargs: dict[str, object] = {"slug": "riverside"}
    if post is not None:
        kwargs["pk"] = post.pk
    return reverse(f"publishing:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", PAGES)
def test_pages_refuse_outsiders_and_roles_too_low(client_for, people, name):
    assert client_for(people.outsider).get(url(name)).status_code == 404
    assert client_for(people.councillor).get(url(name)).status_code == 403
    officer = client_for(people.officer).get(url(name)).status_code
    assert officer == (403 if name in APPROVER_ONLY else 200)
    assert client_for(people.comms).get(url(name)).status_code == 200


@pytest.mark.parametrize("name", POST_PAGES + POST_ACTIONS)
def test_post_pages_refuse_outsiders_and_roles_too_low(client_for, people, make_post, name):
    post = make_post()
    method = "post" if name in POST_ACTIONS else "get"
    assert getattr(client_for(people.outsider), method)(url(name, post)).status_code == 404
    assert getattr(client_for(people.auditor), method)(url(name, post)).status_code == 403


def test_resolve_refuses_outsiders_and_roles_too_low(client_for, people, make_post):
    post = make_post()
    target = post.targets.get()
    address = reverse("publishing:resolve", kwargs={"slug": "riverside", "pk": post.pk, "target_pk": target.pk})
    assert client_for(people.outsider).post(address).status_code == 404
    assert client_for(people.councillor).post(address).status_code == 403


def test_another_officers_post_is_not_found(client_for, people, make_post, riverside):
    from townsquare.accounts.models import User
    from townsquare.councils.services import membership_grant

    other = User.objects.create_user("officer2@riverside.example", "x" * 20)
    membership_grant(actor=None, council=riverside, user=other, role="officer")
    post = make_post()
    assert client_for(other).get(url("detail", post)).status_code == 404


def test_compose_save_upload_and_submit_in_the_browser_forms(client_for, people, channel):
    client = client_for(people.officer)
    response = client.post(
        url("new"), {"text": "Christmas collection days change #binday", "channels": [channel.pk], "action": "save"}
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == url("edit", post)
    page = client.get(url("edit", post)).content.decode()
    assert "AX-03" in page and "BinDay" in page  # the hashtag finding, with its suggestion
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(url("image_add", post), {"image": SimpleUploadedFile("cal.png", PNG, content_type="image/png")})
    assert post.images.count() == 1
    response = client.post(
        url("edit", post),
        {
            "text": "Christmas collection days change #BinDay",
            "channels": [channel.pk],
            "action": "submit",
            "version": Post.objects.get().version,
        },
    )
    assert response.status_code == 200 and "no alt text" in response.content.decode()
    assert Post.objects.get().status == Post.Status.DRAFT
    image = post.images.get()
    client.post(
        reverse("publishing:image_change", kwargs={"slug": "riverside", "pk": post.pk, "image_pk": image.pk}),
        {"alt_text": "Calendar of the new collection days", "action": "alt"},
    )
    response = client.post(
        url("edit", post),
        {
            "text": "Christmas collection days change #BinDay",
            "channels": [channel.pk],
            "action": "submit",
            "version": Post.objects.get().version,
        },
    )
    assert response.status_code == 302
    assert Post.objects.get().status == Post.Status.AWAITING_APPROVAL


def test_autosave_answers_with_previews(client_for, people, make_post, channel):
    post = make_post()
    response = client_for(people.officer).post(
        url("autosave", post),
        {
            "text": "New words for the draft",
            "channels": [channel.pk],
            f"variant_{channel.pk}": "Facebook's own words",
            "version": post.version,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Facebook&#x27;s own words" in body or "Facebook's own words" in body
    assert "of 63206 characters" in body
    assert PostTarget.objects.get(post=post).text_override == "Facebook's own words"


def test_queue_bulk_approve_and_calendar_export(client_for, people, make_post):
    posts = [make_post(text=f"What's on, week {n}.") for n in range(2)]
    for post in posts:
        post_submit(actor=people.officer, post=post)
    client = client_for(people.comms)
    page = client.get(url("queue")).content.decode()
    assert "What&#x27;s on, week 0." in page
    client.post(url("queue"), {"posts": [p.pk for p in posts], "acknowledge": "1"})
    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.APPROVED}
    ics = client.get(url("calendar_ics")).content.decode()
    assert ics.count("BEGIN:VEVENT") == 2 and "What's on" in ics


def test_home_cards_show_waiting_posts(client_for, people, make_post):
    post_submit(actor=people.officer, post=make_post())
    page = client_for(people.comms).get(reverse("web:council_home", kwargs={"slug": "riverside"})).content.decode()
    assert "posts waiting for approval" in page


# --- the API ---------------------------------------------------------------------------------------------


def api(name: str, post: Post | None = None) -> str:
    return url(f"api_{name}", post)


def test_api_refuses_outsiders_and_roles_too_low(client_for, people, make_post):
    post = make_post()
    for name, target in (("posts", None), ("post", post)):
        assert client_for(people.outsider).get(api(name, target)).status_code == 404
        assert client_for(people.councillor).get(api(name, target)).status_code == 403
    for name in ("submit", "approve", "reject"):
        assert client_for(people.outsider).post(api(name, post)).status_code == 404
        assert client_for(people.councillor).post(api(name, post)).status_code == 403
    assert client_for(people.officer).post(api("approve", post)).status_code == 403


def test_api_draft_submit_approve_status(client_for, people, channel, bluesky, later):
    officer = client_for(people.officer)
    response = officer.post(
        api("posts"),
        json.dumps(
            {
                "text": "Recycling centre open bank holiday Monday.",
                "channels": [bluesky.pk],
                "scheduled_for": later.isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400  # not assigned to them
    response = officer.post(
        api("posts"),
        json.dumps(
            {
                "text": "Recycling centre open bank holiday Monday.",
                "channels": [channel.pk],
                "scheduled_for": later.isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["id"])
    assert (
        officer.post(api("submit", post), {}, content_type="application/json").json()["status"] == "awaiting_approval"
    )
    response = client_for(people.comms).post(api("approve", post), {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    status = officer.get(api("post", post)).json()
    assert status["targets"][0]["status"] == "scheduled" and status["delivery"] == "scheduled"


def test_api_reject_needs_a_reason(client_for, people, make_post):
    post = make_post()
    post_submit(actor=people.officer, post=post)
    comms = client_for(people.comms)
    assert comms.post(api("reject", post), {}, content_type="application/json").status_code == 400
    response = comms.post(api("reject", post), {"reason": "Add the map"}, content_type="application/json")
    assert response.json()["status"] == "rejected"

"""A refused page keeps the council's navigation; the home page's reconnect figure links to those channels."""

from __future__ import annotations

from django.urls import reverse

from townsquare.channels.models import Channel


def test_a_403_page_keeps_the_councils_header_and_navigation(client_for, people):
    answer = client_for(people.councillor).get(reverse("audit:trail", kwargs={"slug": "riverside"}))
    body = answer.content.decode()
    assert answer.status_code == 403 and "You cannot do this" in body
    assert 'aria-label="Council sections"' in body and "Riverside District Council" in body
    assert reverse("web:council_home", kwargs={"slug": "riverside"}) in body


def test_a_404_for_another_council_shows_none_of_it(client_for, people):
    body = client_for(people.outsider).get(reverse("audit:trail", kwargs={"slug": "riverside"})).content.decode()
    assert "Riverside District Council" not in body


def test_the_reconnect_figure_links_to_the_channels_that_need_it(client_for, people, channel, riverside):
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Council on X", handle="@RDC")
    Channel.objects.filter(pk=channel.pk).update(connection_state=Channel.Connection.NEEDS_RECONNECTING)
    client = client_for(people.comms)
    home = client.get(reverse("web:council_home", kwargs={"slug": "riverside"})).content.decode()
    link = reverse("channels:register", kwargs={"slug": "riverside"}) + "?connection=needs_reconnecting"
    assert f'href="{link}"' in home
    register = client.get(link).content.decode()
    assert channel.name in register and other.name not in register
    assert client.get(link.replace("needs_reconnecting", "nonsense")).status_code == 200

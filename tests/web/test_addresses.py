"""The base template's addresses, kept once worked out, are those ``{% url %}`` and ``{% static %}`` give, under
the script prefix of the request and after the static files' settings change."""

from __future__ import annotations

from django.template import Context, Template
from django.test import override_settings
from django.urls import set_script_prefix


def _render(text: str) -> str:
    return Template(text).render(Context({"slug": "riverside"}))


def test_an_address_is_the_one_url_gives() -> None:
    for name in ("'web:council_home' slug", "'notifications:list'", "'accounts:sign_out'", "'api:schema'"):
        assert _render(f"{{% address {name} %}}") == _render(f"{{% url {name} %}}")


def test_an_address_follows_the_script_prefix() -> None:
    try:
        set_script_prefix("/townsquare/")
        assert _render("{% address 'notifications:list' %}").startswith("/townsquare/")
    finally:
        set_script_prefix("/")
    assert not _render("{% address 'notifications:list' %}").startswith("/townsquare/")


def test_an_asset_is_the_one_static_gives_and_follows_the_settings() -> None:
    static = "{% load static %}{% static 'townsquare/init.js' %}"
    assert _render("{% asset 'townsquare/init.js' %}") == _render(static)
    with override_settings(STATIC_URL="/assets/"):
        assert _render("{% asset 'townsquare/init.js' %}") == "/assets/townsquare/init.js" == _render(static)
    assert _render("{% asset 'townsquare/init.js' %}") == _render(static)

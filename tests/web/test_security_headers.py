"""A Content-Security-Policy and a Permissions-Policy on every page; inline code only with the nonce."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.test import Client


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_carries_both_policies(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    signed_in = client_for(people.admin)
    for client, path in (
        (Client(), "/sign-in/"),
        (signed_in, "/c/riverside/"),
        (signed_in, "/account/"),
        (signed_in, "/c/no-such-council/"),
        (Client(), "/healthz"),
        (signed_in, "/api/me/"),
    ):
        response = client.get(path)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-inline'" not in policy["style-src"] and policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"], path
        permissions = response["Permissions-Policy"]
        assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_inline_script_and_style_carry_the_responses_nonce(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(people.admin).get("/c/riverside/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    styles = re.findall(r"<style([^>]*)>", html)
    assert scripts and styles
    assert all(f'nonce="{nonce.group(1)}"' in attrs for attrs in scripts + styles)
    assert " style=" not in html  # style attributes cannot carry a nonce
    other = client_for(people.admin).get("/c/riverside/")["Content-Security-Policy"]
    assert nonce.group(1) not in other  # a new nonce for every response

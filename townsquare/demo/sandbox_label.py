"""In the demo, a visible "Sandbox" tag wherever a channel connected to the sandbox server is named.

Channels are named on dozens of pages (registers, queues, calendars, the inbox, previews); tagging
the rendered page here, in demo mode only (settings add this middleware only when the demo runs a
sandbox), marks every one of them without each page having to know that a sandbox exists. Text in
an ``<option>`` or ``<title>`` cannot hold markup, so there the name gains " (Sandbox)"; scripts,
styles, form fields' values and attributes are left exactly as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

TAG = '<strong class="govuk-tag govuk-tag--yellow ts-sandbox-tag">Sandbox</strong>'
PLAIN = " (Sandbox)"
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_ELEMENT = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
UNTOUCHED = {"script", "style", "textarea"}  # their text is code or a value a person edits
PLAIN_ONLY = {"option", "title"}  # their text is shown, but cannot hold markup


def sandbox_channel_names() -> list[str]:
    """Names of the channels connected to the demo's sandbox server (none outside the demo)."""
    origin = getattr(settings, "SANDBOX_ORIGIN", "")
    if not origin:
        return []
    from townsquare.connectors.models import Connection

    names = Connection.objects.filter(base_url=origin.rstrip("/")).values_list("channel__name", flat=True)
    return sorted(set(names), key=len, reverse=True)  # the longest first, so one name inside another is not split


def label_html(html: str, names: list[str]) -> str:
    """``html`` with each of ``names`` in its text followed by the sandbox tag."""
    if not names:
        return html
    escaped = [escape(name) for name in names]
    pattern = re.compile("|".join(re.escape(e) for e in escaped))
    out: list[str] = []
    inside: list[str] = []  # the open elements of UNTOUCHED and PLAIN_ONLY
    tokens = _TOKENS.split(html)
    for index, token in enumerate(tokens):
        if index % 2:  # a tag or a comment
            element = _ELEMENT.match(token)
            if element:
                closing, name = element.group(1), element.group(2).lower()
                if name in UNTOUCHED | PLAIN_ONLY:
                    if closing and inside and inside[-1] == name:
                        inside.pop()
                    elif not closing and not token.rstrip().endswith("/>"):
                        inside.append(name)
            out.append(token)
            continue
        if not token or (inside and inside[-1] in UNTOUCHED) or not pattern.search(token):
            out.append(token)
            continue
        out.append(pattern.sub(r"\g<0>" + (PLAIN if inside else TAG), token))
    return "".join(out)


class SandboxLabelMiddleware:
    """Tags sandbox channels' names on every HTML page (added by settings only in demo mode)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or response.get("Content-Encoding")
        ):
            return response
        names = sandbox_channel_names()
        if names:
            charset = response.charset or "utf-8"
            response.content = label_html(response.content.decode(charset), names).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

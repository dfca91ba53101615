"""Two-factor enforcement for signed-in pages.

A person who has an authenticator set up must enter a code after their password; a person with a
role in a council that makes two-factor mandatory must set one up before using anything else.
Single sign-on sessions count as verified: the council's identity provider does its own MFA.
What counts as verified is decided in one place, ``townsquare.accounts.two_factor``.

The exempt paths check for themselves: the set-up page asks for a code before changing the
devices of a person who has one, the API's session authentication applies the same rule (and
answers JSON), and /healthz gives details only to a session that passes.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from townsquare.accounts.two_factor import two_factor_needed

EXEMPT_PATHS = ("/sign-in/", "/sign-in/code/", "/sign-out/", "/healthz", "/account/two-factor/")
EXEMPT_PREFIXES = ("/static/", "/api/", "/oidc/")


def exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not exempt(request.path):
            needed = two_factor_needed(request)
            if needed == "code":
                return redirect(f"/sign-in/code/?next={quote(request.get_full_path())}")
            if needed == "setup":
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)

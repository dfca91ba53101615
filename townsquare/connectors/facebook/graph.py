"""What every Meta Graph API connector shares: the Graph address, the token in each call, and
Facebook Login (Facebook Pages and Instagram business accounts both connect through it), and the
reading of posts' lifetime insights asked for with the posts (``insights.metric(...)``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import requests

from townsquare.connectors import http
from townsquare.connectors.base import Credentials
from townsquare.connectors.bearer import BearerConnector
from townsquare.connectors.facebook import login

GRAPH_URL = "https://graph.facebook.com"
GRAPH_VERSION = "v23.0"


class GraphConnector(BearerConnector):
    app_name: ClassVar[str]  # whose app settings: "Facebook" or "Instagram"
    scopes: ClassVar[list[str]]
    token_field = "page_token"

    @property
    def graph(self) -> str:
        return f"{(self.base_url or GRAPH_URL).rstrip('/')}/{self.settings.get('graph_version', GRAPH_VERSION)}"

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.graph}/{path.lstrip('/')}"

    def _login_call(
        self, method: str, url: str, *, safe_to_retry: bool, token: str = "", **kwargs: Any
    ) -> requests.Response:
        if token:
            kwargs["headers"] = {"Authorization": f"Bearer {token}"}
        return http.call(method, url, safe_to_retry=safe_to_retry, classify=self.classify, sleep=self.sleep, **kwargs)

    def authorisation_url(self, *, state: str, redirect_uri: str, code_challenge: str = "", **_: Any) -> str:
        return login.dialog_url(
            version=self.settings.get("graph_version", GRAPH_VERSION),
            client_id=login.setting(self.settings, "client_id", self.app_name),
            redirect_uri=redirect_uri,
            state=state,
            scopes=self.scopes,
        )

    def complete_authorisation(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> Credentials:
        return self._account_credentials(code=code, redirect_uri=redirect_uri)

    def refresh(self) -> Credentials:
        return self._account_credentials(user_token=self._cred("user_token"))

    def _long_lived_user_token(self, *, code: str, redirect_uri: str, user_token: str) -> tuple[str, Any]:
        return login.long_lived_user_token(
            self._login_call,
            graph=self.graph,
            code=code,
            redirect_uri=redirect_uri,
            user_token=user_token,
            client_id=login.setting(self.settings, "client_id", self.app_name),
            client_secret=login.setting(self.settings, "client_secret", self.app_name),
        )

    def _account_credentials(self, *, code: str = "", redirect_uri: str = "", user_token: str = "") -> Credentials:
        raise NotImplementedError


def lifetime_figures(rows: Any, metric: str) -> dict[str, int]:
    """Graph's posts or media with their insights nested (``insights.metric(...)``): each object's
    lifetime figure for ``metric``; an object Graph gave no figure for is left out."""
    found: dict[str, int] = {}
    for row in (rows.get("data") or []) if isinstance(rows, dict) else []:
        insights = row.get("insights") if isinstance(row, dict) else None
        for figure in (insights.get("data") or []) if isinstance(insights, dict) else []:
            values = figure.get("values") if isinstance(figure, dict) else None
            if figure.get("name") != metric or not values or not str(row.get("id", "")):
                continue
            try:
                found[str(row["id"])] = max(int(values[-1].get("value")), 0)
            except (TypeError, ValueError, AttributeError):
                continue  # not given as a number: left out, not guessed
    return found

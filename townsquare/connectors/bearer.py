"""The plumbing every OAuth 2 connector shares (X, LinkedIn, YouTube, and Facebook and Instagram
through ``facebook.graph``): credentials and app settings read by name, and each call made through
``townsquare.connectors.http`` with the access token as a bearer token, the platform's reading of
its error bodies, and its rate-limit headroom noted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

import requests

from townsquare.connectors import http
from townsquare.connectors.base import Connector, ConnectorError, Credentials, ErrorKind, RateHeadroom


class BearerConnector(Connector):
    auth_method = "oauth2"
    display_name: ClassVar[str]  # the platform as people know it, in messages
    not_connected_message: ClassVar[str]
    api_url: ClassVar[str] = ""  # where relative paths go
    token_field: ClassVar[str] = "access_token"  # the credential sent as the bearer token

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        base_url: str = "",
        settings: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(credentials, base_url=base_url, settings=settings)
        self.sleep = sleep

    @property
    def api(self) -> str:
        return (self.base_url or self.api_url).rstrip("/")

    def _cred(self, name: str) -> str:
        if self.credentials is None or not self.credentials.data.get(name):
            raise ConnectorError(ErrorKind.REAUTHORISE, self.not_connected_message)
        return str(self.credentials.data[name])

    def _setting(self, name: str) -> str:
        if not self.settings.get(name):
            raise ConnectorError(
                ErrorKind.REJECTED,
                f"{self.display_name} is not set up on this Townsquare ({name} "
                "is missing). Ask an administrator to add the app's details.",
            )
        return str(self.settings[name])

    def classify(self, response: requests.Response) -> ConnectorError | None:
        """The platform's reading of an error body (None: the common reading by status)."""
        return None

    def _note_headroom(self, room: RateHeadroom) -> None:
        self.last_headroom = room

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.api}{path}"

    def _headers(self) -> dict[str, str]:
        """Headers the platform wants on every call, besides the token."""
        return {}

    def _call(
        self, method: str, path: str, *, safe_to_retry: bool, token: str = "", **kwargs: Any
    ) -> requests.Response:
        headers = {
            **self._headers(),
            **kwargs.pop("headers", {}),
            "Authorization": f"Bearer {token or self._cred(self.token_field)}",
        }
        return http.call(
            method,
            self._url(path),
            safe_to_retry=safe_to_retry,
            classify=self.classify,
            on_headroom=self._note_headroom,
            sleep=self.sleep,
            headers=headers,
            **kwargs,
        )

    def _read_one(
        self,
        path: str,
        external_id: str,
        *,
        gone: Callable[[str], bool],
        unwrap: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """One object read by its id (``read_post``): the platform's JSON for it, or None where ``gone`` says the
        error's ``platform_code`` means it no longer exists. ``unwrap``: the object within a 2xx answer, None where
        that answer says it no longer exists (X's). Any other answer raises ConnectorError."""
        try:
            answer = self._call("GET", path, safe_to_retry=True, **kwargs).json()
        except ConnectorError as error:
            if gone(error.platform_code):
                return None
            raise
        except ValueError as error:  # a 2xx that is not JSON
            raise ConnectorError(ErrorKind.REJECTED, f"{self.display_name}'s answer could not be read.") from error
        if unwrap is not None:
            answer = unwrap(answer)
            if answer is None:
                return None
        if not isinstance(answer, dict) or str(answer.get("id", "")) != external_id:
            raise ConnectorError(ErrorKind.REJECTED, f"{self.display_name}'s answer could not be read.", raw=answer)
        return answer

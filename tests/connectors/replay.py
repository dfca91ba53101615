"""Replay recorded platform exchanges in place of ``townsquare.connectors.http.send``.

A fixture file (``fixtures/<platform>/<name>.json``) holds ``{"about": ..., "exchanges": [...]}``.
Each exchange names what the connector must send and what the platform answers::

    {"request": {"method": "POST", "url": "https://graph.facebook.com/v21.0/42/photos",
                 "params": {...}, "data": {...}, "json": {...}, "files": ["source"],
                 "headers": {"Authorization": "Bearer page-token"}},
     "response": {"status": 200, "headers": {...}, "json": {...}}}

or ``"raise": "ReadTimeout"`` instead of a response. Expected ``params``/``data``/``json``/``headers``
are subsets: every key given must be sent with that value (nested dicts and lists compared
recursively), so a connector that drops alt text fails. The replayer fails on any request it did
not expect, out of order, and (on leaving the ``with`` block) on any exchange not made.
Header values ``"$NOW+30"`` become a Unix time 30 seconds from the moment of replay.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from googleapiclient.http import HttpMockSequence
from requests.structures import CaseInsensitiveDict

from townsquare.connectors import http

FIXTURES = Path(__file__).parent / "fixtures"


def load(platform: str, name: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / platform / f"{name}.json").read_text())
    exchanges: list[dict[str, Any]] = data["exchanges"]
    return exchanges


def _matches(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, sent {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: {key!r} was not sent (sent: {sorted(actual)})"
            _matches(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list | tuple), f"{where}: expected a list, sent {actual!r}"
        assert len(expected) == len(actual), f"{where}: expected {len(expected)} items, sent {len(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _matches(want, got, f"{where}[{index}]")
    else:
        assert expected == actual or str(expected) == str(actual), f"{where}: expected {expected!r}, sent {actual!r}"


def _form(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes | str):
        text = data.decode() if isinstance(data, bytes) else data
        return dict(parse_qsl(text))
    return dict(data)


def _header_value(value: str) -> str:
    if value.startswith("$NOW+"):
        return str(int(time.time()) + int(value[5:]))
    return value


class Replayer:
    def __init__(self, exchanges: list[dict[str, Any]]) -> None:
        self.pending = list(exchanges)
        self.sent: list[dict[str, Any]] = []

    def __call__(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.sent.append({"method": method, "url": url, **kwargs})
        assert self.pending, f"unexpected request: {method} {url.split('?')[0]}"
        exchange = self.pending.pop(0)
        want = exchange["request"]
        where = f"{method} {url.split('?')[0]}"
        assert method.upper() == want["method"], f"expected {want['method']} {want['url']}, got {where}"
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == want["url"], f"expected {want['url']}, got {where}"
        params = dict(parse_qsl(parts.query))
        params.update({k: v for k, v in (kwargs.get("params") or {}).items() if v is not None})
        _matches(want.get("params", {}), params, f"{where} params")
        if "data" in want:
            _matches(want["data"], _form(kwargs.get("data")), f"{where} form")
        if "json" in want:
            _matches(want["json"], kwargs.get("json"), f"{where} json")
        for name in want.get("files", []):
            assert name in (kwargs.get("files") or {}), f"{where}: file field {name!r} was not sent"
        if "body" in want:
            assert kwargs.get("data") == want["body"].encode(), f"{where}: body differs"
        sent_headers = CaseInsensitiveDict(kwargs.get("headers") or {})
        for key, value in want.get("headers", {}).items():
            assert sent_headers.get(key) == value, (
                f"{where}: header {key} expected {value!r}, sent {sent_headers.get(key)!r}"
            )
        if "raise" in exchange:
            raise getattr(requests, exchange["raise"])(f"replayed {exchange['raise']}")
        return _response(exchange["response"], url)

    def assert_done(self) -> None:
        left = [f"{e['request']['method']} {e['request']['url']}" for e in self.pending]
        assert not left, f"expected requests were not made: {left}"


def _response(spec: dict[str, Any], url: str) -> requests.Response:
    response = requests.Response()
    response.status_code = spec.get("status", 200)
    response.headers = CaseInsensitiveDict({k: _header_value(v) for k, v in spec.get("headers", {}).items()})
    if "json" in spec:
        response._content = json.dumps(spec["json"]).encode()
        response.headers.setdefault("content-type", "application/json")
    else:
        response._content = spec.get("text", "").encode()
    response.encoding = "utf-8"
    response.url = url
    return response


@contextmanager
def replay(monkeypatch: pytest.MonkeyPatch, platform: str, *names: str) -> Iterator[Replayer]:
    """Replace ``http.send`` with the named fixtures, played in order; all must be used."""
    exchanges = [exchange for name in names for exchange in load(platform, name)]
    replayer = Replayer(exchanges)
    monkeypatch.setattr(http, "send", replayer)
    yield replayer
    replayer.assert_done()


def _google_json(body: Any) -> Any:
    """The JSON a google-api-python-client request carries, alone or as the first part of a multipart upload."""
    if body is None:
        return None
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    start = text.find("{")
    return json.JSONDecoder().raw_decode(text[start:])[0] if start >= 0 else None


@contextmanager
def google_replay(platform: str, *names: str) -> Iterator[HttpMockSequence]:
    """The same fixtures played through google-api-python-client's own ``HttpMockSequence``.

    The mock answers in order; on leaving the block every request it received is checked against
    its fixture (method, URL, query and JSON body subsets) and all answers must have been used.
    """
    exchanges = [exchange for name in names for exchange in load(platform, name)]
    answers = []
    for exchange in exchanges:
        spec = exchange["response"]
        content = json.dumps(spec["json"]) if "json" in spec else spec.get("text", "")
        answers.append(({"status": str(spec.get("status", 200)), **spec.get("headers", {})}, content))
    mock = HttpMockSequence(answers)
    yield mock
    assert len(mock.request_sequence) == len(exchanges), (
        f"expected {len(exchanges)} requests, got "
        f"{[f'{m} {u.split(chr(63))[0]}' for u, m, _, _ in mock.request_sequence]}"
    )
    for (uri, method, body, _headers), exchange in zip(mock.request_sequence, exchanges, strict=True):
        want = exchange["request"]
        parts = urlsplit(uri)
        where = f"{method} {parts.path}"
        assert method == want["method"] and f"{parts.scheme}://{parts.netloc}{parts.path}" == want["url"], (
            f"expected {want['method']} {want['url']}, got {where}"
        )
        _matches(want.get("params", {}), dict(parse_qsl(parts.query)), f"{where} params")
        if "json" in want:
            _matches(want["json"], _google_json(body), f"{where} json")

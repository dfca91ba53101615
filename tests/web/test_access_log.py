"""The web server's access log writes the line gunicorn's own logger would, whatever the format."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from townsquare.web.access_log import AccessLogger
from townsquare.web.management.commands.serve import web_command

FORMATS = [
    '%(t)s "%(r)s" %(s)s %(M)sms',  # the one ``manage.py serve`` gives
    "%(m)s %(U)s?%(q)s %(H)s %(s)s %(T)s %(D)s",
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',  # gunicorn's default: its own way
    "%({user-agent}i)s %({content-type}o)s %(p)s",
]


def _line(logger: Logger, log_format: str) -> str:
    logger.cfg.set("access_log_format", log_format)
    resp = SimpleNamespace(status="200 OK", headers=[("Content-Type", 'application/json; q="1"')], sent=120)
    req = SimpleNamespace(headers=[("USER-AGENT", 'curl "8"'), ("HOST", "example.org")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/councils/riverside/archive/?q=bins",
        "PATH_INFO": "/api/councils/riverside/archive/",
        "QUERY_STRING": "q=bins",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    atoms = logger.atoms_wrapper_class(logger.atoms(resp, req, environ, dt.timedelta(seconds=1, microseconds=2345)))
    return str(logger.cfg.access_log_format % atoms)


@pytest.mark.parametrize("log_format", FORMATS)
def test_lines_are_gunicorns(log_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Logger, "now", lambda self: "[07/Dec/2026:15:22:40 +0000]")
    assert _line(AccessLogger(Config()), log_format) == _line(Logger(Config()), log_format)


def test_the_server_logs_with_it() -> None:
    command = web_command(bind="127.0.0.1:8000", workers=3, threads=1)
    assert command[command.index("--logger-class") + 1] == "townsquare.web.access_log.AccessLogger"

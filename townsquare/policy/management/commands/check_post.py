"""Check a draft from the command line: ``manage.py check_post FILE.json``.

FILE holds ``{"council": slug, "channels": [...], "text": ..., "images": [{"alt": ...}],
"scheduled_for": ISO-8601}``; other keys are ignored. Channels may be channel ids, handles or
platform names. Prints one JSON line per finding; exits 1 when any finding blocks, 0 otherwise,
and 2 (with a message on stderr) when the file, its JSON or the council is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.policy.selectors import channels_resolve
from townsquare.policy.services import check_draft


class InputError(Exception):
    pass


def _channels(council: Council, given: list[Any]) -> list[Channel | str]:
    try:
        return channels_resolve(council=council, given=given)
    except LookupError as exc:
        raise InputError(str(exc.args[0])) from exc


def parse_payload(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError("The file must hold one JSON object.")
    council = Council.objects.filter(slug=str(raw.get("council", ""))).first()
    if council is None:
        raise InputError(f"No council with the slug {raw.get('council')!r}.")
    text = raw.get("text", "")
    if not isinstance(text, str):
        raise InputError('"text" must be a string.')
    channels = raw.get("channels") or []
    images = raw.get("images") or []
    if not isinstance(channels, list) or not isinstance(images, list):
        raise InputError('"channels" and "images" must be lists.')
    images = [img if isinstance(img, dict) else {"alt": ""} for img in images]
    scheduled_for = None
    if raw.get("scheduled_for"):
        try:
            scheduled_for = dt.datetime.fromisoformat(str(raw["scheduled_for"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputError('"scheduled_for" must be an ISO-8601 date and time.') from exc
    return {
        "council": council,
        "text": text,
        "channels": _channels(council, channels),
        "images": images,
        "scheduled_for": scheduled_for,
        "is_reply": bool(raw.get("is_reply", False)),
    }


class Command(BaseCommand):
    help = "Check a draft post against the council's policy rules; exit 1 if anything blocks it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file: council, channels, text, images, scheduled_for")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            try:
                raw = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise InputError(f"No such file: {options['file']}") from exc
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"Cannot read {options['file']}: {exc}") from exc
            except json.JSONDecodeError as exc:
                raise InputError(f"{options['file']} is not valid JSON: {exc}") from exc
            payload = parse_payload(raw)
        except InputError as exc:
            self.stderr.write(f"check_post: {exc}")
            sys.exit(2)
        result = check_draft(**payload)
        for finding in result.findings:
            self.stdout.write(
                json.dumps(
                    {
                        "rule": finding.rule,
                        "severity": finding.severity,
                        "start": finding.start,
                        "end": finding.end,
                        "message": finding.message,
                    },
                    ensure_ascii=False,
                )
            )
        if result.blocked:
            sys.exit(1)

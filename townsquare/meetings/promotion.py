"""Promotional wording and timing: pure functions, no database writes.

Templates are plain text with a few named placeholders. Only those names are allowed, with no
format specs or attribute access: a template is typed by staff, and ``str.format`` would
otherwise let "{committee.__class__}" or "{date:>999999999}" through.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import TYPE_CHECKING

from django.utils import timezone

from townsquare.meetings.calendar_io import local_zone

if TYPE_CHECKING:
    from townsquare.meetings.models import LiveStream, Meeting, PromotionOffset

PLACEHOLDERS = ["committee", "date", "time", "venue", "agenda_link"]
STREAM_PLACEHOLDERS = [*PLACEHOLDERS, "item", "stream_link"]
DEFAULT_OFFSETS = [
    (
        7,
        dt.time(10, 0),
        "{committee} meets on {date} at {time} at {venue}. Everyone is welcome to watch or attend. "
        "Read the agenda: {agenda_link}",
    ),
    (0, dt.time(9, 0), "{committee} meets today at {time} at {venue}. Read the agenda: {agenda_link}"),
]
DEFAULT_ANNOUNCEMENT = 'Watch live: {committee} on {date} at {time}. We are streaming "{item}": {stream_link}'


def template_problems(template: str, allowed: list[str] | None = None) -> list[str]:
    """What is wrong with a template, in plain words; empty when it can be used."""
    allowed = allowed or PLACEHOLDERS
    if not template.strip():
        return ["Write the text of the post."]
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return ["Curly brackets must come in pairs around a placeholder, like {committee}."]
    problems = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            problems.append(f"{{{name}}} is not a placeholder. Use: {', '.join('{' + p + '}' for p in allowed)}.")
    return problems


def time_label(value: dt.datetime) -> str:
    """GOV.UK style: 7pm, 7:30pm, midday."""
    local = timezone.localtime(value, local_zone())
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    return f"{hour}{f':{local.minute:02d}' if local.minute else ''}{'am' if local.hour < 12 else 'pm'}"


def date_label(value: dt.datetime) -> str:
    return timezone.localtime(value, local_zone()).strftime("%A %-d %B")


def meeting_values(meeting: Meeting) -> dict[str, str]:
    return {
        "committee": meeting.committee,
        "date": date_label(meeting.starts_at),
        "time": time_label(meeting.starts_at),
        "venue": meeting.venue or "online",
        "agenda_link": meeting.agenda_url,
    }


def render(template: str, values: dict[str, str]) -> str:
    if template_problems(template, list(values)):
        raise ValueError("The template has placeholders that cannot be filled.")
    return template.format_map(values).strip()


def promotion_text(offset: PromotionOffset, meeting: Meeting) -> str:
    return render(offset.template, meeting_values(meeting))


def announcement_text(template: str, stream: LiveStream) -> str:
    return render(
        template, {**meeting_values(stream.meeting), "item": stream.agenda_item, "stream_link": stream.stream_url}
    )


def promotion_slot(offset: PromotionOffset, meeting: Meeting) -> dt.datetime:
    """The offset's local wall-clock time, ``days_before`` the meeting's local date (right across BST)."""
    zone = local_zone()
    day = meeting.starts_at.astimezone(zone).date() - dt.timedelta(days=offset.days_before)
    return dt.datetime.combine(day, offset.at_time, tzinfo=zone)


def meeting_fingerprint(meeting: Meeting) -> str:
    """What promotional wording depends on; a change since drafting means the draft may be wrong."""
    return "|".join(
        [meeting.committee, meeting.starts_at.astimezone(dt.UTC).isoformat(), meeting.venue, meeting.agenda_url]
    )

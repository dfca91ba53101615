"""A request's records as the files of the reply: CSV, JSON and a tagged, accessible PDF (PDF/UA-1),
each record with its platform, author, time, every version and its link; accepted redactions applied."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord
from townsquare.disclosure.models import InformationRequest, Redaction

CSV_COLUMNS = [
    "record",
    "kind",
    "platform",
    "channel",
    "author",
    "occurred_at",
    "deleted_at",
    "url",
    "version",
    "event",
    "captured_at",
    "content_hash",
    "text",
]


@dataclass
class ExportVersion:
    n: int
    event: str
    captured_at: str
    content_hash: str
    text: str


@dataclass
class ExportRecord:
    record: int
    kind: str
    platform: str
    channel: str
    author: str
    occurred_at: str
    deleted_at: str
    url: str
    versions: list[ExportVersion] = field(default_factory=list)


def redacted_label(category: str) -> str:
    return f"[redacted: {dict(Redaction.Category.choices).get(category, category).lower()}]"


def apply_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, category) stretch replaced by its label, latest first so the
    earlier offsets still hold."""
    for start, end, category in sorted(spans, reverse=True):
        text = text[:start] + redacted_label(category) + text[end:]
    return text


def _when(value: object) -> str:
    return timezone.localtime(value).isoformat() if value else ""  # type: ignore[arg-type]


def export_build(records: Iterable[ArchiveRecord], accepted: Iterable[Redaction]) -> list[ExportRecord]:
    """The records as they are released: every version in order, with the accepted redactions applied."""
    text_spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    author_hidden: dict[int, str] = {}
    for redaction in accepted:
        if redaction.field == "author":
            author_hidden[redaction.version_id] = redaction.category
        else:
            text_spans[redaction.version_id].append((redaction.start, redaction.end, redaction.category))
    built = []
    for record in records:
        versions = list(record.versions.all())
        author = record.author
        for version in versions:
            if version.pk in author_hidden:
                author = redacted_label(author_hidden[version.pk])
        built.append(
            ExportRecord(
                record=record.pk,
                kind=record.get_kind_display(),
                platform=record.platform,
                channel=record.channel.name if record.channel else "",
                author=author,
                occurred_at=_when(record.occurred_at),
                deleted_at=_when(record.deleted_at),
                url=record.url,
                versions=[
                    ExportVersion(
                        v.n,
                        v.get_event_display(),
                        _when(v.captured_at),
                        v.content_hash,
                        apply_spans(v.text, text_spans.get(v.pk, [])),
                    )
                    for v in versions
                ],
            )
        )
    return built


def export_csv(records: list[ExportRecord]) -> bytes:
    """One row per version; a spreadsheet opens it (UTF-8 with a byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        for v in r.versions:
            writer.writerow(
                [
                    r.record,
                    r.kind,
                    r.platform,
                    r.channel,
                    r.author,
                    r.occurred_at,
                    r.deleted_at,
                    r.url,
                    v.n,
                    v.event,
                    v.captured_at,
                    v.content_hash,
                    v.text,
                ]
            )
    return ("\ufeff" + out.getvalue()).encode()


def export_json(request: InformationRequest, records: list[ExportRecord]) -> bytes:
    payload = {
        "reference": request.reference,
        "council": request.council.name,
        "kind": request.get_kind_display(),
        "exported_at": timezone.now().isoformat(),
        "records": [asdict(r) for r in records],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()


def export_html(request: InformationRequest, records: list[ExportRecord]) -> str:
    return render_to_string(
        "disclosure/export_pdf.html", {"request": request, "records": records, "exported_at": timezone.now()}
    )


def export_pdf(request: InformationRequest, records: list[ExportRecord]) -> bytes:
    """A tagged PDF (PDF/UA-1): real text, a heading per record, each version in a table with headers."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=export_html(request, records)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return pdf


EXPORTERS = {
    "csv": (lambda request, records: export_csv(records), "text/csv; charset=utf-8"),
    "json": (export_json, "application/json"),
    "pdf": (export_pdf, "application/pdf"),
}

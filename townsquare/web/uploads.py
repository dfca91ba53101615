"""Uploads are streamed to disk or memory in chunks and stopped at a size limit, never read whole.

``LimitedUploadHandler`` comes first in ``FILE_UPLOAD_HANDLERS``: it counts each file's bytes as
they arrive and, past ``MAX_UPLOAD_BYTES``, drops the rest of that file and notes it on the request,
so the page can say "the file is too large" instead of "choose a file". Each import then reads at
most its own limit plus one byte (``read_limited``).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the largest any page takes (the channel register's CSV)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            if self.request is not None:
                refused: set[str] = getattr(self.request, "uploads_refused", set())
                refused.add(self.field_name)
                self.request.uploads_refused = refused  # type: ignore[attr-defined]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


def upload_refused(request: HttpRequest, field: str) -> str:
    """Why the file sent in ``field`` is missing though one was chosen, or "" when it was not refused."""
    if field in getattr(request, "uploads_refused", set()):
        return f"The file is larger than {_megabytes(MAX_UPLOAD_BYTES)}: nothing was read from it."
    return ""


def read_limited(upload: IO[bytes], limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit`` (never more than limit + 1 are read)."""
    content = upload.read(limit + 1)
    return None if len(content) > limit else content


def too_large_message(limit: int) -> str:
    return f"The file is larger than {_megabytes(limit)}."

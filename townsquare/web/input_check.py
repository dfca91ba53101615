"""Form fields and query strings holding a NUL character are refused with a message, before any view.

Django's form fields refuse NUL ("Null characters are not allowed"), but views that read a field
directly passed it on, and PostgreSQL cannot store it: the page failed with a server error there
(an internal note, a reply, a tag, a saved reply, an image's alt text). Nobody types NUL; it comes from a
pasted binary or a crafted request, so one message for the whole request is enough, and nothing is
changed. JSON bodies are the API's: its serializers refuse NUL field by field. What platforms send is
kept, with NUL replaced (``townsquare.storable``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

# The error page goes on to say that nothing was changed, and to go back, correct it and try again.
MESSAGE = (
    "Something you sent holds a NUL character (an invisible control character, often from pasting a "
    "file's contents), which cannot be stored."
)


def has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.method in ("GET", "HEAD", "OPTIONS") or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return False
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())


class NulInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            raise BadRequest(MESSAGE)
        return self.get_response(request)

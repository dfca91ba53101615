from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django validation errors from services as 400s, not 500s."""
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=400)
    return drf_handler(exc, context)

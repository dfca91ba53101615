"""The OpenAPI schema documents every answer an operation can give, its errors included.

drf-spectacular documents only the success of each operation. Every operation can also answer 401
(no valid token), 403 (a role too low) and 404 (a council or record you cannot see); one that takes
parameters or a body answers 400 when they are wrong, and one that takes a body 413 when it is too
large. Each is added here with the JSON body the API sends (townsquare/api/errors.py).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField(help_text="What is wrong, in plain words.")


class InvalidSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Each field in error with its messages; ``detail`` for a problem with the request as a whole."""

    detail = serializers.JSONField(required=False, help_text="A message, or a list of messages.")


ERRORS: dict[str, tuple[type[serializers.Serializer], str]] = {  # type: ignore[type-arg]
    "400": (InvalidSerializer, "The parameters or body cannot be used; nothing was changed."),
    "401": (ErrorSerializer, "No valid token (or session) was sent."),
    "403": (ErrorSerializer, "Your role at this council does not allow this."),
    "404": (ErrorSerializer, "No such council or record among those you may see."),
    "413": (ErrorSerializer, "The body is larger than the server accepts."),
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        codes = ["401", "403", "404"]
        if self.method in {"POST", "PUT", "PATCH"}:
            codes += ["400", "413"]
        elif self._get_parameters():  # query parameters (limit, offset, filters) can be wrong
            codes.append("400")
        for code in codes:
            if code not in bodies:
                serializer, description = ERRORS[code]
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(serializer, description), code, direction=direction
                )
        return bodies

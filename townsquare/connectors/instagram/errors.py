"""Instagram error bodies: the Graph codes (see facebook.errors) plus Instagram's publishing codes."""

from __future__ import annotations

import requests

from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.facebook import errors as graph

PUBLISH_LIMIT_SUBCODE = 2207042  # more than the 24-hour publishing allowance
MEDIA_NOT_READY_SUBCODE = 2207027  # container still processing


def classify(response: requests.Response) -> ConnectorError | None:
    error = graph.graph_error(response)
    subcode = error.get("error_subcode") if error else None
    if error is not None and subcode == PUBLISH_LIMIT_SUBCODE:
        return ConnectorError(
            ErrorKind.RETRY,
            "Instagram's limit of posts published through apps in 24 hours was reached. Publish again later.",
            retry_after=3600.0,
            platform_code=f"{error.get('code')}/{subcode}",
            raw=error,
        )
    if error is not None and subcode == MEDIA_NOT_READY_SUBCODE:
        return ConnectorError(
            ErrorKind.RETRY,
            "Instagram had not finished preparing the media.",
            retry_after=60.0,
            platform_code=f"{error.get('code')}/{subcode}",
            raw=error,
        )
    return graph.classify(response, platform_name="Instagram")

"""Uploading an image or a video to LinkedIn before the post that uses it (Images and Videos APIs).

An upload shows nowhere until a post uses it, so every step here may be retried; only the
``POST /rest/posts`` that follows is sent once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.connectors.base import ConnectorError, ErrorKind, Image, Video

if TYPE_CHECKING:
    from townsquare.connectors.linkedin.connector import LinkedInConnector

MIN_VIDEO_BYTES = 75 * 1024
MAX_VIDEO_BYTES = 500 * 1024 * 1024


def upload_image(connector: LinkedInConnector, image: Image) -> str:
    # An uploaded image shows nowhere until a post uses it, so these calls may be retried.
    started = connector._call(
        "POST",
        "/rest/images",
        safe_to_retry=True,
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": connector.organisation}},
    ).json()["value"]
    connector._call(
        "PUT",
        started["uploadUrl"],
        safe_to_retry=True,
        data=image.content,
        headers={"Content-Type": image.mime_type},
    )
    return str(started["image"])


def upload_video(connector: LinkedInConnector, video: Video) -> str:
    """Videos API: initializeUpload, PUT each part to its URL, finalizeUpload with the parts' ETags.

    Like images, an uploaded video shows nowhere until a post uses it, so every step here may be
    retried; only the ``POST /rest/posts`` that follows is sent once.
    """
    size = len(video.content)
    if not MIN_VIDEO_BYTES <= size <= MAX_VIDEO_BYTES:
        raise ConnectorError(
            ErrorKind.REJECTED,
            "LinkedIn takes videos from 75 KB to 500 MB. Use a shorter or more compressed video.",
        )
    started = connector._call(
        "POST",
        "/rest/videos",
        safe_to_retry=True,
        params={"action": "initializeUpload"},
        json={
            "initializeUploadRequest": {
                "owner": connector.organisation,
                "fileSizeBytes": size,
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        },
    ).json()["value"]
    part_ids = []
    for part in started.get("uploadInstructions") or []:
        first, last = int(part["firstByte"]), int(part["lastByte"])
        uploaded = connector._call(
            "PUT",
            part["uploadUrl"],
            safe_to_retry=True,
            data=video.content[first : last + 1],
            headers={"Content-Type": "application/octet-stream"},
        )
        etag = uploaded.headers.get("etag", "")
        if not etag:
            raise ConnectorError(ErrorKind.RETRY, "LinkedIn did not confirm a part of the video upload.")
        part_ids.append(etag)
    if not part_ids:
        raise ConnectorError(ErrorKind.RETRY, "LinkedIn gave no address to upload the video to.")
    connector._call(
        "POST",
        "/rest/videos",
        safe_to_retry=True,
        params={"action": "finalizeUpload"},
        json={
            "finalizeUploadRequest": {
                "video": started["video"],
                "uploadToken": started.get("uploadToken", ""),
                "uploadedPartIds": part_ids,
            }
        },
    )
    return str(started["video"])

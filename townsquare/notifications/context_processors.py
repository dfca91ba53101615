from functools import cache
from typing import Any

from django.db import connection
from django.http import HttpRequest

from townsquare.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    """The person's unread notifications, counted only when a page prints them and has not counted them itself
    (the inbox list counts them with its other figures): the template calls the function, once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        # A fixed statement: it runs on most pages, and the ORM took several times the database's time building it.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL",  # noqa: S608
                [user.pk],
            )
            (found,) = cursor.fetchone()
        return int(found)

    return {"unread_notifications": count}

"""The Celery application, used when CELERY_BROKER_URL is set (scale-out mode)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")

app = Celery("townsquare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["townsquare.jobs"])

"""The Celery application, used when CELERY_BROKER_URL is set (scale-out mode)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")

app = Celery("townsquare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["townsquare.jobs"])


@worker_init.connect
@worker_process_init.connect
def _settle(**_: object) -> None:
    """The worker loads the classifier and sets its heap aside before its first task: in the main process
    (a solo or threaded pool runs tasks there; a prefork pool's children inherit it), and again in each
    child of a prefork pool."""
    from townsquare.jobs.heap import heap_settle

    heap_settle(warm_classifier=True)

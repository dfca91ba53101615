import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from townsquare.jobs.services import heartbeat_beat, jobs_run_due, worker_name


class Command(BaseCommand):
    help = "Run the embedded worker: claim due jobs from the database and run them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")
        parser.add_argument("--idle-sleep", type=float, default=0.5)

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name()
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Worker {name} started.")
        last_beat = 0.0
        while not stopping:
            close_old_connections()
            ran = jobs_run_due(worker=name)
            if ran or time.monotonic() - last_beat > 5:
                heartbeat_beat(name=name, kind="worker", jobs_done=ran)
                last_beat = time.monotonic()
            if options["once"]:
                break
            if not ran:
                time.sleep(options["idle_sleep"])
        self.stdout.write(f"Worker {name} stopped.")

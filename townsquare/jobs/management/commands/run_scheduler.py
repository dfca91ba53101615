import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from townsquare.jobs.schedule import scheduler_tick
from townsquare.jobs.services import worker_name


class Command(BaseCommand):
    help = "Run the scheduler: enqueue periodic jobs and recover work from dead workers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name("scheduler")
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {name} started.")
        while not stopping:
            close_old_connections()
            scheduler_tick(name=name)
            if options["once"]:
                break
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write(f"Scheduler {name} stopped.")

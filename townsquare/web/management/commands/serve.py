"""Run the whole product from one command: web server, worker, scheduler and stream listener.

Each is its own process (gunicorn for the web; the embedded worker and scheduler loops), so one
dying does not take the others with it; if any exits, the rest are stopped and the command fails.
"""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# gunicorn for the web, sized for a 2-core council server: pages are CPU-bound Python, so one
# request at a time per process (sync workers) and one process more than the cores, which keeps
# both busy while a worker waits on a socket. Threads within a process take turns on the GIL and
# keep-alive ties a client to one process, which more than doubled the slowest 5 % of responses
# (docs/benchmarks.md). Behind a buffering proxy in production. WEB_WORKERS/WEB_THREADS override.
WEB_WORKERS = 3
WEB_THREADS = 1


def web_command(*, bind: str, workers: int, threads: int, access_log: str = "-") -> list[str]:
    """The gunicorn command line of the web process (the benchmark starts exactly this)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "townsquare.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        access_log,
        "--access-logformat",
        '%(t)s "%(r)s" %(s)s %(M)sms',
        # The same lines, each worked out from only what the format prints (townsquare/web/access_log.py).
        "--logger-class",
        "townsquare.web.access_log.AccessLogger",
    ]


class Command(BaseCommand):
    help = "Serve Townsquare at http://127.0.0.1:8000 with its background worker, scheduler and stream listener."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", WEB_WORKERS)))
        parser.add_argument("--web-threads", type=int, default=int(os.environ.get("WEB_THREADS", WEB_THREADS)))
        parser.add_argument("--no-worker", action="store_true", help="Web only (Celery workers run elsewhere).")
        parser.add_argument(
            "--no-streams",
            action="store_true",
            help="Do not listen to the platforms' streams here (another machine does).",
        )
        parser.add_argument(
            "--no-sandbox", action="store_true", help="In demo mode, do not start the sandbox Mastodon server."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": web_command(bind=options["bind"], workers=options["web_workers"], threads=options["web_threads"]),
            "scheduler": [python, manage, "run_scheduler"],
        }
        if not options["no_worker"] and not settings.JOBS_USE_CELERY:
            commands["worker"] = [python, manage, "run_worker"]
        if not options["no_streams"]:
            commands["streams"] = [python, manage, "listen_streams"]
        env = dict(os.environ)
        # Links in e-mails written by background jobs (which have no request) lead to where this serves,
        # unless the address the public reaches it at is set.
        host, _, port = str(options["bind"]).rpartition(":")
        host = "127.0.0.1" if host in ("", "0.0.0.0", "[::]") else host  # noqa: S104 - naming, not binding
        env.setdefault("TOWNSQUARE_BASE_URL", f"http://{host}:{port}")
        optional = set()
        # The demo only: a sandbox Mastodon server on loopback that the demo publishes to and hears from
        # (townsquare/demo/sandbox.py); every process is told its address. Its failure stops only itself.
        if settings.DEMO and not options["no_sandbox"]:
            from townsquare.demo.sandbox import sandbox_add

            env.update(sandbox_add(commands, python=python, manage=manage))
            optional.add("sandbox")
        procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self.stdout.write(f"Townsquare is running at http://{options['bind']}/ (press Ctrl+C to stop).")
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = ""
        while not stopping and not failed:
            for name, proc in list(procs.items()):
                if proc.poll() is not None and name in optional:
                    self.stderr.write(f"The {name} process stopped; the rest of Townsquare carries on.")
                    del procs[name]
                elif proc.poll() is not None:
                    failed = name
            time.sleep(0.5)
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if failed:
            self.stderr.write(f"The {failed} process stopped unexpectedly; everything was stopped.")
            sys.exit(1)

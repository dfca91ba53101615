"""Shared fixtures: the two demo councils and one named person per role.

``people`` holds: admin, comms, officer, councillor, auditor (Riverside) and outsider (a service
officer at Hillcrest with no role at Riverside). Tests sign in with ``client_for(person)``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings

from tests import dbtemplate
from tests.browser.running import browser_stop
from tests.demo_copy import demo_into_database
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant

PASSWORD = "correct-horse-battery-staple"


# Modules that take tens of seconds each (demo loads, subprocesses, peers), from `pytest --durations`.
LONG_MODULES = {
    "tests/inbox/test_migration.py",
    "tests/partners/test_demo.py",
    "tests/measures/test_demo_measures.py",
    "tests/accounts/test_production_settings.py",
    "tests/foundation/test_jobs.py",
    "tests/connectors/test_bluesky.py",
    "tests/demo/test_demo.py",
    "tests/governance/test_views.py",
    "tests/policy/test_views.py",
    "tests/publishing/test_dispatch_batches.py",
}
ROOT = Path(__file__).resolve().parent.parent


def _weight(item: pytest.Item) -> int:
    """Which modules go to the workers first: the long ones, so none is left running alone at the end."""
    if "slow" in item.keywords:
        return 0
    if "browser" in item.keywords:
        return 1
    return 2 if item.path.relative_to(ROOT).as_posix() in LONG_MODULES else 3


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # pytest-xdist (--dist loadfile) hands out whole modules in the order collected; sorted() keeps
    # each module's tests together and in their own order.
    items[:] = sorted(items, key=_weight)
    if "postgresql" in os.environ.get("DATABASE_URL", ""):
        skip = pytest.mark.skip(reason="runs on the SQLite pass only")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "browser" not in item.keywords:
        browser_stop()  # Playwright must not be running under any other test (tests/browser/running.py)


def pytest_sessionfinish(session: pytest.Session) -> None:
    browser_stop()


# --- Test databases: copies of one migrated template (tests/dbtemplate.py) -------------------------
_template_copy: dict[str, str] = {}  # the database's own name, once its test database is a copy


def _templates(config: pytest.Config) -> bool:
    """Copies unless asked to keep (--reuse-db) or make (--create-db) the test database, or not to migrate."""
    return not (config.getvalue("reuse_db") or config.getvalue("create_db") or config.getvalue("nomigrations"))


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest) -> bool:
    """A copy of the template is an existing test database that Django keeps (removed at the end, below)."""
    return bool(request.config.getvalue("reuse_db")) or _templates(request.config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest
) -> None:
    if not _templates(request.config):
        return
    from django.conf import settings

    name = connection.creation._get_test_db_name()
    if connection.vendor == "sqlite":
        dbtemplate.sqlite_copy(settings.VAR_DIR, Path(name))
    else:
        dbtemplate.postgres_copy(connection.settings_dict, name)
    _template_copy["name"] = name


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield
    if "name" not in _template_copy:
        return
    with django_db_blocker.unblock():
        connection.close()
    name = _template_copy["name"]
    if connection.vendor == "sqlite":
        for path in (name, f"{name}-wal", f"{name}-shm"):
            Path(path).unlink(missing_ok=True)
    else:
        dbtemplate.postgres_drop(connection.settings_dict, name)


@pytest.fixture
def riverside(db: None) -> Council:
    return Council.objects.create(slug="riverside", name="Riverside District Council")


@pytest.fixture
def hillcrest(db: None) -> Council:
    return Council.objects.create(slug="hillcrest", name="Hillcrest District Council", brand_colour="#4a2f7a")


@pytest.fixture
def people(riverside: Council, hillcrest: Council) -> SimpleNamespace:
    made = {}
    for role in ("admin", "comms", "officer", "councillor", "auditor"):
        user = User.objects.create_user(f"{role}@riverside.example", PASSWORD, full_name=f"{role.title()} Person")
        membership_grant(actor=None, council=riverside, user=user, role=role)
        made[role] = user
    outsider = User.objects.create_user("officer@hillcrest.example", PASSWORD, full_name="Hillcrest Officer")
    membership_grant(actor=None, council=hillcrest, user=outsider, role="officer")
    made["outsider"] = outsider
    return SimpleNamespace(**made)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def channel(riverside: Council, people: SimpleNamespace) -> Channel:
    made = Channel.objects.create(
        council=riverside,
        platform="facebook",
        name="Riverside Waste",
        handle="RiversideBins",
        owner=people.comms,
    )
    made.assignees.add(people.officer)
    return made


@pytest.fixture
def hillcrest_channel(hillcrest: Council) -> Channel:
    return Channel.objects.create(council=hillcrest, platform="x", name="Hillcrest Council", handle="@HillcrestDC")


# Fixtures that start a server of our own on 127.0.0.1 (mastodon-mock, a local PDS): a test using one
# lets addresses reach loopback (settings.FETCH_ALLOW_LOOPBACK, off by default; townsquare/net/fetch.py).
LOCAL_PEERS = {"mastodon", "mastodon_server", "mastodon_ratelimited_server", "bluesky_pds", "bluesky_network"}


@pytest.fixture(autouse=True)
def _local_peers_on_loopback(request: pytest.FixtureRequest) -> None:
    if LOCAL_PEERS & set(request.fixturenames):
        request.getfixturevalue("settings").FETCH_ALLOW_LOOPBACK = True


@pytest.fixture
def subprocess_env(transactional_db: None) -> dict[str, str]:
    """Environment for a worker/scheduler/Celery subprocess that shares this test's database.

    Needs committed data, hence ``transactional_db``; SQLite tests use a file database (settings).
    """
    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{name}"
    else:
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    env["TESTING"] = "1"
    env["TOWNSQUARE_FETCH_ALLOW_LOOPBACK"] = "1" if settings.FETCH_ALLOW_LOOPBACK else "0"
    return env


@pytest.fixture(autouse=True)
def _audit_trail_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the database be emptied after a transactional test on SQLite.

    The audit table is append-only in the database itself (a trigger refuses DELETE). PostgreSQL
    empties tables with TRUNCATE, which row triggers do not see; SQLite deletes row by row, so the
    flush after each live-server test would be refused. Here the trigger is lifted for that moment
    only and put back exactly as the migration made it.
    """
    if "live_server" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so it is emptied after this runs
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("townsquare.audit.migrations.0002_append_only")
    with connection.cursor() as cursor:
        for sql in migration.SQLITE_REVERSE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_auditevent")
        for sql in migration.SQLITE:
            cursor.execute(sql)


@pytest.fixture(scope="module")
def demo_for_module(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo, put in once for a module inside a transaction that is rolled back at its end.

    Each test runs in a savepoint inside it (pytest-django's ``db``), so what a test changes is
    undone before the next one. The demo is loaded through its services once in each test process
    and put back from a copy after that (tests/demo_copy.py).
    """
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo_into_database(tmp_path_factory)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo_councils(demo_for_module: None, db: None) -> dict[str, Council]:
    """The demo, loaded once for the module (``demo_for_module``): its councils by slug."""
    return {c.slug: c for c in Council.objects.all()}


@pytest.fixture
def demo_loaded(db: None, settings: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo in this test's database (undone after it), its files under the test's own MEDIA_ROOT:
    loaded through its services once in each test process, put back from a copy after that."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_into_database(tmp_path_factory)

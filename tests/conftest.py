"""Fixtures: a real database per test (SQLite file, and PostgreSQL when the suite has one).

`make test` starts a throwaway PostgreSQL server and sets COMMISSION_TEST_POSTGRES_URL;
with COMMISSION_REQUIRE_POSTGRES=1 (as in CI) a missing server is an error, not a skip.
"""
from __future__ import annotations

import os
import re
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, make_url, text

from commission import clock, create_app
from commission.extensions import db, limiter
from tests.factories import World

POSTGRES_URL = os.environ.get("COMMISSION_TEST_POSTGRES_URL")
if os.environ.get("COMMISSION_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
    raise RuntimeError("COMMISSION_REQUIRE_POSTGRES=1 but COMMISSION_TEST_POSTGRES_URL is not set. "
                       "Run the tests with `make test`, which starts PostgreSQL.")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "LOGIN_RATE_LIMIT": "1000 per minute",
    "PASSWORD_HASH_CHEAP_FOR_TESTS": True,
    "REGISTER_RATE_LIMIT": "1000 per minute",
}


def pytest_report_header(config):
    return f"databases under test: {', '.join(BACKENDS)}"


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


def _worker_database(url: str) -> str:
    """With pytest-xdist (`-n`), each worker gets a database of its own on the same server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_migrated():
    if not POSTGRES_URL:
        return None
    url = _worker_database(POSTGRES_URL)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    _migrate(url)
    return url


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        # replica mode switches the audit triggers off for this cleaning only
        conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "commission.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    _empty_postgres(url)
    return url


@pytest.fixture(autouse=True)
def real_time():
    """Each test starts at the real time: no clock travel leaks from one test to the next."""
    clock._offset.set(timedelta(0))
    yield


@pytest.fixture
def app(database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    limiter.reset()
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    return World()


def csrf_token(client, path: str = "/sign-in") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.fixture
def login(client):
    def sign_in(user, password: str = World.PASSWORD):
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")}) if _signed_in(client) else None
        response = client.post("/sign-in", data={"email": user.email, "password": password,
                                                 "csrf_token": csrf_token(client)})
        assert response.status_code == 303, response.text
        return user
    return sign_in


def _signed_in(client) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


@pytest.fixture
def post(client):
    """POST a form the way a browser does: with the CSRF token from a page the person can see."""
    def send(url: str, data: dict | None = None, token_from: str = "/", **kwargs):
        return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)}, **kwargs)
    return send


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...` then `len(q)`: the SQL statements the block ran."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, *args):
            counter.statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return counting

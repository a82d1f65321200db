"""`flask --app commission backup --out FILE` copies a SQLite database while it is being written,
and the copy restores: the app opens it and `audit verify` passes. PostgreSQL is pointed at
pg_dump. Bad output paths write nothing."""
from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import func, select

from commission import create_app
from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.audit.service import Actor
from commission.extensions import db
from tests.conftest import TEST_CONFIG


@pytest.fixture
def sqlite_app(tmp_path, sqlite_template):
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _append(app, count: int, stop: threading.Event | None = None) -> None:
    with app.app_context():
        for n in range(count):
            if stop is not None and stop.is_set():
                break
            audit.record(Actor(None, "system"), "test.backup_load", "test", n)
            db.session.commit()
        db.session.remove()


def _verify(app, path) -> str:
    restored = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["audit", "verify"])
        count = db.session.scalar(select(func.count()).select_from(AuditEntry))
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return f"{count}"


def test_a_backup_taken_while_the_app_writes_restores_and_verifies(sqlite_app, tmp_path):
    _append(sqlite_app, 200)
    db.session.commit()
    stop = threading.Event()
    writer = threading.Thread(target=_append, args=(sqlite_app, 5_000, stop))
    writer.start()
    try:
        out = tmp_path / "backups" / "commission.db"
        out.parent.mkdir()
        result = sqlite_app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    finally:
        stop.set()
        writer.join(60)
    assert result.exit_code == 0, result.output
    assert "Backed up the database to" in result.output
    # The copy is one file, whole at one moment: the chain in it verifies, however far the writer got.
    assert not list(out.parent.glob("*.part")) and not (out.parent / "commission.db-wal").exists()
    assert int(_verify(sqlite_app, out)) >= 200

    # Restoring is copying the backup into place while the app is stopped (README, "Backups").
    restored = tmp_path / "restored.db"
    shutil.copy(out, restored)
    assert _verify(sqlite_app, restored) == _verify(sqlite_app, out)


def test_a_backup_that_cannot_be_written_writes_nothing_and_says_why(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    missing = runner.invoke(args=["backup", "--out", str(tmp_path / "no-such-folder" / "x.db")])
    assert missing.exit_code == 1
    assert f"There is no folder {tmp_path / 'no-such-folder'} to put the backup in." in missing.output
    itself = runner.invoke(args=["backup", "--out", str(tmp_path / "live.db")])
    assert itself.exit_code == 1 and "cannot be the database itself" in itself.output
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("live.db")) == []


def test_postgresql_is_pointed_at_its_own_tools(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("this test is about a PostgreSQL database")
    result = app.test_cli_runner().invoke(args=["backup", "--out", "x.db"])
    assert result.exit_code == 1 and "pg_dump" in result.output

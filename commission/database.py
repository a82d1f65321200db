"""Engine settings that the rules depend on.

SQLite: WAL so readers never wait, foreign keys on, and writing transactions start with
BEGIN IMMEDIATE so that two requests never read the same audit head and then both try
to write (the second would fail half-way). Reads (GET pages) start a plain BEGIN.
"""
from __future__ import annotations

import contextlib
import contextvars

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_read_only: contextvars.ContextVar[bool] = contextvars.ContextVar("read_only", default=False)


@contextlib.contextmanager
def read_only():
    """Mark work outside a request (a long check, an export) as reading only, so it
    does not hold SQLite's write lock while it runs."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def _reading_only() -> bool:
    return _read_only.get() or (has_request_context() and request.method in SAFE_METHODS)


def configure_engine(engine: Engine, busy_timeout_ms: int = 30_000) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _reading_only() else "BEGIN IMMEDIATE")

"""`flask --app commission backup --out FILE`: a consistent copy of a SQLite database while the app
runs.

SQLite's online backup copies the database page by page from one read transaction, so the copy
is the database as it stood at one moment, even while gunicorn workers write to it (WAL lets the
writers carry on). Copying the file with `cp` instead could catch a write half-way and would miss
whatever is still in the `-wal` file. PostgreSQL has its own tools (`pg_dump`), named in the
refusal and in the README.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from commission.extensions import db

# Pages copied per step: small steps let writers in between, so the app is never held up for long.
PAGES_PER_STEP = 1024


class BackupRefused(Exception):
    """A backup that cannot be made, in words for the person running it."""


def database_file() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            "This command backs up a SQLite database. For PostgreSQL use its own tool, for example "
            "pg_dump --format=custom --file=commission.dump DATABASE (see 'Backups' in the README).")
    if not url.database or url.database == ":memory:":
        raise BackupRefused("The database is held in memory, so there is no file to back up.")
    return Path(url.database)


def backup_to(out: Path) -> int:
    """Copy the database to `out` (written to a temporary file beside it, then renamed, so a failed
    backup never leaves half a file). Returns the size of the copy in bytes."""
    source_path = database_file()
    out = out.expanduser().resolve()
    if out == source_path.resolve():
        raise BackupRefused("The backup file cannot be the database itself. Choose another file name.")
    if not out.parent.is_dir():
        raise BackupRefused(f"There is no folder {out.parent} to put the backup in.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as err:
        raise BackupRefused(f"The backup cannot be written in {out.parent}: {err.strerror}.") from err
    os.close(handle)
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(temporary)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
            # A backup is a single file: fold its journal in, so it can be copied or restored alone.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out.stat().st_size


@click.command("backup")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="The file to write the backup to, for example backups/commission-2026-11-23.db.")
@with_appcontext
def backup_command(out: Path):
    """Make a consistent copy of the SQLite database while the app runs."""
    try:
        size = backup_to(out)
    except BackupRefused as err:
        click.echo(str(err), err=True)
        raise SystemExit(1) from None
    except sqlite3.Error as err:
        click.echo(f"The backup did not work: {err}. Nothing was written.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Backed up the database to {out} ({size:,} bytes). "
               "Check it with: COMMISSION_DATABASE_URL=sqlite:///" f"{Path(out).resolve()} "
               "flask --app commission audit verify")

"""`flask --app commission plain-english check FILE`: the plain-English check for any text file."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from commission.plain_english.check import check, render_report

plain_english_cli = AppGroup("plain-english", help="Check that writing is in plain English.")


def _stop(message: str, code: int) -> None:
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)


def _read_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        _stop(f"There is no file called {path}.", 2)
    except IsADirectoryError:
        _stop(f"{path} is a folder, not a file.", 2)
    except OSError as err:
        _stop(f"Could not open {path}: {err.strerror or err}.", 2)
    try:
        if b"\x00" in data:
            raise UnicodeDecodeError("utf-8", data, 0, 1, "a text file has no NUL bytes")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _stop(f"{path} is not a text file (it is not UTF-8 text), so it cannot be checked.", 2)
    raise AssertionError("unreachable")


# The check needs no application (no database, no settings), so it runs without one.
@plain_english_cli.command("check", with_appcontext=False)
@click.argument("file")
@click.option("--min-flesch", type=float, default=60, show_default=True,
              help="The lowest reading ease score that passes.")
def check_file(file: str, min_flesch: float):
    """Check FILE (plain text or Markdown). Exit 0 if it passes, 1 if it needs changes."""
    report = check(_read_text(file), min_flesch=min_flesch)
    click.echo(render_report(report))
    raise click.exceptions.Exit(0 if report.passed else 1)

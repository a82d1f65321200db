"""Command-line doors: `flask --app commission users|audit|workflows|demo ...`."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from commission.errors import RuleBroken
from commission.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
audit_cli = AppGroup("audit", help="Check the audit trail.")
workflows_cli = AppGroup("workflows", help="Look at the workflows a round can run.")
programmes_cli = AppGroup("programmes", help="A programme's plain-English rules.")


def _programme(programme_id: int):
    from commission.programmes.models import Programme

    programme = db.session.get(Programme, programme_id)
    if programme is None:
        fail(f"There is no programme with id {programme_id}.")
    return programme


@programmes_cli.command("add-jargon")
@click.option("--programme", "programme_id", type=int, required=True, help="The programme's id.")
@click.option("--term", required=True, help="The word or phrase to avoid.")
@click.option("--plain", required=True, help="What to write instead.")
def add_jargon(programme_id: int, term: str, plain: str):
    """Add a word to this programme's jargon list, with its plain alternative."""
    from commission.programmes import service

    try:
        service.add_jargon(None, _programme(programme_id), term, plain)
    except RuleBroken as err:
        db.session.rollback()
        fail(str(err))
    db.session.commit()
    click.echo(f"Added: instead of '{term.strip().lower()}', write '{plain.strip()}'.")


@programmes_cli.command("set-min-flesch")
@click.option("--programme", "programme_id", type=int, required=True, help="The programme's id.")
@click.argument("value", type=int)
def set_min_flesch(programme_id: int, value: int):
    """Set the lowest reading-ease score a published document may have."""
    from commission.programmes import service

    try:
        service.set_min_flesch(None, _programme(programme_id), value)
    except RuleBroken as err:
        db.session.rollback()
        fail(str(err))
    db.session.commit()
    click.echo(f"Documents in this programme now need a reading-ease score of at least {value}.")


def fail(message: str, code: int = 1):
    click.echo(message, err=True)
    sys.exit(code)


@users_cli.command("create")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--role", required=True, help="administrator, facilitator, member, funder or applicant.")
@click.option("--name", default=None, help="Their name as others will see it. Asked for if not given.")
@click.option("--password", default=None,
              help="At least 10 characters. Asked for if not given (better: it stays out of shell history).")
def create_user(email: str, role: str, name: str | None, password: str | None):
    """Create an account (for example the first administrator)."""
    from commission.accounts import service

    try:
        # Check what we can before asking for a password, so nobody types it twice for nothing.
        email = service.normalise_email(email)
        role = service.parse_role(role.strip().lower()).value
        service.check_email_free(email)
        if not name:
            name = click.prompt("Their name, as others will see it")
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = service.create_user(None, email, name, role, password)
    except RuleBroken as err:
        db.session.rollback()
        fail(str(err))
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")


@audit_cli.command("verify")
@click.option("--expect-head", default=None, help="The last hash you saw: catches entries cut off the end.")
def verify(expect_head: str | None):
    """Recompute the whole chain. Exit 0 if it is intact, 1 naming the first bad entry."""
    import re

    from commission.audit import service
    from commission.database import read_only

    if expect_head is not None and not re.fullmatch(r"[0-9a-f]{64}", expect_head.strip().lower()):
        fail("The expected hash should be 64 characters, using only 0-9 and a-f. "
             "Check you copied all of it.", code=2)
    expect_head = expect_head and expect_head.strip().lower()
    with read_only():
        verdict = service.verify(expect_head=expect_head)
        db.session.rollback()
    if verdict.ok:
        click.echo(f"The audit trail is intact: {verdict.count} entries. Last hash: {verdict.head_hash}")
        return
    fail(f"The audit trail does not check out. {verdict.problem} "
         f"({verdict.count} entries before it checked out.)")


@workflows_cli.command("show")
@click.argument("name")
def show_workflow(name: str):
    """Print workflow NAME as a Mermaid diagram."""
    from workflows import WorkflowError, get_workflow
    from workflows.machine import mermaid

    try:
        click.echo(mermaid(get_workflow(name)))
    except WorkflowError as err:
        fail(str(err))


@workflows_cli.command("list")
def list_workflows():
    """List the workflows a round can run."""
    from workflows import WORKFLOWS

    for wf in WORKFLOWS.values():
        click.echo(f"{wf.name}: {wf.title}. {wf.description}")


def register(app: Flask) -> None:
    from commission.backup import backup_command
    from commission.demo.cli import demo
    from commission.plain_english.cli import plain_english_cli

    for group in (users_cli, audit_cli, workflows_cli, plain_english_cli, programmes_cli):
        app.cli.add_command(group)
    app.cli.add_command(demo)
    app.cli.add_command(backup_command)

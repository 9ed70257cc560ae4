"""Command-line tools: ``flask --app app create-user | create-token | seed-demo | backup``
(more account commands in eventsys/accounts/cli.py)."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from eventsys.accounts.models import Role
from eventsys.backup import backup_command
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(files_cli)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="If omitted, a strong one is generated and printed.")
@click.option("--name", default="", help="Full name shown in the interface.")
def create_user_command(email: str, role: str, password: str | None, name: str) -> None:
    """Create an admin, organizer or staff account."""
    from eventsys.accounts.services import create_user

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    begin_write(db.session)
    try:
        user = create_user(db.session, email=email, role=Role(role), password=password, full_name=name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")
    if generated:
        click.echo(f"Password: {password}")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token_command(email: str, name: str) -> None:
    """Print a new bearer token for the JSON API (only its hash is stored)."""
    from eventsys.accounts.services import create_token, user_by_email

    begin_write(db.session)
    user = user_by_email(db.session, email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active account with e-mail {email}")
    token = create_token(db.session, user=user, name=name)
    db.session.commit()
    click.echo(token)


@click.command("seed-demo")
@click.option("--volunteers", default=300, show_default=True, help="Synthetic volunteers.")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no accounts yet.")
def seed_demo_command(volunteers: int, if_empty: bool) -> None:
    """Create the Prince Palace workshop demo (safe to run again: nothing is duplicated)."""
    from sqlalchemy import func, select

    from eventsys.accounts.models import User
    from eventsys.demo import DEMO_LOGINS, seed_demo
    from eventsys.volunteers.crypto import cipher

    begin_write(db.session)
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        db.session.rollback()
        click.echo("The database already has accounts: demo not seeded again.")
        click.echo("Demo logins (unless changed): " + ", ".join(f"{e} / {p}" for e, _r, p, _n in DEMO_LOGINS))
        return
    summary = seed_demo(db.session, cipher=cipher(), now=utcnow(), volunteers=volunteers)
    db.session.commit()
    click.echo(f"Demo event: {summary.event.title}")
    click.echo(f"Volunteers: {summary.volunteers}, registrations: {summary.registrations}")
    click.echo("Logins (e-mail / password):")
    for email, role, password, _name in summary.logins:
        click.echo(f"  {role:<10} {email} / {password}")


files_cli = AppGroup("files", help="Stored files (FILE_STORE): uploads, reports, bulk outputs, outbox.")


@files_cli.command("purge")
@click.option("--days", type=int, default=None, help="Keep this many days (default: FILE_RETENTION_DAYS).")
def purge_files_command(days: int | None) -> None:
    """Remove import uploads and reports, bulk outputs and kept messages older than the
    retention period (the jobs worker also does it daily; use this from cron without one)."""
    from eventsys.files import purge_current

    removed = purge_current(days=days)
    click.echo(f"{removed} expired file(s) removed.")


@files_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_files_command(archive: Path) -> None:
    """Put the files of ARCHIVE (FILE.files.tar written by `flask backup`) into the current
    FILE_STORE, replacing files with the same names."""
    from eventsys.files import current_store, read_archive

    begin_write(db.session)
    try:
        count = read_archive(current_store(), archive)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{count} file(s) restored into FILE_STORE={current_app.config['FILE_STORE']}.")

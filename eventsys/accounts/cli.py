"""Account commands beside ``create-user`` and ``create-token`` (eventsys/cli.py):
``deactivate-user``, ``reactivate-user``, ``set-role``, ``reset-password``, ``unlock-user``,
``list-tokens`` and ``revoke-token``. Each is audited with no actor (the shell's operator).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from eventsys.accounts import services
from eventsys.accounts.models import Role, User
from eventsys.db import begin_write, db, utcnow
from eventsys.errors import DomainError


def _account(email: str) -> User:
    user = services.user_by_email(db.session, email)
    if user is None:
        db.session.rollback()
        raise click.ClickException(f"No account with e-mail {email}")
    return user


def _apply(change: Callable[[], object]) -> None:
    """Run ``change`` and commit, or roll back and report the refusal as a CLI error."""
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()


@click.command("deactivate-user")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Deactivate an account: log it out everywhere and revoke its API tokens."""
    begin_write(db.session)
    user = _account(email)
    _apply(lambda: services.deactivate(db.session, user=user, actor=None, now=utcnow()))
    click.echo(f"Deactivated {user.email}")


@click.command("reactivate-user")
@click.argument("email")
def reactivate_user_command(email: str) -> None:
    """Let a deactivated account log in again (its old tokens stay revoked)."""
    begin_write(db.session)
    user = _account(email)
    _apply(lambda: services.reactivate(db.session, user=user, actor=None, now=utcnow()))
    click.echo(f"Reactivated {user.email}")


@click.command("set-role")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role_command(email: str, role: str) -> None:
    """Change an account's role (the last active admin cannot be demoted)."""
    begin_write(db.session)
    user = _account(email)
    _apply(lambda: services.change_role(db.session, user=user, role=Role(role), actor=None, now=utcnow()))
    click.echo(f"{user.email} is now {user.role}")


@click.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Print a one-time password; the user must choose a new one at the next log-in.

    Their sessions end and their API tokens are revoked.
    """
    begin_write(db.session)
    user = _account(email)
    temporary = services.reset_password(db.session, user=user, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Password reset for {user.email}; sessions ended and tokens revoked.")
    click.echo(f"One-time password: {temporary}")


@click.command("unlock-user")
@click.argument("email")
def unlock_user_command(email: str) -> None:
    """Lift a lock-out after too many failed log-ins."""
    begin_write(db.session)
    user = _account(email)
    _apply(lambda: services.unlock(db.session, user=user, actor=None, now=utcnow()))
    click.echo(f"Unlocked {user.email}")


@click.command("list-tokens")
@click.argument("email")
def list_tokens_command(email: str) -> None:
    """List an account's API tokens: id, name, created, last used, revoked."""
    user = _account(email)
    tokens = services.tokens_of(db.session, user=user)
    if not tokens:
        click.echo(f"No API tokens for {user.email}")
    for api_token in tokens:
        click.echo(
            "\t".join(
                [
                    str(api_token.id),
                    api_token.name or "-",
                    f"created {api_token.created_at:%Y-%m-%d %H:%M}Z",
                    f"last used {api_token.last_used_at:%Y-%m-%d %H:%M}Z"
                    if api_token.last_used_at
                    else "never used",
                    f"revoked {api_token.revoked_at:%Y-%m-%d %H:%M}Z" if api_token.revoked_at else "active",
                ]
            )
        )
    db.session.rollback()


@click.command("revoke-token")
@click.argument("token")
def revoke_token_command(token: str) -> None:
    """Revoke an API token, given its id (from list-tokens) or its value."""
    begin_write(db.session)
    api_token = services.find_token(db.session, token)
    if api_token is None:
        db.session.rollback()
        raise click.ClickException("No such token")
    if api_token.revoked_at is not None:
        db.session.rollback()
        click.echo(f"Token {api_token.id} was already revoked")
        return
    services.revoke_api_token(db.session, api_token=api_token, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Revoked token {api_token.id} ({api_token.name or '-'}) of {api_token.user.email}")


commands = (
    deactivate_user_command,
    reactivate_user_command,
    set_role_command,
    reset_password_command,
    unlock_user_command,
    list_tokens_command,
    revoke_token_command,
)

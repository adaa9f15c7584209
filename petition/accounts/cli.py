"""`flask --app app users …`: staff accounts are made on the server, never from a web page."""

import sys

import click
from flask.cli import AppGroup

from petition.accounts import second_factor, service
from petition.accounts.models import ROLE_RANKS

users_cli = AppGroup("users", help="Moderator and admin accounts.")


def _read_password(prompt: str = "Password") -> str:
    """Asked twice on a terminal; read as one line when piped (`… < file` or `printf … |`)."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        service.check_password_strength(password)
        return password
    while True:
        password = click.prompt(prompt, hide_input=True)
        try:
            service.check_password_strength(password)
        except service.AccountError as error:
            click.echo(f"Error: {error}", err=True)
            continue
        if click.prompt("Repeat it", hide_input=True) == password:
            return password
        click.echo("Error: the two passwords differ; start again.", err=True)


def _run(action):
    try:
        return action()
    except service.AccountError as error:
        raise click.ClickException(str(error)) from None


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLE_RANKS)), required=True, help="What the account may do.")
@click.option("--name", help="Name shown to the other staff members.")
def create(email: str, role: str, name: str | None):
    """Create an account; the password is asked twice, or read from stdin when piped."""
    if service.find_user(_run(lambda: service.checked_email(email))) is not None:
        raise click.ClickException(f"An account with the address {email.strip()} already exists.")
    user = _run(lambda: service.create_user(email, _read_password(), role, display_name=name))
    click.echo(f"Created {user.role} account {user.email}.")


@users_cli.command("list")
def list_users():
    """Every account, with its role and last login."""
    users = service.all_users()
    if not users:
        click.echo("No accounts yet. Create one with: flask --app app users create EMAIL --role admin")
        return
    for user in users:
        state = "active" if user.is_active else "deactivated"
        last = f"{user.last_login_dt:%Y-%m-%d %H:%M} UTC" if user.last_login_dt else "never logged in"
        name = f" ({user.display_name})" if user.display_name else ""
        factor = "2FA on" if user.has_second_factor else "2FA off"
        click.echo(f"{user.email}{name}  {user.role}  {state}  {factor}  last login: {last}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str):
    """Close an account: it can no longer log in, and its open sessions end."""
    if _run(lambda: service.deactivate(email)):
        click.echo(f"Deactivated {email.strip()}.")
    else:
        click.echo(f"{email.strip()} was already deactivated.")


@users_cli.command("password")
@click.argument("email")
def password(email: str):
    """Set a new password (asked twice, or read from stdin); open sessions end."""
    if service.find_user(email) is None:
        raise click.ClickException(f"No account has the address {email.strip()}.")
    _run(lambda: service.set_password(email, _read_password("New password")))
    click.echo(f"Password changed for {email.strip()}.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_2fa(email: str):
    """For a lost phone: remove the account's second factor and recovery codes and end its
    sessions. At the next login with the password it enrols a new phone (admins must)."""
    user = service.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email.strip()}.")
    if second_factor.reset(user):
        click.echo(f"Second factor removed for {user.email}; it enrols a new phone at its next login.")
    else:
        click.echo(f"{user.email} had no second factor; its sessions were ended all the same.")

import click
from flask.cli import AppGroup

from petition.privacy import service

privacy_cli = AppGroup("privacy", help="Signers' rights: retention of personal data.")


@privacy_cli.command("apply")
def apply_command():
    """Apply every retention rule now (for cron): anonymise old signatures, purge old mail,
    network hashes, comment secrets and expired data requests."""
    for rule, changed in service.apply().items():
        click.echo(f"{rule}: {changed}")


@privacy_cli.command("due")
def due_command():
    """Say what each retention rule would change now, and what it did so far."""
    for state in service.status():
        last = state.last_run_dt.isoformat(timespec="seconds") if state.last_run_dt else "never"
        click.echo(f"{state.name}: {state.due} due, {state.total} done (last run: {last})")

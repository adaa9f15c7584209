"""Command-line tasks: `flask --app app <group> <command>`."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from petition.accounts.cli import users_cli
from petition.comments import words
from petition.comments.cli import comments_cli
from petition.core.transactions import write_transaction
from petition.counting import service as counting
from petition.exports.cli import exports_cli
from petition.extensions import db
from petition.fraud.cli import fraud_cli
from petition.mail import service as mail
from petition.petitions.models import Petition
from petition.petitions.seed import ensure_kleema_petition
from petition.privacy.cli import privacy_cli
from petition.signing import service as signing
from petition.transparency.cli import transparency_cli

mail_cli = AppGroup("mail", help="The mail outbox.")
counts_cli = AppGroup("counts", help="Signature counts.")


def setup_database() -> None:
    """Bring the schema to the latest migration; seed the KLEEMA petition and word lists if missing."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    ensure_kleema_petition()
    words.ensure_defaults()


@click.command("setup")
def setup_command():
    """Apply migrations and seed the KLEEMA petition."""
    setup_database()
    click.echo("Database ready.")


@mail_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep running and deliver new mail as it is queued.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between two looks at the outbox.")
def send_mail(watch: bool, interval: float):
    """Deliver queued mail (retrying failed attempts with back-off)."""
    if not watch:
        total = 0
        # Until nothing is due: a batch may send nothing yet set mail aside or postpone it.
        while any(done := mail.deliver_due()):
            total += done[0]
        click.echo(f"{total} mail(s) sent.")
        return
    stop = threading.Event()
    # systemd stops the worker with SIGTERM: it finishes the batch in hand, then leaves.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Delivering mail every {interval}s; Ctrl-C to stop.")
    try:
        mail.run_sender(current_app._get_current_object(), interval, stop)
    except KeyboardInterrupt:
        stop.set()


@counts_cli.command("reconcile")
@click.option("--repair", is_flag=True, help="Rewrite the counts from the signatures when they differ.")
def reconcile(repair: bool):
    """Compare each petition's count with a real count of confirmed signatures."""
    differ = False
    with write_transaction():
        for petition in db.session.scalars(select(Petition).order_by(Petition.id)).all():
            result = counting.reconcile(petition.id, signing.counted_by_country, repair=repair)
            if not result.differences:
                click.echo(f"{petition.slug}: {sum(result.actual.values())} confirmed, count is exact.")
                continue
            differ = True
            for country, (counted, actual) in result.differences.items():
                click.echo(f"{petition.slug} {country}: counted {counted}, actually {actual}")
            if repair:
                click.echo(f"{petition.slug}: repaired.")
    if differ and not repair:
        raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(setup_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(counts_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(comments_cli)
    app.cli.add_command(transparency_cli)
    app.cli.add_command(fraud_cli)
    app.cli.add_command(exports_cli)
    app.cli.add_command(privacy_cli)

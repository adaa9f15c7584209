"""`flask --app app fraud ...`: the trending watch, for cron."""

import click
from flask.cli import AppGroup

from petition.fraud import service

fraud_cli = AppGroup("fraud", help="Flagged signatures, bans, block lists, trending alerts.")


@fraud_cli.command("watch")
def watch():
    """Alert admins about networks and domains signing faster than the threshold (run every minute)."""
    alerts = service.watch_trends()
    for alert in alerts:
        click.echo(
            f"{alert.source_kind} {alert.source}: {alert.signatures} signatures in {alert.minutes} min"
        )
    click.echo(f"{len(alerts)} new alert(s).")

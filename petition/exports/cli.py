import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from petition.exports import service

exports_cli = AppGroup("exports", help="Delivery dossiers.")


@exports_cli.command("build")
@click.option("--watch", is_flag=True, help="Keep running and build new dossiers as admins ask for them.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between two looks for dossiers.")
def build_command(watch: bool, interval: float):
    """Build the delivery dossiers admins asked for, and forget those past DOSSIER_KEEP_DAYS."""
    if not watch:
        click.echo(f"{service.build_waiting()} dossier(s) built.")
        return
    stop = threading.Event()
    # systemd stops the builder with SIGTERM: it finishes the dossier in hand, then leaves.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"Building dossiers every {interval}s; Ctrl-C to stop.")
    try:
        service.run_builder(current_app._get_current_object(), interval, stop)
    except KeyboardInterrupt:
        stop.set()

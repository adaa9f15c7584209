"""`flask --app app transparency seal | checkpoint | verify URL`."""

import click
from flask.cli import AppGroup

from petition.transparency import service, verify

transparency_cli = AppGroup("transparency", help="The public log of the count and its checkpoints.")


@transparency_cli.command("seal")
def seal_command():
    """Number and chain the events written since the last sealing."""
    click.echo(f"{service.seal()} event(s) sealed; the log has {service.sealed_length()} entries.")


@transparency_cli.command("checkpoint")
def checkpoint_command():
    """Seal, then sign and publish a checkpoint (for cron or a systemd timer)."""
    point = service.checkpoint()
    click.echo(f"checkpoint {point.time}: length {point.length}, count {point.count}, head {point.head}")


@transparency_cli.command("verify", with_appcontext=False)
@click.argument("url")
@click.option("--key", "keys", multiple=True, help="Public key (base64) the checkpoints must be signed with.")
def verify_command(url: str, keys: tuple[str, ...]):
    """Download the log and checkpoints of the site at URL and check them (no database used)."""
    report = verify.verify(url, pinned_keys=keys)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)

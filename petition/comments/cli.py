import click
from flask.cli import AppGroup

from petition.comments import demo
from petition.petitions import service as petitions

comments_cli = AppGroup("comments", help="The comment thread.")


@comments_cli.command("demo")
@click.option("--petition", "slug", default="kleema", show_default=True, help="Petition to comment on.")
def demo_command(slug: str):
    """Add a handful of realistic demonstration comments (only to a thread with none)."""
    petition = petitions.by_slug(slug)
    if petition is None:
        raise click.ClickException(f"No petition {slug!r}.")
    try:
        added = demo.seed(petition)
    except demo.AlreadySeeded:
        raise click.ClickException(f"{slug}: the thread already has comments; nothing added.") from None
    click.echo(f"{slug}: {added} demonstration comments added (one waits for moderation).")

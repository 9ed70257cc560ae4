"""``flask --app app certificates generate EVENT_ID --out FILE.zip|FILE.pdf``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from eventsys.certificates import services
from eventsys.db import db
from eventsys.events.models import Event
from eventsys.files import current_store

certificates_cli = AppGroup("certificates", help="Certificates.")


@certificates_cli.command("generate")
@click.argument("event_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.zip or FILE.pdf")
@click.option(
    "--processes", type=int, default=None, help="Worker processes (default: CERTIFICATE_PROCESSES, 2)."
)
def generate(event_id: int, out: str, processes: int | None) -> None:
    """Render every valid certificate of an event: a ZIP of per-person PDFs, or one PDF."""
    output = "pdf" if out.lower().endswith(".pdf") else "zip" if out.lower().endswith(".zip") else None
    if output is None:
        raise click.BadParameter("the file name must end in .zip or .pdf", param_hint="--out")
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event {event_id}.")
    with click.progressbar(length=1, label="certificates", show_pos=True) as bar:

        def progress(done: int, total: int | None = None) -> None:
            if total is not None:
                bar.length = max(total, 1)
            bar.update(done - bar.pos)

        data = services.bulk_render(
            db.session,
            event=event,
            files=current_store(),
            base_url=current_app.config["BASE_URL"],
            output=output,
            processes=processes or int(current_app.config.get("CERTIFICATE_PROCESSES", 2)),
            progress=progress,
        )
    Path(out).write_bytes(data)
    click.echo(f"wrote {out} ({bar.length if bar.pos else 0} certificates, {len(data) // 1024} KB)")


commands = [certificates_cli]

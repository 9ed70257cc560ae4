"""``flask --app app certificates generate EVENT_ID --out FILE.zip|FILE.pdf``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from eventsys.certificates import pdf, services, tasks
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
@click.option(
    "--time-limit",
    type=float,
    default=None,
    help="Seconds each PDF document may take (default: PDF_RENDER_TIMEOUT, 30; 0: no limit).",
)
def generate(event_id: int, out: str, processes: int | None, time_limit: float | None) -> None:
    """Render every valid certificate of an event: a ZIP of per-person PDFs, or one PDF.

    A certificate that cannot be rendered within the time limit is left out and named on
    stderr (exit status 1); the file holds all the others."""
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

        try:
            made = services.bulk_render(
                db.session,
                event=event,
                files=current_store(),
                base_url=current_app.config["BASE_URL"],
                output=output,
                processes=processes or int(current_app.config.get("CERTIFICATE_PROCESSES", 2)),
                progress=progress,
                time_limit=(time_limit or None) if time_limit is not None else tasks.render_time_limit(),
            )
        except pdf.RenderTimeout as error:
            raise click.ClickException(
                "the design's shared page took too long to render; no certificate was written "
                f"({error.description})"
            ) from error
    Path(out).write_bytes(made.data)
    click.echo(f"wrote {out} ({made.count} certificates, {len(made.data) // 1024} KB)")
    if made.failed:
        click.echo(
            f"{len(made.failed)} certificate(s) took too long to render and are not in the file:", err=True
        )
        for failure in made.failed:
            click.echo(f"  {failure['serial']}\t{failure['name']}", err=True)
        raise SystemExit(1)


commands = [certificates_cli]

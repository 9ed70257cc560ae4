"""``flask --app app volunteers import FILE`` and ``… volunteers export FILE`` (.xlsx or .csv)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from eventsys.db import begin_write, db
from eventsys.volunteers import services, sheets

volunteers_cli = AppGroup("volunteers", help="The shared volunteer table.")


@volunteers_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the skipped rows and their reasons to this .xlsx or .csv file.")  # fmt: skip
def import_command(file: Path, errors_file: Path | None) -> None:
    """Import people from FILE; known people (same ID, or name and phone) are updated."""
    from eventsys.volunteers.tasks import run_sheet_import

    try:
        total = sheets.count_rows(file, max_bytes=None)  # limits checked before a row is saved
        sheet = sheets.open_sheet(file, max_bytes=None)
    except sheets.SheetError as error:
        raise click.ClickException(str(error.message)) from error
    begin_write(db.session)
    with click.progressbar(length=total, label="Importing", show_pos=True) as bar:
        position = 0

        def progress(done: int) -> None:
            nonlocal position
            db.session.commit()
            begin_write(db.session)
            bar.update(done - position)
            position = done

        outcomes = run_sheet_import(db.session, sheet, actor=None, progress=progress)
        db.session.commit()
    services.tidy_after_import(db.engine, outcomes)
    counts = services.import_counts(outcomes)
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
    skipped = [o for o in outcomes if o.status == "skipped"]
    for outcome in skipped[:50]:
        click.echo(f"row {outcome.number}: {outcome.reason}")
    if len(skipped) > 50:
        click.echo(f"… and {len(skipped) - 50} more skipped rows")
    if errors_file and skipped:
        kind = errors_file.suffix.lower().lstrip(".")
        with errors_file.open("wb") as stream:
            sheets.write_error_sheet(
                stream,
                kind if kind in sheets.FORMATS else "csv",
                [{"number": o.number, "reason": o.reason, "values": o.values} for o in skipped],
                fields=sorted(set(sheet.mapping.values()), key=list(sheets.COLUMN_BY_FIELD).index),
                language="th",
            )
        click.echo(f"Skipped rows written to {errors_file}")


@volunteers_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--masked", is_flag=True, help="Mask national IDs (x-xxxx-xxxxx-12-3).")
@click.option("--language", type=click.Choice(["th", "en"]), default="th", show_default=True,
              help="Language of the column headers.")  # fmt: skip
def export_command(file: Path, masked: bool, language: str) -> None:
    """Export everyone (not erased) to FILE, in Thai dictionary order."""
    from sqlalchemy import func

    from eventsys import audit
    from eventsys.db import utcnow
    from eventsys.volunteers.crypto import cipher
    from eventsys.volunteers.models import Volunteer

    kind = file.suffix.lower().lstrip(".")
    if kind not in sheets.FORMATS:
        raise click.ClickException("FILE must end in .xlsx or .csv")
    query = services.filtered_query(services.VolunteerFilter(), cipher=cipher())
    total = db.session.scalar(query.with_only_columns(func.count(Volunteer.id)).order_by(None))
    with file.open("wb") as stream, click.progressbar(length=total, label="Exporting", show_pos=True) as bar:
        count = sheets.export_volunteers(
            db.session,
            query.order_by(Volunteer.sort_key, Volunteer.id),
            stream,
            kind=kind,
            cipher=cipher(),
            masked=masked,
            language=language,
            progress=lambda n: bar.update(1000),
        )
        bar.update(total)
    db.session.rollback()
    begin_write(db.session)
    details = {"count": count, "masked": masked, "via": "cli"}
    audit.record(db.session, actor=None, action="volunteer.export", details=details, now=utcnow())
    db.session.commit()
    click.echo(f"Exported {count} people to {file}")


commands = [volunteers_cli]

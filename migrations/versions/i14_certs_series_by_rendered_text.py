"""certificate counters keyed by the text a pattern prints, not by the pattern

Issue 14 point 1: ``EV-{n:03}`` and ``EV-{n:03d}`` (or ``{n:04d}/2569`` and
``{n:04d}/{be_year}`` in 2569) print the same serials but had a counter each, so the second
one's first issue failed on the unique serial, every time. A counter is now keyed by the
pattern rendered with its year and ``{n}`` for the number (``services.series_for``). This
rewrites the existing counters to the new keys; counters that now meet keep the highest number,
so no serial already printed is given again. Issued certificates keep their ``series`` (it
records the counter their number came from) and their serials: nothing printed changes.

Data only, no schema change. Downgrade rebuilds each counter from the certificates (the highest
number of each recorded series), which is what the old code keyed by for rows issued before.

Revision ID: i14_certs
Revises: i12_accounts
Create Date: 2026-12-05 09:00:00

"""

import string

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i14_certs"
down_revision = "i12_accounts"
branch_labels = None
depends_on = None

counters = sa.table(
    "certificate_counters", sa.column("series", sa.String(120)), sa.column("last_number", sa.Integer)
)
certificates = sa.table("certificates", sa.column("series", sa.String(120)), sa.column("number", sa.Integer))


class _NumberSlot:
    def __format__(self, spec: str) -> str:
        return "{n}"


def _new_key(old: str) -> str:
    """Frozen copy of the rule of ``services.series_for`` applied to an i6 key: the pattern,
    plus ``|<B.E. year>`` when the pattern prints the year."""
    pattern, be = old, None
    head, _bar, tail = old.rpartition("|")
    try:
        if head and tail.isdigit():
            fields = {name for _t, name, _s, _c in string.Formatter().parse(head) if name}
            if fields & {"be_year", "year"}:
                pattern, be = head, int(tail)
        return pattern.format(n=_NumberSlot(), be_year=be, year=be - 543 if be else None)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return old  # not a pattern this code wrote: leave it alone


def _replace_counters(rows: dict[str, int]) -> None:
    op.execute(counters.delete())
    if rows:
        op.bulk_insert(counters, [{"series": k, "last_number": v} for k, v in sorted(rows.items())])


def upgrade():
    merged: dict[str, int] = {}
    for series, last_number in op.get_bind().execute(sa.select(counters.c.series, counters.c.last_number)):
        key = _new_key(series)
        merged[key] = max(merged.get(key, 0), last_number)
    _replace_counters(merged)


def downgrade():
    query = sa.select(certificates.c.series, sa.func.max(certificates.c.number)).group_by(
        certificates.c.series
    )
    rebuilt = {series: number for series, number in op.get_bind().execute(query)}
    _replace_counters(rebuilt)

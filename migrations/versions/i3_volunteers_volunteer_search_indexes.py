"""volunteer search indexes: phone tail, names, pg_trgm on search_text

Revision ID: i3_volunteers
Revises: 2c852650e5df
Create Date: 2026-11-27 05:18:40.058505

"""

from alembic import op
import sqlalchemy as sa

import eventsys.db


# revision identifiers, used by Alembic.
revision = "i3_volunteers"
down_revision = "2c852650e5df"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_tail", sa.String(length=4), nullable=False, server_default=""))
        batch_op.create_index("ix_volunteers_names", ["first_name", "last_name"], unique=False)
        batch_op.create_index(
            "ix_volunteers_live_order",
            ["sort_key", "id", "search_text"],
            unique=False,
            sqlite_where=sa.text("erased_at IS NULL"),
            postgresql_where=sa.text("erased_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_volunteers_phone_tail"), ["phone_tail"], unique=False)
    # existing rows: phone tails from their phones
    op.execute("UPDATE volunteers SET phone_tail = substr(phone, length(phone) - 3) WHERE length(phone) >= 4")
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.alter_column("phone_tail", server_default=None)
        batch_op.create_index(
            "ix_volunteers_search_text_trgm",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade():
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_volunteers_search_text_trgm",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
        batch_op.drop_index(batch_op.f("ix_volunteers_phone_tail"))
        batch_op.drop_index("ix_volunteers_live_order")
        batch_op.drop_index("ix_volunteers_names")
        batch_op.drop_column("phone_tail")

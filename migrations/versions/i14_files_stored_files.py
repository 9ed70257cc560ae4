"""stored files in the database (FILE_STORE=database)

Issue 14 point 7: certificate images, import uploads and reports, bulk outputs and kept
messages can live in the database, so every app host on it sees them.

Revision ID: i14_files
Revises: i14_certs
Create Date: 2026-12-04 18:00:00

"""

import sqlalchemy as sa
from alembic import op

import eventsys.db

# revision identifiers, used by Alembic.
revision = "i14_files"
down_revision = "i14_certs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", eventsys.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
    )
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_files_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_files_created_at"))
    op.drop_table("stored_files")

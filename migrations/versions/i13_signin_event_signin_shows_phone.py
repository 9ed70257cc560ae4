"""events: the organizer chooses whether the printed sign-in sheet has a phone column

Issue 13 point 4. Existing events get no phone column (the sheet printed before had none).

Revision ID: i13_signin
Revises: i14_files
Create Date: 2026-12-04 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i13_signin'
down_revision = 'i14_files'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signin_shows_phone', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('signin_shows_phone')

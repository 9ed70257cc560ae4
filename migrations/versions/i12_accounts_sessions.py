"""accounts: session versions, forced password change, failed log-ins for unknown e-mails

Revision ID: i12_accounts
Revises: i12_privacy
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import eventsys.db


# revision identifiers, used by Alembic.
revision = 'i12_accounts'
down_revision = 'i12_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failures',
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', eventsys.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', eventsys.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('email_hash', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_version')

    op.drop_table('login_failures')

"""An index for reading the scores that count: score sheets by application, not set aside, with
their current record

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_index('score_sheets_counted', ['application_id', 'set_aside_at', 'current_record_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_index('score_sheets_counted')

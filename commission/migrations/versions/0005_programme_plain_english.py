"""A programme's plain-English rules: reading-ease threshold and its own jargon list.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_flesch', sa.Integer(), server_default='60', nullable=False))
        batch_op.create_check_constraint('programmes_min_flesch_range', 'min_flesch BETWEEN 0 AND 100')
    op.create_table(
        'programme_jargon',
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=80), nullable=False),
        sa.Column('plain', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id']),
        sa.PrimaryKeyConstraint('programme_id', 'term'),
    )


def downgrade():
    op.drop_table('programme_jargon')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint('programmes_min_flesch_range', type_='check')
        batch_op.drop_column('min_flesch')

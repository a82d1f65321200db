"""Feedback letters: who approves them, each letter, and every version of it

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 15:43:20.992961

"""
from alembic import op
import sqlalchemy as sa

import commission.types


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_settings',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('approver', sa.String(length=20), server_default='panel', nullable=False),
    sa.CheckConstraint("approver IN ('panel', 'facilitator')", name='letter_settings_approver_known'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('round_id')
    )
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('created_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_round_id'), ['round_id'], unique=False)

    op.create_table('letter_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('drafted', sa.Boolean(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('written_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('check_passed', sa.Boolean(), nullable=False),
    sa.Column('flesch', sa.Double(), nullable=False),
    sa.Column('problems_json', sa.Text(), nullable=False),
    sa.Column('approved_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(approved_at IS NULL) = (approved_by_id IS NULL)', name='letter_versions_approval_complete'),
    sa.CheckConstraint('check_passed OR approved_at IS NULL', name='letter_versions_approved_only_when_plain'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('letter_id', 'number', name='letter_versions_numbered_once')
    )
    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_versions_letter_id'), ['letter_id'], unique=False)


def downgrade():
    with op.batch_alter_table('letter_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_versions_letter_id'))

    op.drop_table('letter_versions')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_round_id'))

    op.drop_table('letters')
    op.drop_table('letter_settings')

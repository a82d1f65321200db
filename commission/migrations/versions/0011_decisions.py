"""Decisions: proposals, votes, decisions, votes to reopen, and staff concerns

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:39:22.973704

"""
from alembic import op
import sqlalchemy as sa

import commission.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_reopen_motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision_ids_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('positions_json', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'agreed', 'not_agreed', 'discussion', 'replaced')", name='decision_reopen_motions_status_known'),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_reopen_motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_reopen_motions_round_id'), ['round_id'], unique=False)

    op.create_table('decision_motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('covers', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('criterion_ids_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('positions_json', sa.Text(), nullable=True),
    sa.CheckConstraint("(outcome = 'not_fund') = (amount_pence = 0) AND amount_pence >= 0", name='decision_motions_amount_fits_outcome'),
    sa.CheckConstraint("outcome IN ('fund', 'part_fund', 'not_fund')", name='decision_motions_outcome_known'),
    sa.CheckConstraint("status IN ('open', 'agreed', 'not_agreed', 'discussion', 'withheld', 'replaced')", name='decision_motions_status_known'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'number', name='decision_motions_numbered_once')
    )
    with op.batch_alter_table('decision_motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_motions_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_motions_round_id'), ['round_id'], unique=False)

    op.create_table('decision_reopen_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no')", name='decision_reopen_votes_choice_known'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['motion_id'], ['decision_reopen_motions.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('motion_id', 'member_id', name='decision_reopen_votes_one_per_member')
    )
    with op.batch_alter_table('decision_reopen_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_reopen_votes_motion_id'), ['motion_id'], unique=False)

    op.create_table('decision_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no')", name='decision_votes_choice_known'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['motion_id'], ['decision_motions.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('motion_id', 'member_id', name='decision_votes_one_per_member')
    )
    with op.batch_alter_table('decision_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_votes_motion_id'), ['motion_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=30), nullable=False),
    sa.Column('decided_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('after_reopen_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_how', sa.String(length=20), nullable=True),
    sa.Column('ended_by_reopen_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(outcome = 'not_fund') = (amount_pence = 0) AND amount_pence >= 0", name='decisions_amount_fits_outcome'),
    sa.CheckConstraint("basis IN ('agreed', 'second_key_withheld')", name='decisions_basis_known'),
    sa.CheckConstraint("ended_how IS NULL OR ended_how IN ('replaced', 'reopened')", name='decisions_ending_known'),
    sa.CheckConstraint("outcome IN ('fund', 'part_fund', 'not_fund')", name='decisions_outcome_known'),
    sa.CheckConstraint('(ended_at IS NULL) = (ended_how IS NULL)', name='decisions_ending_complete'),
    sa.ForeignKeyConstraint(['after_reopen_id'], ['decision_reopen_motions.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['ended_by_reopen_id'], ['decision_reopen_motions.id'], ),
    sa.ForeignKeyConstraint(['motion_id'], ['decision_motions.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('motion_id', name='decisions_one_per_motion')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_application_id'), ['application_id'], unique=False)
        batch_op.create_index('decisions_one_standing', ['application_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_decisions_round_id'), ['round_id'], unique=False)

    op.create_table('decision_concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], ),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision_concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_concerns_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_concerns_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decision_concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_concerns_round_id'))
        batch_op.drop_index(batch_op.f('ix_decision_concerns_application_id'))

    op.drop_table('decision_concerns')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_round_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_application_id'))
        batch_op.drop_index('decisions_one_standing')

    op.drop_table('decisions')
    with op.batch_alter_table('decision_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_votes_motion_id'))

    op.drop_table('decision_votes')
    with op.batch_alter_table('decision_reopen_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_reopen_votes_motion_id'))

    op.drop_table('decision_reopen_votes')
    with op.batch_alter_table('decision_motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_motions_round_id'))
        batch_op.drop_index(batch_op.f('ix_decision_motions_application_id'))

    op.drop_table('decision_motions')
    with op.batch_alter_table('decision_reopen_motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_reopen_motions_round_id'))

    op.drop_table('decision_reopen_motions')

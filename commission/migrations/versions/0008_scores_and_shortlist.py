"""Scores, scoring closures, shortlist motions and votes; accepting work and stepping back

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 14:56:37.812095

"""
from alembic import op
import sqlalchemy as sa

import commission.types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scoring_closures',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.PrimaryKeyConstraint('panel_id')
    )
    op.create_table('shortlist_motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('application_ids_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'agreed', 'replaced')", name='shortlist_motions_status_known'),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('panel_id', 'number', name='shortlist_motions_numbered_once')
    )
    with op.batch_alter_table('shortlist_motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_motions_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortlist_motions_round_id'), ['round_id'], unique=False)

    op.create_table('score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('criteria_version_id', sa.Integer(), nullable=False),
    sa.Column('draft_json', sa.Text(), nullable=True),
    sa.Column('draft_comment', sa.Text(), nullable=True),
    sa.Column('draft_saved_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('current_record_id', sa.Integer(), nullable=True),
    sa.Column('set_aside_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('set_aside_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['criteria_version_id'], ['criteria_versions.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'member_id', name='score_sheets_one_per_member')
    )
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheets_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheets_member_id'), ['member_id'], unique=False)

    op.create_table('shortlist_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no')", name='shortlist_votes_choice_known'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['motion_id'], ['shortlist_motions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('motion_id', 'member_id', name='shortlist_votes_one_per_member')
    )
    with op.batch_alter_table('shortlist_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_votes_motion_id'), ['motion_id'], unique=False)

    op.create_table('score_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('after_discussion', sa.Boolean(), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('submitted', 'revised')", name='score_records_kind_known'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sheet_id', 'number', name='score_records_numbered_once')
    )
    with op.batch_alter_table('score_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_records_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('criterion_scores',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name='criterion_scores_not_negative'),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['score_records.id'], ),
    sa.PrimaryKeyConstraint('record_id', 'criterion_id')
    )
    # The sheet and its records point at each other: the sheet's pointer is added last.
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_foreign_key('score_sheets_current_record', 'score_records', ['current_record_id'], ['id'])

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', commission.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('panel_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comments_required', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('moderation_tolerance', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('shortlist_percent', sa.Integer(), server_default='150', nullable=False))
        batch_op.add_column(sa.Column('budget_method', sa.String(length=10), server_default='optimal', nullable=False))

    with op.batch_alter_table('round_people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stepped_back_at', commission.types.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('round_people', schema=None) as batch_op:
        batch_op.drop_column('stepped_back_at')

    with op.batch_alter_table('panel_settings', schema=None) as batch_op:
        batch_op.drop_column('budget_method')
        batch_op.drop_column('shortlist_percent')
        batch_op.drop_column('moderation_tolerance')
        batch_op.drop_column('comments_required')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('accepted_at')

    op.drop_table('criterion_scores')
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_constraint('score_sheets_current_record', type_='foreignkey')

    with op.batch_alter_table('score_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_records_sheet_id'))

    op.drop_table('score_records')
    with op.batch_alter_table('shortlist_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortlist_votes_motion_id'))

    op.drop_table('shortlist_votes')
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheets_member_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheets_application_id'))

    op.drop_table('score_sheets')
    with op.batch_alter_table('shortlist_motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortlist_motions_round_id'))
        batch_op.drop_index(batch_op.f('ix_shortlist_motions_panel_id'))

    op.drop_table('shortlist_motions')
    op.drop_table('scoring_closures')

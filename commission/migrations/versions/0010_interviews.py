"""Interviews: slots, bookings, interviewers, adjustments, the panel's agreed questions and notes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 15:37:44.317995

"""
from alembic import op
import sqlalchemy as sa

import commission.types


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interview_settings',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('min_interviewers', sa.Integer(), server_default='3', nullable=False),
    sa.CheckConstraint('min_interviewers BETWEEN 1 AND 20', name='interview_settings_minimum'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('round_id')
    )
    op.create_table('interview_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('means', sa.String(length=20), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('access', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("means IN ('in_person', 'video')", name='interview_slots_means_known'),
    sa.CheckConstraint('minutes BETWEEN 10 AND 480', name='interview_slots_length'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_slots_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_slots_round_id'), ['round_id'], unique=False)

    op.create_table('interview_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('asked_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmation', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('step_free', 'bsl', 'breaks', 'large_print', 'quiet_room', 'carer', 'other')", name='interview_adjustments_kind_known'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_adjustments_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_adjustments_user_id'), ['user_id'], unique=False)

    op.create_table('interview_question_agreements',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('agreed_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], ),
    sa.PrimaryKeyConstraint('version_id')
    )
    with op.batch_alter_table('interview_question_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_question_agreements_round_id'), ['round_id'], unique=False)

    op.create_table('interview_question_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=False),
    sa.Column('at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no')", name='interview_question_votes_choice_known'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_id', 'member_id', name='interview_question_votes_one_per_member')
    )
    with op.batch_alter_table('interview_question_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_question_votes_version_id'), ['version_id'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('last_slot_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('booked_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['last_slot_id'], ['interview_slots.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['slot_id'], ['interview_slots.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', name='interviews_one_per_application'),
    sa.UniqueConstraint('slot_id', name='interviews_one_per_slot')
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_round_id'), ['round_id'], unique=False)

    op.create_table('interview_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interview_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_notes_interview_id'), ['interview_id'], unique=False)

    op.create_table('interviewers',
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', commission.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_at', commission.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('interview_id', 'member_id')
    )


def downgrade():
    op.drop_table('interviewers')
    with op.batch_alter_table('interview_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_notes_interview_id'))

    op.drop_table('interview_notes')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_round_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('interview_question_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_question_votes_version_id'))

    op.drop_table('interview_question_votes')
    with op.batch_alter_table('interview_question_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_question_agreements_round_id'))

    op.drop_table('interview_question_agreements')
    with op.batch_alter_table('interview_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_adjustments_user_id'))
        batch_op.drop_index(batch_op.f('ix_interview_adjustments_round_id'))

    op.drop_table('interview_adjustments')
    with op.batch_alter_table('interview_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_slots_round_id'))
        batch_op.drop_index(batch_op.f('ix_interview_slots_panel_id'))

    op.drop_table('interview_slots')
    op.drop_table('interview_settings')

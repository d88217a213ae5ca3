"""speakers: several per course or session, in order; webinar series as a kind of event

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'speakers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=120), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('bio', sa.Text(), nullable=False),
        sa.Column('photo_url', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'course_speakers',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('speaker_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('course_id', 'speaker_id'),
    )
    op.create_table(
        'session_speakers',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('speaker_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('session_id', 'speaker_id'),
    )

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_events_kind_valid'), "kind IN ('festival', 'symposium', 'webinar_series')"
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_events_kind_valid'), "kind IN ('festival', 'symposium')"
        )
    op.drop_table('session_speakers')
    op.drop_table('course_speakers')
    op.drop_table('speakers')

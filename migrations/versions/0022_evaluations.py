"""evaluations: one per place, three ratings 1..5 and a comment; the invitation sent once
per place (issue 12)

Revision ID: 0022_evaluations
Revises: 0021_webhooks
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_evaluations'
down_revision = '0021_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Integer(), nullable=False),
    sa.Column('trainer', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('content BETWEEN 1 AND 5', name=op.f('ck_evaluations_content_1_to_5')),
    sa.CheckConstraint('trainer BETWEEN 1 AND 5', name=op.f('ck_evaluations_trainer_1_to_5')),
    sa.CheckConstraint('organisation BETWEEN 1 AND 5', name=op.f('ck_evaluations_organisation_1_to_5')),
    sa.CheckConstraint('comment IS NULL OR length(comment) <= 2000', name=op.f('ck_evaluations_comment_max_length')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_evaluations_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_evaluations_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_evaluations_enrolment_id'))
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluations_session_id'), ['session_id'], unique=False)

    op.create_table('evaluation_invites',
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_evaluation_invites_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_evaluation_invites'))
    )


def downgrade():
    op.drop_table('evaluation_invites')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluations_session_id'))

    op.drop_table('evaluations')

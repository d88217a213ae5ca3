"""events: dates, overall capacity, registration deadline; registrations and their choices

Revision ID: 0006
Revises: 0004
Create Date: 2027-02-01 10:00:00.000000

An event gains dates, an optional overall capacity with the counter of active registrations
(a CHECK keeps it within the capacity), and an optional registration deadline. A person's
registration for an event and the enrolments it chose live in booking.events.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registration_deadline', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('registered', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_events_capacity_positive'), sa.text('capacity IS NULL OR capacity > 0')
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_events_registered_within_capacity'),
            sa.text('registered >= 0 AND (capacity IS NULL OR registered <= capacity)'),
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_events_ends_after_start'),
            sa.text('ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at'),
        )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('registered', server_default=None)

    op.create_table(
        'event_registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'cancelled')", name=op.f('ck_event_registrations_status_valid')
        ),
        sa.ForeignKeyConstraint(
            ['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'],
            name=op.f('fk_event_registrations_created_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['cancelled_by_id'], ['users.id'],
            name=op.f('fk_event_registrations_cancelled_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_event_registrations_event_id'), ['event_id'], unique=False
        )
        batch_op.create_index(
            'uq_event_registrations_one_active', ['event_id', 'user_id'], unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        'event_choices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['event_registrations.id'],
            name=op.f('fk_event_choices_registration_id_event_registrations'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'], name=op.f('fk_event_choices_session_id_sessions'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['enrolment_id'], ['enrolments.id'],
            name=op.f('fk_event_choices_enrolment_id_enrolments'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_choices')),
        sa.UniqueConstraint('enrolment_id', name=op.f('uq_event_choices_enrolment_id')),
        sa.UniqueConstraint(
            'registration_id', 'session_id', name=op.f('uq_event_choices_registration_id_session_id')
        ),
    )


def downgrade():
    op.drop_table('event_choices')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_event_registrations_one_active')
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id'))
    op.drop_table('event_registrations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_ends_after_start'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('ck_events_registered_within_capacity'), type_='check'
        )
        batch_op.drop_constraint(batch_op.f('ck_events_capacity_positive'), type_='check')
        batch_op.drop_column('registered')
        batch_op.drop_column('registration_deadline')
        batch_op.drop_column('capacity')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')

"""career conversations: advisors, their slots, bookings and private notes; the role advisor

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa



revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('participant', 'team_leader', 'organiser', 'hr', 'admin')"
ROLES_AFTER = "role IN ('participant', 'team_leader', 'organiser', 'hr', 'admin', 'advisor')"


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role_valid'), ROLES_AFTER)

    op.create_table(
        'advisor_profiles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('meeting_url', sa.String(length=500), nullable=True),
        sa.Column('bio', sa.Text(), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_advisor_profiles_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_profiles')),
        sa.UniqueConstraint('user_id', name=op.f('uq_advisor_profiles_user_id')),
    )
    length_check = (
        sa.CheckConstraint(
            "ends_at - starts_at BETWEEN interval '30 minutes' AND interval '90 minutes'",
            name=op.f('ck_advisor_slots_length_pg'),
        )
        if postgres
        else sa.CheckConstraint(
            "round((julianday(ends_at) - julianday(starts_at)) * 1440) BETWEEN 30 AND 90",
            name=op.f('ck_advisor_slots_length_sqlite'),
        )
    )
    op.create_table(
        'advisor_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('advisor_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=True),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('online', 'in_person')", name=op.f('ck_advisor_slots_mode_valid')),
        sa.CheckConstraint(
            "(mode = 'in_person' AND venue_id IS NOT NULL) OR (mode = 'online' AND venue_id IS NULL)",
            name=op.f('ck_advisor_slots_mode_venue'),
        ),
        length_check,
        sa.ForeignKeyConstraint(['advisor_id'], ['users.id'], name=op.f('fk_advisor_slots_advisor_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_advisor_slots_venue_id_venues'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_slots')),
    )
    with op.batch_alter_table('advisor_slots', schema=None) as batch_op:
        batch_op.create_index('ix_advisor_slots_advisor_start', ['advisor_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_advisor_slots_start', ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_advisor_slots_venue_id'), ['venue_id'], unique=False)
    if postgres:
        # Invariant 9: no two live slots of one advisor overlap, whatever the concurrency.
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(
            'ALTER TABLE advisor_slots ADD CONSTRAINT ex_advisor_slots_no_overlap '
            'EXCLUDE USING gist (advisor_id WITH =, tstzrange(starts_at, ends_at) WITH &&) '
            'WHERE (NOT cancelled)'
        )

    op.create_table(
        'advisor_bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('booked_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f('ck_advisor_bookings_status_valid')),
        sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_advisor_bookings_booked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_advisor_bookings_cancelled_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['slot_id'], ['advisor_slots.id'], name=op.f('fk_advisor_bookings_slot_id_advisor_slots'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_advisor_bookings_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_bookings')),
    )
    with op.batch_alter_table('advisor_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisor_bookings_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index('ix_advisor_bookings_user_status', ['user_id', 'status'], unique=False)
        # Invariant 9: at most one booked conversation per slot.
        batch_op.create_index(
            'uq_advisor_bookings_one_per_slot', ['slot_id'], unique=True,
            sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"),
        )

    op.create_table(
        'advisor_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('advisor_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['advisor_id'], ['users.id'], name=op.f('fk_advisor_notes_advisor_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['booking_id'], ['advisor_bookings.id'], name=op.f('fk_advisor_notes_booking_id_advisor_bookings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_notes')),
        sa.UniqueConstraint('booking_id', name=op.f('uq_advisor_notes_booking_id')),
    )


def downgrade():
    op.drop_table('advisor_notes')
    with op.batch_alter_table('advisor_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_advisor_bookings_one_per_slot')
        batch_op.drop_index('ix_advisor_bookings_user_status')
        batch_op.drop_index(batch_op.f('ix_advisor_bookings_slot_id'))
    op.drop_table('advisor_bookings')
    with op.batch_alter_table('advisor_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisor_slots_venue_id'))
        batch_op.drop_index('ix_advisor_slots_start')
        batch_op.drop_index('ix_advisor_slots_advisor_start')
    op.drop_table('advisor_slots')
    op.drop_table('advisor_profiles')
    op.execute("UPDATE users SET role = 'participant' WHERE role = 'advisor'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role_valid'), ROLES_BEFORE)

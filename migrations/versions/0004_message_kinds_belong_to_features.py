"""message kinds belong to the features: no CHECK on outbox_messages.kind

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-18 10:00:00.000000

The kinds a message can have are declared by the features that send them and registered
with notifications when the app starts; `queue` refuses a kind nobody registered. A CHECK
listing them would have to change with every feature's new message, so it goes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# What the CHECK allowed, for the downgrade (the enrolment engine's kinds of 0002).
KINDS = (
    'enrolment_confirmed', 'waitlisted', 'promoted', 'offer', 'offer_expired', 'offer_declined',
    'approval_requested', 'approval_pending', 'approved', 'approval_declined', 'approval_expired',
    'cancelled', 'mode_changed', 'session_changed', 'session_cancelled', 'reminder',
    'team_booking_summary', 'in_company_requested',
)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind_valid'), type_='check')


def downgrade():
    values = ", ".join(f"'{kind}'" for kind in KINDS)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_kind_valid'), sa.text(f"kind IN ({values})")
        )

"""privacy: retention settings per organisation, the people made anonymous (erased or
retention's stand-ins), awards withdrawn on erasure, and outbox mail dropped for an erased person

Revision ID: 0017_privacy
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_privacy'
down_revision = '0014_account_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_policies',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('months BETWEEN 1 AND 240', name=op.f('ck_retention_policies_months_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_retention_policies_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_policies_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_retention_policies'))
    )
    op.create_table('anonymous_people',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('email_digest', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('erased', 'stand_in')", name=op.f('ck_anonymous_people_kind_valid')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_anonymous_people_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_anonymous_people_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_anonymous_people')),
    sa.UniqueConstraint('email_digest', name=op.f('uq_anonymous_people_email_digest'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status_valid'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_status_valid'),
            "status IN ('pending', 'sent', 'failed', 'dropped')")


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE status = 'dropped'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status_valid'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_outbox_messages_status_valid'), "status IN ('pending', 'sent', 'failed')")

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    op.drop_table('anonymous_people')
    op.drop_table('retention_policies')

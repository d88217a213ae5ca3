"""calendar feed tokens stored hashed: users.calendar_token becomes calendar_token_hash
(SHA-256 hex, like API tokens); existing subscription addresses keep working, since their
plain token is in the address and hashes to the stored value

Revision ID: 0016_hashed_calendar_tokens
Revises: 0013
"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_hashed_calendar_tokens'
down_revision = '0017_privacy'
branch_labels = None
depends_on = None


users = sa.table(
    'users',
    sa.column('id', sa.Integer()),
    sa.column('calendar_token', sa.String(length=64)),
    sa.column('calendar_token_hash', sa.String(length=64)),
)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token_hash'), ['calendar_token_hash'])

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.calendar_token).where(users.c.calendar_token.is_not(None))
    ).all()
    for user_id, token in rows:
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(calendar_token_hash=hashlib.sha256(token.encode()).hexdigest())
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')


def downgrade():
    # A hash cannot be turned back into its token: every subscription address stops working
    # and people make a new one on their account page.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token'), ['calendar_token'])
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token_hash'), type_='unique')
        batch_op.drop_column('calendar_token_hash')

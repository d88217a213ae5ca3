"""the identity providers' client secrets stored encrypted: identity_providers.client_secret
(plain text) becomes client_secret_encrypted (Fernet under a key derived from SECRET_KEY, the
TOTP secret's mechanism); the stored secrets are encrypted on upgrade and decrypted on downgrade

It uses the app's own `booking.core.encryption` (not a copy): what it writes must be exactly
what the app reads, under the SECRET_KEY of the app that runs `flask db upgrade`.

Revision ID: 0020_sso_secret_encrypted
Revises: 0019_single_sign_on
"""
from alembic import op
import sqlalchemy as sa

from booking.core import encryption


# revision identifiers, used by Alembic.
revision = '0020_sso_secret_encrypted'
down_revision = '0019_single_sign_on'
branch_labels = None
depends_on = None


providers = sa.table(
    'identity_providers',
    sa.column('id', sa.Integer()),
    sa.column('organisation_id', sa.Integer()),
    sa.column('client_secret', sa.String(length=2000)),
    sa.column('client_secret_encrypted', sa.Text()),
)


def upgrade():
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_secret_encrypted', sa.Text(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.select(providers.c.id, providers.c.client_secret)).all()
    for provider_id, secret in rows:
        connection.execute(
            providers.update()
            .where(providers.c.id == provider_id)
            .values(client_secret_encrypted=encryption.encrypt(secret, encryption.SSO_CLIENT_SECRET))
        )

    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.alter_column('client_secret_encrypted', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('client_secret')


def downgrade():
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_secret', sa.String(length=2000), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(providers.c.id, providers.c.organisation_id, providers.c.client_secret_encrypted)
    ).all()
    for provider_id, organisation_id, stored in rows:
        secret = encryption.decrypt(stored, encryption.SSO_CLIENT_SECRET)
        if secret is None:  # never a silent loss: the secret could not be given back
            raise RuntimeError(
                f"The client secret of organisation {organisation_id}'s identity provider cannot"
                " be decrypted with this SECRET_KEY; downgrade with the key it was stored under."
            )
        connection.execute(
            providers.update().where(providers.c.id == provider_id).values(client_secret=secret)
        )

    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.alter_column('client_secret', existing_type=sa.String(length=2000), nullable=False)
        batch_op.drop_column('client_secret_encrypted')

"""single sign-on: an OpenID Connect identity provider per organisation

Revision ID: 0019_single_sign_on
Revises: 0017_privacy
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_single_sign_on'
down_revision = '0016_hashed_calendar_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('identity_providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret', sa.String(length=2000), nullable=False),
    sa.Column('emails_verified', sa.Boolean(), nullable=False),
    sa.Column('require_sso', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_identity_providers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_providers')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_identity_providers_organisation_id'))
    )


def downgrade():
    op.drop_table('identity_providers')

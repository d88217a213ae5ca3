"""enrolments keep the organisation that sent the person (issue 12): reports and chargeback
count a place for it even after the person moves

Revision ID: 0023_enrolment_organisation
Revises: 0022_evaluations
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_enrolment_organisation'
down_revision = '0022_evaluations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrolments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_enrolments_organisation_id_organisations'),
            'organisations', ['organisation_id'], ['id'], ondelete='SET NULL',
        )
    # What we know of the places made before: the person's organisation today.
    op.execute(
        "UPDATE enrolments SET organisation_id = "
        "(SELECT users.organisation_id FROM users WHERE users.id = enrolments.user_id)"
    )


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolments_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enrolments_organisation_id'))
        batch_op.drop_column('organisation_id')

"""people administration: uploaded CSV files kept between the dry run and the import

Revision ID: 0018_people_admin
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_people_admin'
down_revision = '0015_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('create_organisations', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_people_imports_uploaded_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_imports'))
    )
    with op.batch_alter_table('people_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_imports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_imports_uploaded_by_id'), ['uploaded_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('people_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_imports_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_people_imports_created_at'))

    op.drop_table('people_imports')

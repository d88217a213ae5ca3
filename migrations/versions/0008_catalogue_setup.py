"""the centre sets up its own catalogue: ordered, retirable categories and target groups (the
education levels mbo, hbo and wo as groups), funding programmes, courses given in company only,
a note on an in-company request

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EDUCATION_LEVELS = [
    ('mbo', 'Mbo-niveau', 'Mbo level', 'mbo'),
    ('hbo', 'Hbo-niveau', 'Hbo level', 'hbo'),
    ('wo', 'Wo-niveau', 'Wo (university) level', 'wo'),
]


def upgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('target_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('education_level', sa.String(length=3), nullable=True))
        batch_op.create_unique_constraint('uq_target_groups_education_level', ['education_level'])
        batch_op.create_check_constraint(
            'education_level_valid',
            "education_level IS NULL OR education_level IN ('mbo', 'hbo', 'wo')",
        )
    op.create_table(
        'funding_programmes',
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_en', sa.Text(), nullable=False),
        sa.Column('target_participants', sa.Integer(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('retired', sa.Boolean(), nullable=False),
        sa.CheckConstraint('target_participants IS NULL OR target_participants > 0', name='target_participants_positive'),
        sa.CheckConstraint('starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on', name='period_ordered'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'),
    )
    op.create_table(
        'course_funding_programmes',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('funding_programme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['funding_programme_id'], ['funding_programmes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('course_id', 'funding_programme_id'),
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_company_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('in_company_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))

    # The education levels are target groups on every installation; a group that already has
    # the slug (the demo's "mbo") becomes the level's group instead of a second one.
    groups = sa.table(
        'target_groups',
        sa.column('slug', sa.String), sa.column('name', sa.String), sa.column('name_en', sa.String),
        sa.column('position', sa.Integer), sa.column('retired', sa.Boolean),
        sa.column('education_level', sa.String),
    )
    connection = op.get_bind()
    for position, (slug, name, name_en, level) in enumerate(EDUCATION_LEVELS):
        exists = connection.execute(sa.select(groups.c.slug).where(groups.c.slug == slug)).first()
        if exists:
            connection.execute(groups.update().where(groups.c.slug == slug).values(education_level=level))
        else:
            connection.execute(groups.insert().values(
                slug=slug, name=name, name_en=name_en, position=100 + position, retired=False,
                education_level=level,
            ))


def downgrade():
    with op.batch_alter_table('in_company_requests', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('in_company_only')
    op.drop_table('course_funding_programmes')
    op.drop_table('funding_programmes')
    with op.batch_alter_table('target_groups', schema=None) as batch_op:
        batch_op.drop_constraint('education_level_valid', type_='check')
        batch_op.drop_constraint('uq_target_groups_education_level', type_='unique')
        batch_op.drop_column('education_level')
        batch_op.drop_column('retired')
        batch_op.drop_column('position')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('retired')

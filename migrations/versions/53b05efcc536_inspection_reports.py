"""Monthly inspection reports of the interaction column (office).

Revision ID: 53b05efcc536
Revises: 05341b23c83a
Create Date: 2026-11-30 13:09:30.488768

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '53b05efcc536'
down_revision = '05341b23c83a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspection_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('computed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['computed_by_id'], ['users.id'], name=op.f('fk_inspection_reports_computed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_reports')),
    sa.UniqueConstraint('month', name=op.f('uq_inspection_reports_month'))
    )


def downgrade():
    op.drop_table('inspection_reports')

"""collections.form_token: the 新建征集 form's one-time token, so a double click creates
one draft

Revision ID: a7c3e9f1b2d4
Revises: b7d2e4f6a8c1
Create Date: 2026-12-01 04:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_collections_form_token'), ['form_token'])


def downgrade():
    with op.batch_alter_table('collections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_collections_form_token'), type_='unique')
        batch_op.drop_column('form_token')

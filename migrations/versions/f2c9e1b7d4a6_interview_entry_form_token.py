"""interview_entries.form_token: the console form's one-time token, so a double click on
发布 publishes the entry once

Revision ID: f2c9e1b7d4a6
Revises: e4d2b6a8c1f3
Create Date: 2026-12-01 00:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f2c9e1b7d4a6'
down_revision = 'e4d2b6a8c1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interview_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_interview_entries_form_token'), ['form_token'])


def downgrade():
    with op.batch_alter_table('interview_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_interview_entries_form_token'), type_='unique')
        batch_op.drop_column('form_token')

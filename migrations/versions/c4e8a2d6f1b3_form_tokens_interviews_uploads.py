"""interviews.form_token and stored_files.form_token: the 新建访谈 form and the upload forms
carry a one-time token (as 新建征集 does), so a double click creates one interview and
stores one file

Revision ID: c4e8a2d6f1b3
Revises: a7c3e9f1b2d4
Create Date: 2026-12-01 06:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c4e8a2d6f1b3'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_interviews_form_token'), ['form_token'])
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_stored_files_form_token'), ['form_token'])


def downgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_stored_files_form_token'), type_='unique')
        batch_op.drop_column('form_token')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_interviews_form_token'), type_='unique')
        batch_op.drop_column('form_token')

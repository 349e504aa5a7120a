"""faq_import_jobs.form_token: 上传并预检 carries a one-time token (as 新建征集 does), so
a double click makes one dry run

Revision ID: b8d1f4a7c2e9
Revises: 28b2866127e2
Create Date: 2026-12-01 09:55:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b8d1f4a7c2e9'
down_revision = '28b2866127e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('faq_import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_faq_import_jobs_form_token'), ['form_token'])


def downgrade():
    with op.batch_alter_table('faq_import_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_faq_import_jobs_form_token'), type_='unique')
        batch_op.drop_column('form_token')

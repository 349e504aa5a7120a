"""questionnaire_questions.form_token: 添加题目 carries a one-time token (as 新建征集 does),
so a double click adds one question

Revision ID: e7b3d9f2a6c1
Revises: c4e8a2d6f1b3
Create Date: 2026-12-01 07:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e7b3d9f2a6c1'
down_revision = 'c4e8a2d6f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questionnaire_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_questionnaire_questions_form_token'), ['form_token'])


def downgrade():
    with op.batch_alter_table('questionnaire_questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_questionnaire_questions_form_token'), type_='unique')
        batch_op.drop_column('form_token')

"""Letters: the public copy (masked title, body, answer and the hidden names) stored at
publication, with the version of the masking rules that made it

Existing published letters get no copy here (the masking is application code, not a
migration's): their pages mask them at every view as before until ``flask --app interact
letters reindex`` stores their copies (docs/operations.md).

Revision ID: 83e32ac271c2
Revises: d5e1a7c3b9f2
Create Date: 2026-12-01 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '83e32ac271c2'
down_revision = 'd5e1a7c3b9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('masked_rules', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('masked_names', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('masked_title', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('masked_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('masked_answer_html', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('masked_answer_html')
        batch_op.drop_column('masked_body')
        batch_op.drop_column('masked_title')
        batch_op.drop_column('masked_names')
        batch_op.drop_column('masked_rules')

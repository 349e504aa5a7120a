"""letter_month_counts.published: the published letters per month and department, so the
public list (来信选登) reads its total from the running totals instead of counting them

Revision ID: c3a8f1d2e5b7
Revises: b7e2c4d9a611
Create Date: 2026-11-30 21:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c3a8f1d2e5b7'
down_revision = 'b7e2c4d9a611'
branch_labels = None
depends_on = None

#: Every (month, department) with letters already has its row (b7e2c4d9a611 and the flush hook).
_FILL = """
UPDATE letter_month_counts SET published = counted.n
FROM (SELECT {month} AS month, COALESCE(department_id, 0) AS department_id, count(*) AS n
      FROM letters WHERE published = {true} GROUP BY 1, 2) AS counted
WHERE letter_month_counts.month = counted.month AND letter_month_counts.department_id = counted.department_id
"""


def upgrade():
    with op.batch_alter_table('letter_month_counts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Integer(), nullable=False, server_default='0'))
    if op.get_bind().dialect.name == 'postgresql':
        month, true = "to_char(submitted_at + interval '8 hours', 'YYYY-MM')", "true"
    else:
        month, true = "strftime('%Y-%m', submitted_at, '+8 hours')", "1"
    op.execute(_FILL.format(month=month, true=true))
    with op.batch_alter_table('letter_month_counts', schema=None) as batch_op:
        batch_op.alter_column('published', server_default=None)


def downgrade():
    with op.batch_alter_table('letter_month_counts', schema=None) as batch_op:
        batch_op.drop_column('published')

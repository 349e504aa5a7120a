"""Running totals of the letter statistics per month and department (letter_month_counts),
filled from the letters already there; ix_letters_status_due also covers submitted_at and
department_id (the live overdue count of the statistics)

Revision ID: b7e2c4d9a611
Revises: 7d3f1c2a9b10
Create Date: 2026-11-30 16:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7e2c4d9a611'
down_revision = '7d3f1c2a9b10'
branch_labels = None
depends_on = None

#: The statistics' counted flags (interact/letters/stats.py ``_flags``) as of this revision.
_FILL = """
INSERT INTO letter_month_counts (month, department_id, received, rejected, answered, on_time,
                                 workdays_total, rated, satisfied)
SELECT {month} AS month, COALESCE(department_id, 0), count(*),
       SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'closed' AND answered_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'closed' AND answered_at IS NOT NULL AND answered_on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'closed' AND answered_at IS NOT NULL THEN COALESCE(answered_workdays, 0) ELSE 0 END),
       SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN rating IN ('satisfied', 'basic') THEN 1 ELSE 0 END)
FROM letters
GROUP BY 1, 2
"""


def upgrade():
    op.create_table('letter_month_counts',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('workdays_total', sa.Integer(), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'department_id', name=op.f('pk_letter_month_counts'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        month = "to_char(submitted_at + interval '8 hours', 'YYYY-MM')"
    else:
        month = "strftime('%Y-%m', submitted_at, '+8 hours')"
    op.execute(_FILL.format(month=month))
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at', 'submitted_at', 'department_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at'], unique=False)
    op.drop_table('letter_month_counts')

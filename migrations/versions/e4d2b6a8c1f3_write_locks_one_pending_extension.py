"""write_locks (named locks of check-then-write rules) and at most one pending extension
request per letter: copies of one form sent at the same instant do the step once

Revision ID: e4d2b6a8c1f3
Revises: c3a8f1d2e5b7
Create Date: 2026-12-01 00:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e4d2b6a8c1f3'
down_revision = 'c3a8f1d2e5b7'
branch_labels = None
depends_on = None

#: Requests stored twice before the index existed: the earliest stays pending, the
#: others end undecided (as when the letter is answered while a request waits).
_CLOSE_COPIES = """
UPDATE letter_extensions SET status = 'closed'
WHERE status = 'pending' AND id NOT IN (
    SELECT min(id) FROM letter_extensions WHERE status = 'pending' GROUP BY letter_id)
"""


def upgrade():
    op.create_table(
        'write_locks',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('taken', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_write_locks')),
    )
    op.execute(_CLOSE_COPIES)
    with op.batch_alter_table('letter_extensions', schema=None) as batch_op:
        batch_op.create_index('uq_letter_extensions_pending', ['letter_id'], unique=True,
                              sqlite_where=sa.text("status = 'pending'"),
                              postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('letter_extensions', schema=None) as batch_op:
        batch_op.drop_index('uq_letter_extensions_pending')
    op.drop_table('write_locks')

"""Letters: the sweep's sent flags leave the indexes and pages keep room (fillfactor 90
on PostgreSQL), so setting a flag is a HOT update that writes no index entry; indexes
that repeated the first column of another are dropped, and those of columns most letters
leave empty (leader, user, answer time, rating) hold only the letters that set them;
notifications lose the index on created_at (a user's notices are read through
ix_notifications_user_read)

Revision ID: b7d2e4f6a8c1
Revises: 83e32ac271c2
Create Date: 2026-12-01 03:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = '83e32ac271c2'
branch_labels = None
depends_on = None

PARTIAL = ('leader_id', 'user_id', 'answered_at', 'rating')


def _not_null(column):
    condition = sa.text(f'{column} IS NOT NULL')
    return {'sqlite_where': condition, 'postgresql_where': condition}


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at', 'submitted_at', 'department_id', 'warn_at'],
                              unique=False)
        batch_op.drop_index('ix_letters_status_submitted')
        batch_op.create_index('ix_letters_status_submitted', ['status', 'submitted_at'], unique=False)
        for name in ('department_id', 'submitted_at', 'due_at'):
            batch_op.drop_index(f'ix_letters_{name}')
        for column in PARTIAL:
            batch_op.drop_index(f'ix_letters_{column}')
            batch_op.create_index(f'ix_letters_{column}', [column], unique=False, **_not_null(column))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_created_at')
    if op.get_bind().dialect.name == 'postgresql':
        # Applies to pages written from now on; `VACUUM FULL letters` rewrites the existing ones.
        op.execute('ALTER TABLE letters SET (fillfactor = 90)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE letters RESET (fillfactor)')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('letters', schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_index(f'ix_letters_{column}')
            batch_op.create_index(f'ix_letters_{column}', [column], unique=False)
        for name in ('department_id', 'submitted_at', 'due_at'):
            batch_op.create_index(f'ix_letters_{name}', [name], unique=False)
        batch_op.drop_index('ix_letters_status_submitted')
        batch_op.create_index('ix_letters_status_submitted', ['status', 'submitted_at', 'veto_flagged_at'], unique=False)
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at', 'submitted_at', 'department_id', 'warn_at',
                                                        'warning_sent_at', 'overdue_sent_at'], unique=False)

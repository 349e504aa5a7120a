"""Letters: the deadline sweep's look-ups read indexes alone — ix_letters_status_due also
holds warn_at and the warning/overdue flags; ix_letters_status (status) becomes
ix_letters_status_submitted (status, submitted_at, veto_flagged_at) for the veto look-up

Revision ID: d5e1a7c3b9f2
Revises: e4f1a9c27b30
Create Date: 2026-12-01 00:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5e1a7c3b9f2'
down_revision = 'e4f1a9c27b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at', 'submitted_at', 'department_id', 'warn_at',
                                                        'warning_sent_at', 'overdue_sent_at'], unique=False)
        batch_op.drop_index('ix_letters_status')
        batch_op.create_index('ix_letters_status_submitted', ['status', 'submitted_at', 'veto_flagged_at'], unique=False)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_status_submitted')
        batch_op.create_index('ix_letters_status', ['status'], unique=False)
        batch_op.drop_index('ix_letters_status_due')
        batch_op.create_index('ix_letters_status_due', ['status', 'due_at', 'submitted_at', 'department_id'],
                              unique=False)

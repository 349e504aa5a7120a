"""Unread notices found by their link

A step on a letter marks read every unread notice about it (``notify.mark_read_about``: a
colleague answered it, the office moved it to another department), and opening the letter
marks the clerk's own read. The notices are found by their link (``url``) among the unread
ones: a partial index that holds only unread notices.

Revision ID: ae0644d0b372
Revises: d7f1a2b3c4e5
Create Date: 2026-12-02 07:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ae0644d0b372'
down_revision = 'd7f1a2b3c4e5'
branch_labels = None
depends_on = None

_UNREAD = {"sqlite_where": sa.text("read_at IS NULL"), "postgresql_where": sa.text("read_at IS NULL")}


def upgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.create_index("ix_notifications_unread_url", ["url"], unique=False, **_UNREAD)


def downgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_unread_url")

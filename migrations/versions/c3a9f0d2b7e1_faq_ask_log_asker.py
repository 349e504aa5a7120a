"""FAQ ask log: who asked that day (a keyed digest), and the index 热门问题 count from

Revision ID: c3a9f0d2b7e1
Revises: ae0644d0b372
Create Date: 2026-12-02 07:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3a9f0d2b7e1"
down_revision = "ae0644d0b372"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_ask_logs") as batch:
        batch.add_column(sa.Column("asker", sa.String(length=16), nullable=True))
    op.create_index("ix_faq_ask_logs_popular", "faq_ask_logs", ["answered", "asked_at", "best_entry_id", "asker"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_faq_ask_logs_popular", table_name="faq_ask_logs")
    with op.batch_alter_table("faq_ask_logs") as batch:
        batch.drop_column("asker")

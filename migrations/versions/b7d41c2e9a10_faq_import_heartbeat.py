"""FAQ import jobs: heartbeat and attempts, so the background worker resumes a job whose
process died.

Revision ID: b7d41c2e9a10
Revises: 53b05efcc536
Create Date: 2026-11-30 13:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d41c2e9a10"
down_revision = "53b05efcc536"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_import_jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("faq_import_jobs") as batch:
        batch.drop_column("attempts")
        batch.drop_column("heartbeat_at")

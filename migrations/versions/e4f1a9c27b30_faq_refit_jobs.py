"""FAQ: refit jobs (the decision-model page's 重新训练 button, run by the background worker)

Revision ID: e4f1a9c27b30
Revises: f2c9e1b7d4a6
Create Date: 2026-12-01 00:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e4f1a9c27b30"
down_revision = "f2c9e1b7d4a6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_refit_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("pending", "running", "done", "failed", name="refitstatus", native_enum=False,
                                    length=16), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_faq_refit_jobs_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["faq_decision_models.id"],
                                name=op.f("fk_faq_refit_jobs_version_id_faq_decision_models"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_refit_jobs")),
    )
    with op.batch_alter_table("faq_refit_jobs") as batch:
        batch.create_index(batch.f("ix_faq_refit_jobs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("faq_refit_jobs") as batch:
        batch.drop_index(batch.f("ix_faq_refit_jobs_status"))
    op.drop_table("faq_refit_jobs")

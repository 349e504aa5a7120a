"""One-time codes for registering and 忘记密码; the local outbox of the demo's messages

Revision ID: b7d2e4f9a1c3
Revises: abbf6a4dd242
Create Date: 2026-12-02 10:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d2e4f9a1c3"
down_revision = "abbf6a4dd242"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("identifier_key", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=254), nullable=True),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_verification_codes_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    op.create_index("ix_verification_codes_key_at", "verification_codes", ["identifier_key", "created_at"])
    op.create_index("ix_verification_codes_address_at", "verification_codes", ["address", "created_at"])
    op.create_table(
        "message_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_outbox")),
    )
    op.create_index(op.f("ix_message_outbox_created_at"), "message_outbox", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_message_outbox_created_at"), table_name="message_outbox")
    op.drop_table("message_outbox")
    op.drop_index("ix_verification_codes_address_at", table_name="verification_codes")
    op.drop_index("ix_verification_codes_key_at", table_name="verification_codes")
    op.drop_table("verification_codes")

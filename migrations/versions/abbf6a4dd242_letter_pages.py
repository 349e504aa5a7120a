"""A published letter's public page stored once per change (letters.pages, #18)

Revision ID: abbf6a4dd242
Revises: c3a9f0d2b7e1
Create Date: 2026-12-02 10:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "abbf6a4dd242"
down_revision = "c3a9f0d2b7e1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default: PostgreSQL adds the column without rewriting the table, SQLite
    # with ALTER TABLE ADD COLUMN (no copy of the letters).
    op.add_column("letters", sa.Column("page_serial", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "letter_pages",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("department_name", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], name=op.f("fk_letter_pages_letter_id_letters"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("letter_id", name=op.f("pk_letter_pages")),
    )


def downgrade() -> None:
    op.drop_table("letter_pages")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("page_serial")

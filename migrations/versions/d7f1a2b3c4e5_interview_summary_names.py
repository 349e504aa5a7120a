"""An interview keeps the names its approved questions hide, for its summary

The archive's summary (访谈摘要) hides every name the interview's approved questions hide.
Gathering them masks every question: with 2,000 questions, 3–11 s of a worker at the first
view after each restart. ``interviews.summary_names`` keeps them, ``summary_names_key`` says
what they were gathered from (the masking rules' version, the approved questions' count,
last id and last change); both are filled at the first view (``services.summary_names``).

Revision ID: d7f1a2b3c4e5
Revises: c5d9e3f7a1b4
Create Date: 2026-12-02 04:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7f1a2b3c4e5'
down_revision = 'c5d9e3f7a1b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("summary_names", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("summary_names_key", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("summary_names_key")
        batch.drop_column("summary_names")

"""The month index carries the publication time

来信选登 within a month orders the month's letters by publication, newest first, and read
the list index from the newest letter down to the month's (an old month's page walked every
letter published since). ``ix_letters_public_submitted`` now holds ``published_at`` after
(submitted_at, id), so the month's first and last publication come from the same
index-only range read as its ids (``letters.services._month_range``), and a page reads only
the list index's entries published in that span.

Revision ID: a3e7c9d1f5b2
Revises: 5c1d7e9a3b20
Create Date: 2026-12-01 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3e7c9d1f5b2'
down_revision = '5c1d7e9a3b20'
branch_labels = None
depends_on = None


_PUBLISHED = {"sqlite_where": sa.text("published = 1"), "postgresql_where": sa.text("published = true")}


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_public_submitted')
        batch_op.create_index('ix_letters_public_submitted', ['submitted_at', 'id', 'published_at'],
                              unique=False, **_PUBLISHED)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_public_submitted')
        batch_op.create_index('ix_letters_public_submitted', ['submitted_at', 'id'], unique=False, **_PUBLISHED)

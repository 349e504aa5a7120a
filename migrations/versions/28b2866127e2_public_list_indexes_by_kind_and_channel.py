"""Public list indexes by kind and channel

来信选登 and the API filtered by 类别 or 渠道 read every published letter newest first to
test its kind or channel (attack I7); partial indexes on (kind|channel, published_at, id)
WHERE published, with the other filters' columns after them. They replace the plain
indexes on kind and on channel (four and three values: SQLite chose them for the public
count, reading every letter of the kind to test ``published``; the staff lists filter by
department and state first).

Revision ID: 28b2866127e2
Revises: e7b3d9f2a6c1
Create Date: 2026-12-01 07:22:01.433666

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '28b2866127e2'
down_revision = 'e7b3d9f2a6c1'
branch_labels = None
depends_on = None


_PUBLISHED = {"sqlite_where": sa.text("published = 1"), "postgresql_where": sa.text("published = true")}


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_kind')
        batch_op.drop_index('ix_letters_channel')
        batch_op.create_index('ix_letters_public_kind',
                              ['kind', 'published_at', 'id', 'channel', 'department_id', 'submitted_at'],
                              unique=False, **_PUBLISHED)
        batch_op.create_index('ix_letters_public_channel',
                              ['channel', 'published_at', 'id', 'kind', 'department_id', 'submitted_at'],
                              unique=False, **_PUBLISHED)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_public_channel')
        batch_op.drop_index('ix_letters_public_kind')
        batch_op.create_index('ix_letters_channel', ['channel'], unique=False)
        batch_op.create_index('ix_letters_kind', ['kind'], unique=False)

"""Public indexes by department and by month

来信选登 filtered by a department and 类别 (or 渠道) read the department's letters from
``ix_letters_public_department`` and each one's row to test its kind: the index now carries
kind, channel and submitted_at after (department_id, published_at, id), like the kind and
channel indexes carry the other filters. A month's list or search starts from the lowest
and highest id of the month's published letters: ``ix_letters_public_submitted``
(submitted_at, id) WHERE published answers that from the index alone (attack I9: on
PostgreSQL the look-up walked the primary key, 130–250 ms at 100,000 letters).

Revision ID: 5c1d7e9a3b20
Revises: b8d1f4a7c2e9
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d7e9a3b20'
down_revision = 'b8d1f4a7c2e9'
branch_labels = None
depends_on = None


_PUBLISHED = {"sqlite_where": sa.text("published = 1"), "postgresql_where": sa.text("published = true")}


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_public_department')
        batch_op.create_index('ix_letters_public_department',
                              ['department_id', 'published_at', 'id', 'kind', 'channel', 'submitted_at'],
                              unique=False, **_PUBLISHED)
        batch_op.create_index('ix_letters_public_submitted', ['submitted_at', 'id'], unique=False, **_PUBLISHED)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_public_submitted')
        batch_op.drop_index('ix_letters_public_department')
        batch_op.create_index('ix_letters_public_department', ['department_id', 'published_at', 'id'],
                              unique=False, **_PUBLISHED)

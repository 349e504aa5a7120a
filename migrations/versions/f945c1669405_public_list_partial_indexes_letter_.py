"""Public list partial indexes, statistics covering index, letter number counters

The public list (来信选登, home page) reads only published letters, newest first: partial
indexes on (published_at, id) and (department_id, published_at, id) WHERE published replace
(published, published_at), which PostgreSQL could not use for ``published IS true`` and
scanned backwards past every unpublished letter. Letter numbers are counted per day in
``letter_number_counters`` (seeded from the letters already numbered). The statistics get
a covering index on the columns they aggregate by submission time.

Revision ID: f945c1669405
Revises: b7d41c2e9a10
Create Date: 2026-11-30 13:17:25.192513

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f945c1669405'
down_revision = 'b7d41c2e9a10'
branch_labels = None
depends_on = None

_PUBLISHED = {"sqlite_where": sa.text("published = 1"), "postgresql_where": sa.text("published = true")}


def upgrade():
    op.create_table('letter_number_counters',
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_letter_number_counters'))
    )
    # XJyyyymmdd-nnnn: the day is characters 3-10, the sequence follows the dash.
    op.execute(
        "INSERT INTO letter_number_counters (day, last) "
        "SELECT substr(number, 3, 8), count(*) FROM letters WHERE number LIKE 'XJ________-%' "
        "GROUP BY substr(number, 3, 8)"
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_published_list')
        batch_op.drop_index('ix_letters_published_at')
        batch_op.create_index('ix_letters_public_list', ['published_at', 'id'], unique=False, **_PUBLISHED)
        batch_op.create_index('ix_letters_public_department', ['department_id', 'published_at', 'id'],
                              unique=False, **_PUBLISHED)
        batch_op.create_index('ix_letters_statistics', ['submitted_at', 'department_id', 'status', 'answered_at',
                                                        'answered_on_time', 'answered_workdays', 'rating', 'due_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_statistics')
        batch_op.drop_index('ix_letters_public_department')
        batch_op.drop_index('ix_letters_public_list')
        batch_op.create_index('ix_letters_published_list', ['published', 'published_at'], unique=False)
        batch_op.create_index('ix_letters_published_at', ['published_at'], unique=False)

    op.drop_table('letter_number_counters')

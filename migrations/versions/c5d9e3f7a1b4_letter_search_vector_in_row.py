"""PostgreSQL's letter search index keeps only the vector, in the row

Ranking a search (``ts_rank``) reads the ``tsvector`` of every hit. With the two texts it
was made from beside it (``words``, ``grams``), the row of a letter of a few hundred
characters passed PostgreSQL's 2 kB limit and the vector, which compresses poorly, was
stored out of line (TOAST): one more look-up per hit, most of a search's time. The table
now holds the letter's id and its vector, made when the row is written
(``interact.letters.search.PG_VECTOR``), with ``toast_tuple_target`` at its largest, so a
vector up to a page stays in the row. The vectors are copied, not made again.

SQLite (an FTS5 table, which needs its texts) is unchanged.

Revision ID: c5d9e3f7a1b4
Revises: a3e7c9d1f5b2
Create Date: 2026-12-01 16:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5d9e3f7a1b4'
down_revision = 'a3e7c9d1f5b2'
branch_labels = None
depends_on = None


def _replace(create: str, copy: str) -> None:
    """Move ``letter_search`` aside, create it with ``create``, fill it with ``copy`` (a
    SELECT from ``letter_search_old``) and index it."""
    op.execute("DROP INDEX IF EXISTS ix_letter_search_tsv")
    op.execute("ALTER TABLE letter_search RENAME TO letter_search_old")
    op.execute("ALTER INDEX letter_search_pkey RENAME TO letter_search_old_pkey")
    op.execute(create)
    op.execute(copy)
    op.execute("DROP TABLE letter_search_old")
    op.execute("CREATE INDEX ix_letter_search_tsv ON letter_search USING gin (tsv)")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    _replace("CREATE TABLE letter_search ("
             "letter_id INTEGER PRIMARY KEY REFERENCES letters (id) ON DELETE CASCADE, "
             "tsv TSVECTOR NOT NULL) WITH (toast_tuple_target = 8160)",
             "INSERT INTO letter_search (letter_id, tsv) SELECT letter_id, tsv FROM letter_search_old")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The texts are not kept: the vector's terms become ``grams`` (a search finds the same
    # letters; ranking counts each term once until ``flask --app interact letters reindex
    # --all`` indexes the letters again).
    _replace("CREATE TABLE letter_search ("
             "letter_id INTEGER PRIMARY KEY REFERENCES letters (id) ON DELETE CASCADE, "
             "words TEXT NOT NULL DEFAULT '', grams TEXT NOT NULL DEFAULT '', "
             "tsv TSVECTOR GENERATED ALWAYS AS "
             "(to_tsvector('simple', words || ' ' || grams)) STORED)",
             "INSERT INTO letter_search (letter_id, grams) "
             "SELECT letter_id, array_to_string(tsvector_to_array(tsv), ' ') FROM letter_search_old")

"""Full-text search over published letters that works for Chinese.

An index, not ``LIKE``: every published letter has one row in ``letter_search`` with two
texts derived from its (masked) title, body and answer:

* ``words`` — jieba search-mode tokens (住房公积金 → 住房 公积 公积金 住房公积金), good
  for ranking;
* ``grams`` — character bigrams of every CJK run (住房公积金 → 住房 房公 公积 积金), so a
  query word always matches by its bigrams even where jieba cut the letter
  differently (社保 inside 社保局, 公积金 inside 住房公积金提取).

SQLite: an FTS5 virtual table (``rowid`` = letter id). PostgreSQL: a table of the
``tsvector`` alone (``to_tsvector('simple', words || ' ' || grams)``, made when the row is
written: :data:`PG_VECTOR`) with a GIN index, each row kept whole in its table page (see
:func:`create_search_index`). :func:`create_search_index` is the DDL for both;
``interact.letters.models`` runs it after ``letters`` is created; the Alembic migrations
write theirs out.

The service keeps the index in sync: :func:`index_letter` when a letter is published,
:func:`unindex_letter` when it is withdrawn.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import sqlalchemy as sa

from interact.core.privacy import mask_text
from interact.core.textnorm import normalize

from interact.core.segment import FUNCTION_WORDS, ensure_jieba, jieba

TABLE = "letter_search"
#: Longest query considered (characters) and most terms combined.
MAX_QUERY_CHARS = 60
MAX_TERMS = 8

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[0-9a-z]+")
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9a-z]")
_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

# --- DDL --------------------------------------------------------------------------------


def create_search_index(connection) -> None:
    """Create the search structure for ``connection``'s dialect (idempotent)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            "words, grams, tokenize = 'unicode61 remove_diacritics 0')"
        )
    elif dialect == "postgresql":
        # Only the vector, and kept in the row: ranking reads the vector of every hit
        # (ts_rank), and a vector stored out of line (TOAST) costs a look-up in the TOAST
        # table per hit. With the two texts beside it, a row of a letter of a few hundred
        # characters passed PostgreSQL's 2 kB limit, and the vector, which compresses too
        # poorly to be kept compressed, went out of line — for one in five letters of the
        # benchmark, more among the longer ones a search finds. Rows up to
        # toast_tuple_target (the most PostgreSQL allows, a whole page) now stay in the page
        # uncompressed; only a vector longer than that is compressed or moved out.
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "letter_id INTEGER PRIMARY KEY REFERENCES letters (id) ON DELETE CASCADE, "
            "tsv TSVECTOR NOT NULL) WITH (toast_tuple_target = 8160)"
        )
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_tsv ON {TABLE} USING gin (tsv)")
    else:
        raise RuntimeError(f"letter search supports SQLite and PostgreSQL, not {dialect}")


def drop_search_index(connection) -> None:
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


# --- text preparation -----------------------------------------------------------------


def html_to_text(value: str | None) -> str:
    return html.unescape(_TAG.sub(" ", value or ""))


def segment_words(text: str) -> list[str]:
    """jieba search-mode tokens of normalised text (punctuation and spaces dropped)."""
    ensure_jieba()
    return [t for t in jieba.cut_for_search(normalize(text)) if _TOKEN.search(t)]


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def segment_grams(text: str) -> list[str]:
    """CJK character bigrams per run; Latin/digit runs kept whole."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(normalize(text)):
        grams.extend(_bigrams(run) if _CJK.match(run) else [run])
    return grams


def document_texts(title: str, body: str, answer_html: str | None, names: tuple[str, ...] = ()) -> tuple[str, str]:
    """``(words, grams)`` for a letter; personal data (and the writer's ``names``) is masked
    before indexing so that a phone number, ID number or name cannot be used to find a letter."""
    text = mask_text("\n".join([title, body, html_to_text(answer_html)]), names=names)
    return " ".join(segment_words(text)), " ".join(segment_grams(text))


# --- index maintenance -----------------------------------------------------------------


#: PostgreSQL: the vector of a row, from the texts of :func:`document_texts`.
PG_VECTOR = "to_tsvector('simple', :words || ' ' || :grams)"


def insert_statement(dialect: str) -> sa.TextClause:
    """The INSERT of one index row from ``:id``, ``:words`` and ``:grams`` (the texts of
    :func:`document_texts`)."""
    if dialect == "sqlite":
        return sa.text(f"INSERT INTO {TABLE} (rowid, words, grams) VALUES (:id, :words, :grams)")
    return sa.text(f"INSERT INTO {TABLE} (letter_id, tsv) VALUES (:id, {PG_VECTOR})")


def index_letter(session, letter_id: int, title: str, body: str, answer_html: str | None,
                 names: tuple[str, ...] = ()) -> None:
    """(Re)index one published letter."""
    words, grams = document_texts(title, body, answer_html, names)
    unindex_letter(session, letter_id)
    session.execute(insert_statement(session.get_bind().dialect.name),
                    {"id": letter_id, "words": words, "grams": grams})


def unindex_letter(session, letter_id: int) -> None:
    key = "rowid" if session.get_bind().dialect.name == "sqlite" else "letter_id"
    session.execute(sa.text(f"DELETE FROM {TABLE} WHERE {key} = :id"), {"id": letter_id})


# --- queries ---------------------------------------------------------------------------


def _distinct_terms(text: str) -> list[str]:
    ensure_jieba()
    terms: list[str] = []
    for token in jieba.cut(normalize((text or "")[:MAX_QUERY_CHARS])):
        for run in _CJK_RUN.findall(token):
            if run not in terms:
                terms.append(run)
    return terms


def query_terms(query: str) -> list[str]:
    """Terms of a citizen's query (jieba precise mode), at most ``MAX_TERMS``."""
    return _distinct_terms(query)[:MAX_TERMS]


def content_terms(text: str) -> list[str]:
    """The terms of ``text`` that say what it is about — without function words such as
    怎么 需要 可以, single characters or bare numbers — at most ``MAX_TERMS``: for finding
    letters *similar* to a text being written rather than letters containing a query."""
    return [t for t in _distinct_terms(text)
            if len(t) > 1 and t not in FUNCTION_WORDS and not t.isdigit()][:MAX_TERMS]


# How a term matches: a Chinese term of several characters matches a letter that holds
# every one of its bigrams (公积金: 公积 and 积金), not only the letters holding them side by
# side (a phrase). The phrase is what a reader means, but the bigrams of one term almost
# never occur apart in a letter, and checking adjacency is costly on PostgreSQL: GIN keeps
# no positions, so a phrase query re-reads (and decompresses) the stored tsvector of every
# hit — 52 ms for the 7,460 hits of 公积金 提取 at 1,000,000 letters, against 10–14 ms for
# the bigrams, which the index answers without reading any tsvector. Both databases match
# the same way, so a search finds the same letters on SQLite and PostgreSQL.


def _fts5_quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts5_term(term: str) -> str:
    """One term as an FTS5 expression: a word or its bigram phrase."""
    if _CJK.match(term) and len(term) == 1:
        # One character: any bigram (or word) starting with it.
        return f"(grams : {_fts5_quote(term)} * OR words : {_fts5_quote(term)} *)"
    if _CJK.match(term):
        # Every bigram of the term ("How a term matches", above). The bigrams find every
        # letter in which jieba cut the term as a word too (both come from the same text),
        # so the word column adds nothing but the cost of reading its lists: a two-word
        # query matched on both took 2.4 ms, on grams 0.4 ms.
        grams = _bigrams(term)
        if len(grams) == 1:
            return f"grams : {_fts5_quote(grams[0])}"
        return f"grams : ({' AND '.join(_fts5_quote(g) for g in grams)})"
    return f"(words : {_fts5_quote(term)} OR grams : {_fts5_quote(term)} *)"


def _combine(pieces: list[str], both: str, either: str, any_two: bool) -> str:
    """Every piece, or with ``any_two`` any two of them (all when there are at most two)."""
    if not any_two or len(pieces) <= 2:
        return f" {both} ".join(pieces)
    return f" {either} ".join(f"({a} {both} {b})" for i, a in enumerate(pieces) for b in pieces[i + 1:])


def fts5_expression(terms: list[str], *, any_two: bool = False) -> str:
    """An FTS5 MATCH expression: every term must match (as a word or a bigram phrase), or
    with ``any_two`` at least two of them (all when there are at most two)."""
    return _combine([_fts5_term(t) for t in terms], "AND", "OR", any_two)


def _tsquery(terms: list[str], any_two: bool) -> tuple[str, dict[str, str]]:
    """PostgreSQL: the ``tsquery`` expression of ``terms`` (as :func:`fts5_expression`)."""
    params = {}
    pieces = []
    for i, term in enumerate(terms):
        if _CJK.match(term) and len(term) == 1:
            params[f"t{i}"] = term
            pieces.append(f"to_tsquery('simple', quote_literal(:t{i}) || ':*')")
        else:
            # Every bigram of a Chinese term ("How a term matches", above): plainto_tsquery ANDs them.
            params[f"t{i}"] = " ".join(_bigrams(term)) if _CJK.match(term) else term
            pieces.append(f"plainto_tsquery('simple', :t{i})")
    return _combine(pieces, "&&", "||", any_two), params


def matching_letters(session, terms: list[str], *, ranked: bool = True, any_two: bool = False,
                     ids: tuple[int | None, int | None] | None = None):
    """A subquery ``(letter_id, score)`` of indexed letters matching every one of ``terms``
    (:func:`query_terms`; lower score is better), or ``(letter_id)`` alone when not
    ``ranked`` (counting the hits does not need the rank, which costs per hit). With
    ``any_two``, letters matching at least two of the terms (see :func:`content_terms`).

    ``ids``: only letters whose id lies in this inclusive range (``None`` bounds: none at
    all). A search within one month passes the ids of the letters submitted in it: the index
    then reads and ranks only the hits in that range instead of every hit of the words
    (公积金 within a month at 100,000 letters: 0.3 ms instead of 6 ms; 办理: 3 ms instead of
    42 ms), and the caller's own conditions keep exactly the letters wanted."""
    within = ""
    if ids is not None:
        key = "rowid" if session.get_bind().dialect.name == "sqlite" else "letter_id"
        within = f" AND {key} BETWEEN :low AND :high"
    if session.get_bind().dialect.name == "sqlite":
        score = ", rank AS score" if ranked else ""
        statement = sa.text(
            f"SELECT rowid AS letter_id{score} FROM {TABLE} WHERE {TABLE} MATCH :expression{within}"
        ).bindparams(expression=fts5_expression(terms, any_two=any_two))
    else:
        tsquery, params = _tsquery(terms, any_two)
        score = ", -ts_rank(tsv, q) AS score" if ranked else ""
        statement = sa.text(
            f"SELECT letter_id{score} FROM {TABLE}, (SELECT {tsquery} AS q) AS query WHERE tsv @@ q{within}"
        ).bindparams(**params)
    if ids is not None:
        statement = statement.bindparams(sa.bindparam("low", ids[0], type_=sa.Integer),
                                         sa.bindparam("high", ids[1], type_=sa.Integer))
    if not ranked:
        return statement.columns(letter_id=sa.Integer).subquery("letter_hits")
    return statement.columns(letter_id=sa.Integer, score=sa.Float).subquery("letter_match")


#: A search ranks at most this many hits at a time. Ranking costs per hit (FTS5's bm25,
#: PostgreSQL's ts_rank, then sorting the hits joined to the letters): a query matching
#: 18,000 of 100,000 letters (办理 材料) took 65 ms for its first page, most of it ranking
#: letters nobody would page to. So the hits are taken in windows of this many, newest
#: (highest letter id) first, and each window is ordered by relevance: a query with fewer
#: hits is ranked as a whole, exactly as before; a broader one shows the most relevant of
#: its newest thousand hits first, then of the thousand before them, and so on.
RANK_WINDOW = 1000

#: A search counts its hits up to this many; a broader one says "more than" that many
#: (pages up to it). Counting reads every hit on PostgreSQL — its GIN index can only say
#: which rows may match, so each hit's row is visited (rechecked) —: a query matching
#: 160,000 of a million letters (咨询电话 流程) took 0.7–1.3 s to count, against tens of ms
#: up to this limit. SQLite counts the same way, so both show the same totals.
COUNT_LIMIT = 5000


@dataclass(frozen=True)
class FirstWindow:
    """The newest :data:`RANK_WINDOW` hits of a search, in the order of :func:`ranked_page`
    (by relevance, newest first among equal ranks), and whether there are older ones."""

    ids: tuple[int, ...]
    more: bool

    @property
    def size(self) -> int:
        """Its weight in the page store's budget (bytes, roughly)."""
        return 64 + 8 * len(self.ids)


def first_window(session, terms: list[str], hits: int | None = None) -> FirstWindow | None:
    """The search's first window of hits (the newest ``RANK_WINDOW``, by relevance) in one
    statement, so that every page inside it is a slice of it (:func:`ranked_page`).

    SQLite: the newest ``RANK_WINDOW + 1`` hits by id with their rank (FTS5 walks a match
    newest first and ranks only the rows it returns), in the window's order. It replaces
    three statements that each evaluated the match again (counting the hits, walking to
    where the window ends, ranking inside it), and a search with at most a window of hits
    (most two-word searches) needs no count at all.

    PostgreSQL, whose GIN index returns hits in no order, needs the number of ``hits``
    (:func:`count_hits`) to choose how (``None`` without it): at most a window, every hit
    ranked; up to ``COUNT_LIMIT``, the hits taken from the index and the newest window of
    them ranked; more, the letters walked newest first, which soon finds a window of hits
    (see :func:`ranked_page`). Before, every page ranked its window again (8–15 ms a page
    for a common word at 100,000 letters, attack N6)."""
    if session.get_bind().dialect.name != "sqlite":
        if hits is None:
            return None
        tsquery, params = _tsquery(terms, any_two=False)
        # The query inline where it is used (not a CTE that both parts read: the planner
        # would then not see it, and match every row of the table without the index).
        query = f"(SELECT {tsquery} AS q) AS query"
        hit = f"SELECT letter_id, tsv FROM {TABLE}, {query} WHERE tsv @@ q"
        if hits <= RANK_WINDOW:
            statement = f"SELECT letter_id FROM {TABLE}, {query} WHERE tsv @@ q ORDER BY -ts_rank(tsv, q), letter_id DESC"
        elif hits <= COUNT_LIMIT:
            # The hits' ids from the index, the newest window of them sorted, then their
            # vectors read to rank them (as ranked_page's bound; ids alone are kept: the
            # vectors of every hit materialised cost twice as much, 42 against 24 ms).
            statement = (f"WITH hit AS MATERIALIZED (SELECT letter_id FROM {TABLE}, {query} WHERE tsv @@ q) "
                         f"SELECT s.letter_id FROM (SELECT letter_id FROM hit ORDER BY letter_id DESC LIMIT :n) AS w "
                         f"JOIN {TABLE} AS s ON s.letter_id = w.letter_id, {query} "
                         "ORDER BY -ts_rank(s.tsv, q), s.letter_id DESC")
        else:
            statement = (f"SELECT w.letter_id FROM ({hit} ORDER BY letter_id DESC LIMIT :n) AS w, {query} "
                         "ORDER BY -ts_rank(w.tsv, q), w.letter_id DESC")
        ids = list(session.scalars(sa.text(statement), {**params, "n": RANK_WINDOW}))
        return FirstWindow(ids=tuple(ids), more=hits > RANK_WINDOW)
    ids = list(session.scalars(sa.text(
        f"SELECT rowid FROM (SELECT rowid, rank AS score FROM {TABLE} WHERE {TABLE} MATCH :e "
        "ORDER BY rowid DESC LIMIT :n) ORDER BY score, rowid DESC"), {"e": fts5_expression(terms), "n": RANK_WINDOW + 1}))
    more = len(ids) > RANK_WINDOW
    if more:
        ids.remove(min(ids))  # the newest hit below the window: only says there are more
    return FirstWindow(ids=tuple(ids), more=more)


def count_hits(session, terms: list[str]) -> int:
    """The number of published letters matching every one of ``terms``, at most
    ``COUNT_LIMIT + 1`` (more than the limit)."""
    hits = matching_letters(session, terms, ranked=False)
    return session.scalar(sa.select(sa.func.count()).select_from(
        sa.select(hits.c.letter_id).limit(COUNT_LIMIT + 1).subquery())) or 0


def ranked_page(session, terms: list[str], *, offset: int, limit: int, hits: int | None = None,
                remember=None, first: FirstWindow | None = None) -> list[int]:
    """Letter ids of one page of a search over every published letter (``offset`` hits
    skipped), in the order of :data:`RANK_WINDOW`: by window (newest first), then by
    relevance, then newest first among equal ranks. Per window touched (one, unless a page
    straddles two): the id where the window ends, walking the hits down from the newest
    unranked, then the ranked part of the page inside that window. ``hits``: the number
    of hits when known (:func:`count_hits`) — at most one window's worth are ranked in one statement (on
    PostgreSQL the walk reads every hit, as much as ranking them). ``remember(key, compute)``:
    where the windows end is kept with it (``core.pagecache.remember``: until a public
    change), so the next pages of a search only rank. ``first``: the search's
    :func:`first_window` when known — a page inside it is a slice of it."""
    window = RANK_WINDOW
    if first is not None and (not first.more or offset + limit <= window):
        return list(first.ids[max(offset, 0):max(offset, 0) + limit])
    if session.get_bind().dialect.name == "sqlite":
        params = {"e": fts5_expression(terms)}
        matching = f"FROM {TABLE} WHERE {TABLE} MATCH :e"
        key, rank = "rowid", "rank"
    else:
        tsquery, params = _tsquery(terms, any_two=False)
        matching = f"FROM {TABLE}, (SELECT {tsquery} AS q) AS query WHERE tsv @@ q"
        key, rank = "letter_id", "-ts_rank(tsv, q)"
    ranked = f"SELECT {key} {matching}{{inside}} ORDER BY {rank}, {key} DESC LIMIT :limit OFFSET :within"
    if hits is not None and hits <= window:
        return [row[0] for row in session.execute(
            sa.text(ranked.format(inside="")), {**params, "limit": limit, "within": max(offset, 0)})]
    bound = f"SELECT {key} {matching}{{inside}} ORDER BY {key} DESC LIMIT 1 OFFSET :skip"
    if key == "letter_id" and hits is not None and hits <= COUNT_LIMIT:
        # PostgreSQL: a search with a few thousand hits takes them from the index, then
        # sorts their ids. Left to itself the planner, which guesses how many letters hold
        # two words from each word's frequency alone, may walk every letter from the newest
        # down and check each one: 1.1–1.8 s at 1,000,000 letters for 事宜 问题 (1,030 hits,
        # all old), 18 ms this way. A broader search keeps the walk, which soon finds
        # its thousand newest hits.
        bound = (f"WITH hit AS MATERIALIZED (SELECT {key} {matching}) "
                 f"SELECT {key} FROM hit WHERE true{{inside}} ORDER BY {key} DESC LIMIT 1 OFFSET :skip")
    memo = remember or (lambda _key, compute: compute())

    def window_end(number: int, above: int | None) -> int | None:
        """The lowest id of window ``number`` (None: it is the last), found a window's worth
        of hits below ``above`` (the end of the window before, when known) — a walk from the
        newest hit again would read every window above it once more."""
        if above is None:
            found = lambda: session.scalar(  # noqa: E731
                sa.text(bound.format(inside="")), {**params, "skip": (number + 1) * window - 1})
        else:
            found = lambda: session.scalar(  # noqa: E731
                sa.text(bound.format(inside=f" AND {key} < :below")), {**params, "skip": window - 1, "below": above})
        return memo(("letters.search_window_end", tuple(terms), window, number), found)

    ids: list[int] = []
    number, within = divmod(max(offset, 0), window)
    below = None  # this window's ids are below this one (the last id of the window before)
    if number:
        below = window_end(number - 1, None)
        if below is None:
            return ids
    while len(ids) < limit:
        lowest = window_end(number, below)  # None: the last window
        inside, values = "", {**params, "limit": limit - len(ids), "within": within}
        if lowest is not None:
            inside += f" AND {key} >= :lowest"
            values["lowest"] = lowest
        if below is not None:
            inside += f" AND {key} < :below"
            values["below"] = below
        ids += [row[0] for row in session.execute(sa.text(ranked.format(inside=inside)), values)]
        if lowest is None:
            break
        number, within, below = number + 1, 0, lowest
    return ids

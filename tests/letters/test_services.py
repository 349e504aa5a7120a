"""Service rules: submission checks, query codes, the search index, masking, the routing
suggestion and the figures for the office dashboard."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from datetime import date, timedelta
from pathlib import Path

import pytest

from interact.core import clock, periods
from interact.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from interact.extensions import db
from interact.letters import search, services
from interact.letters.models import Letter, LetterChannel, LetterKind, LetterRating, LetterStatus
from tests import sql
from tests.letters.conftest import letter_input

BADINPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "badinput"


def test_query_code_is_hashed_and_compared(submit):
    letter, code = submit()
    assert code not in letter.query_code_hash and len(letter.query_code_hash) == 64
    assert services.lookup(f" {letter.number.lower()} ", code.lower()) is letter
    for number, guess in [(letter.number, ""), (letter.number, code[:-1] + ("3" if code[-1] == "2" else "2")), ("XJ19990101-0001", code), ("", "")]:
        with pytest.raises(NotFound) as error:
            services.lookup(number, guess)
        assert error.value.message == services.LOOKUP_FAILED


def test_idempotency_key_returns_the_first_letter(app):
    first = services.submit_letter(letter_input(), idempotency_key="k1")
    second = services.submit_letter(letter_input(), idempotency_key="k1")
    assert second.duplicate and second.letter is first.letter and second.query_code is None
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_another_letter_with_the_same_key_is_refused_not_dropped(app):
    services.submit_letter(letter_input(), idempotency_key="k1")
    with pytest.raises(Conflict, match="Idempotency-Key"):
        services.submit_letter(letter_input(title="另一封信的标题"), idempotency_key="k1")
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_a_copy_stored_while_this_one_was_checked_is_returned_not_an_error(app, monkeypatch):
    """Two copies of one submission checked at the same time: the one that inserts second
    hits the idempotency key's unique index and gets the first letter (it used to retry
    with new numbers and end in 系统繁忙, while the letter was stored)."""
    first = services.submit_letter(letter_input(), idempotency_key="k2", query_code="ABCDEFGH")
    db.session.commit()
    looked = []
    real = services.find_by_idempotency_key

    def not_yet_stored_at_the_first_look(key):
        looked.append(key)
        return None if len(looked) == 1 else real(key)

    monkeypatch.setattr(services, "find_by_idempotency_key", not_yet_stored_at_the_first_look)
    second = services.submit_letter(letter_input(), idempotency_key="k2")
    assert second.duplicate and second.letter.id == first.letter.id and second.query_code is None
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1
    assert services.lookup(first.number, "ABCDEFGH").id == first.letter.id


def test_derived_query_codes_are_codes_and_differ_per_browser_and_form(app):
    code = services.derived_query_code("session-a", "token-1")
    assert len(code) == services.CODE_LENGTH and set(code) <= set(services.CODE_ALPHABET)
    assert code == services.derived_query_code("session-a", "token-1")
    assert code != services.derived_query_code("session-b", "token-1")
    assert code != services.derived_query_code("session-a", "token-2")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "短"}, "title"),
        ({"title": "长" * 51}, "title"),
        ({"body": "太短"}, "body"),
        ({"body": "字" * 2001}, "body"),
        ({"name": ""}, "name"),
        ({"phone": "0571-1234567"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"channel": LetterChannel.MAILBOX}, "leader_id"),
        ({"channel": LetterChannel.FORWARDED}, "channel"),
    ],
)
def test_submission_checks(app, overrides, field):
    with pytest.raises(InvalidInput) as error:
        services.submit_letter(letter_input(**overrides))
    assert field in error.value.fields


def test_unknown_department_or_leader_is_not_found(app):
    with pytest.raises(NotFound) as error:
        services.submit_letter(letter_input(department_id=99999))
    assert "department_id" in error.value.fields
    with pytest.raises(NotFound) as error:
        services.submit_letter(letter_input(channel=LetterChannel.MAILBOX, leader_id=99999))
    assert "leader_id" in error.value.fields
    with pytest.raises(InvalidInput) as error:  # a malformed letter is still a 422, naming every field
        services.submit_letter(letter_input(department_id=99999, title="短"))
    assert {"title", "department_id"} <= set(error.value.fields)


def test_control_characters_removed_and_phone_normalised(app):
    result = services.submit_letter(letter_input(title="公积金\x00提取问题", phone="+86 138-1234-5678"))
    assert result.letter.title == "公积金提取问题" and result.letter.phone == "13812345678"


def test_forwarded_letter_only_by_office(app, roles):
    with pytest.raises(PermissionDenied):
        services.enter_forwarded_letter(letter_input(), upstream_source="主席信箱", upstream_number="A1",
                                        upstream_due=None, department_id=None, actor=roles.handler_a)
    result = services.enter_forwarded_letter(letter_input(), upstream_source="主席信箱", upstream_number="A1",
                                             upstream_due=None, department_id=None, actor=roles.office)
    assert result.letter.status is LetterStatus.ACCEPTED and result.letter.channel is LetterChannel.FORWARDED


# --- search ---------------------------------------------------------------------------


def _titles(query: str, **filters) -> list[str]:
    page = services.public_letters(services.PublicQuery(q=query, **filters))
    return [letter.title for letter in page.items]


@pytest.fixture
def published(closed):
    closed(title="住房公积金提取需要什么材料")
    closed(title="社保卡丢失后怎么补办", body="社保卡丢了，去哪里补办社保卡，要多长时间？")
    closed(title="社会保险转移接续问题", body="外地社保关系怎样转入本市？")
    closed(title="幼儿园入园报名时间", body="请问今年幼儿园什么时候报名？", kind=LetterKind.HELP)
    closed(title="不公开的公积金来信", publish_consent=False)


def test_search_finds_chinese_words_inside_compounds(published):
    assert _titles("公积金") == ["住房公积金提取需要什么材料"]
    assert set(_titles("社保")) == {"社保卡丢失后怎么补办", "社会保险转移接续问题"}
    assert _titles("入园 报名") == ["幼儿园入园报名时间"]
    assert _titles("火星移民") == []


def test_search_ranks_and_filters(published, roles):
    assert _titles("社保卡")[0] == "社保卡丢失后怎么补办"
    assert _titles("", kind=LetterKind.HELP) == ["幼儿园入园报名时间"]
    assert _titles("公积金", department_id=roles.department_b.id) == []
    assert len(_titles("", month=clock.local_now().strftime("%Y-%m"))) == 4
    assert _titles("", month="2001-01") == []


def test_a_search_within_a_month_finds_exactly_that_months_letters(closed):
    """A month's search reads only the index entries of the ids submitted in it; a letter
    stored later with an earlier date (an imported one) is still found in its own month,
    and the letters of other months stored in between are not."""
    this_month = clock.local_now().strftime("%Y-%m")
    earlier = periods.shift_month(this_month, -1)
    start = periods.month_bounds(earlier)[0]
    letters = [closed(title=f"公积金提取问题{n}")[0] for n in range(4)]
    letters[1].submitted_at = start  # the first instant of the earlier month
    letters[3].submitted_at = start + timedelta(days=3)
    closed(title="社保卡补办", body="社保卡丢了怎么补办？")
    db.session.commit()

    def found(month):
        page = services.public_letters(services.PublicQuery(q="公积金", month=month))
        return sorted(letter.title for letter in page.items), page.total

    assert found(earlier) == (["公积金提取问题1", "公积金提取问题3"], 2)
    assert found(this_month) == (["公积金提取问题0", "公积金提取问题2"], 2)
    assert found(periods.shift_month(earlier, -1)) == ([], 0)


def test_search_pages_follow_one_order_and_count_every_hit(closed, roles):
    """Equal ranks (the same text) are ordered newest first across pages."""
    for n in range(5):
        closed(title=f"公积金贷款额度问题{n}", body="公积金贷款额度怎么计算？")
    closed(title="公积金贷款不公开", publish_consent=False)

    def page(number, per_page):
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), page=number, per_page=per_page)
        return [letter.title for letter in result.items], result.total

    everything, total = page(1, 10)
    assert total == 5 and len(everything) == 5
    assert page(1, 2)[0] + page(2, 2)[0] + page(3, 2)[0] == everything
    assert page(3, 2)[1] == 5


def test_a_broad_search_ranks_its_newest_hits_first_window_by_window(closed, roles, monkeypatch):
    """Only ``RANK_WINDOW`` hits are ranked at a time: the newest window first, by relevance
    inside it; the pages still go through every hit once and the total counts them all."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    strong = "公积金贷款额度怎么计算？公积金贷款额度和公积金贷款年限有什么关系？"
    titles = []
    for n, body in enumerate(["公积金贷款额度怎么计算？", strong, "公积金贷款额度怎么计算？",
                              "公积金贷款额度怎么计算？", strong, "公积金贷款额度怎么计算？", "公积金贷款额度怎么计算？"]):
        titles.append(f"市民来信{n}")
        closed(title=titles[-1], body=body)

    def page(number, per_page):
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), page=number, per_page=per_page)
        return [letter.title for letter in result.items], result.total

    everything, total = page(1, 10)
    assert total == 7
    # Newest window (来信6, 5, 4): the stronger match 来信4 first; then 来信3, 2, 1 with 来信1
    # first; then the oldest, 来信0 — each window newest first among equal ranks.
    assert everything == ["市民来信4", "市民来信6", "市民来信5", "市民来信1", "市民来信3", "市民来信2", "市民来信0"]
    assert page(1, 2)[0] + page(2, 2)[0] + page(3, 2)[0] + page(4, 2)[0] == everything
    assert page(5, 2) == (everything[6:], 7)  # past the last page: the last page
    monkeypatch.setattr(search, "RANK_WINDOW", 1000)  # few hits: ranked as a whole, as before
    assert page(1, 10)[0][:2] == ["市民来信4", "市民来信1"]


def test_a_search_s_next_pages_reuse_where_its_windows_end_until_a_publication(closed, app, monkeypatch):
    """Where each window of hits ends is found once per search (and again after a public
    change, which moves it); a deep page finds it a window below the one before."""
    import sqlalchemy as sa

    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for n in range(8):
        closed(title=f"市民来信{n}", body="公积金贷款额度怎么计算？")
    def page(number):
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), page=number, per_page=2)
        return [letter.title for letter in result.items]

    uncached = [page(n) for n in range(1, 5)]
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    with sql.captured(lambda text: "DESC LIMIT 1 OFFSET" in " ".join(text.split())) as walks:
        assert page(3) == uncached[2]  # window 1: the end of window 0, then its own
        assert len(walks) == 2
        assert [page(n) for n in range(1, 5)] == uncached  # window 2 ends a window below window 1
        assert len(walks) == 3
        closed(title="市民来信新", body="公积金贷款额度怎么计算？")
        walks.clear()
        # The first window is one statement, no walk (search.first_window).
        assert page(1)[0] == "市民来信新" and len(walks) == 0
        assert page(3) == ["市民来信4", "市民来信3"] and len(walks) == 2  # the windows moved: found again


def test_a_search_with_few_hits_is_ranked_and_counted_in_one_statement(closed, roles):
    """A search with at most ``RANK_WINDOW`` hits (most two-word searches) reads the index
    once on SQLite: its newest hits with their rank give the page and the total; no count,
    no walk (``search.first_window``)."""
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's GIN index returns hits in no order: counted, then ranked")
    strong = "公积金贷款额度怎么计算？公积金贷款额度和公积金贷款年限有什么关系？"
    for n, body in enumerate(["公积金贷款额度怎么计算？", strong, "公积金贷款额度怎么计算？"]):
        closed(title=f"市民来信{n}", body=body)
    with sql.captured(lambda text: search.TABLE in text) as reads:
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), per_page=2)
        assert [letter.title for letter in result.items] == ["市民来信1", "市民来信2"]
        assert result.total == 3 and not result.more_than_total
    assert len(reads) == 1


def test_a_search_s_pages_inside_its_first_window_read_the_index_once(closed, app, monkeypatch):
    """The first window of a search (its newest ``RANK_WINDOW`` hits, ranked) is found once
    and kept: its pages are slices of it, no statement on the index each (PostgreSQL ranked
    the window again for every page: 8–15 ms a page of a common word, attack N6)."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for n in range(4):
        closed(title=f"市民来信{n}", body="公积金贷款额度怎么计算？")
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60

    def page(number):
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), page=number, per_page=1)
        return [letter.title for letter in result.items]

    assert page(1) == ["市民来信3"]
    with sql.captured(lambda text: search.TABLE in text) as reads:
        assert page(2) + page(3) == ["市民来信2", "市民来信1"]
    assert reads == []


def test_a_search_counts_its_hits_up_to_a_limit_and_says_there_are_more(closed, roles, client, monkeypatch):
    """Counting every hit of a very broad query costs a visit per hit on PostgreSQL: the
    count stops at ``COUNT_LIMIT``; the page says 超过 N 封 and pages go up to it."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for n in range(7):
        closed(title=f"市民来信{n}", body="公积金贷款额度怎么计算？")
    everything = [letter.title for letter in services.public_letters(
        services.PublicQuery(q="贷款 额度"), per_page=10).items]
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)

    def page(number):
        result = services.public_letters(services.PublicQuery(q="贷款 额度"), page=number, per_page=2)
        return [letter.title for letter in result.items], result.total, result.more_than_total, result.pages

    assert page(1) == (everything[:2], 4, True, 2)
    assert page(2)[0] == everything[2:4]
    # A page past the limit is the last one (not a walk through every hit to get there).
    assert page(9) == (everything[2:4], 4, True, 2)
    assert "超过 4 封来信与“贷款 额度”相关" in client.get("/letters/?q=贷款 额度").get_data(as_text=True)
    monkeypatch.setattr(search, "COUNT_LIMIT", 7)  # exactly the limit: counted, nothing more
    assert page(1)[1:3] == (7, False)


def test_withdrawn_letter_leaves_the_index(closed, roles):
    letter, _ = closed(title="公积金贷款额度怎么计算")
    assert _titles("贷款") == ["公积金贷款额度怎么计算"]
    services.withdraw_letter(letter, actor=roles.office)
    assert _titles("贷款") == []
    services.publish_letter(letter, actor=roles.office)
    assert _titles("贷款") == ["公积金贷款额度怎么计算"]


def test_search_is_an_fts_index_not_like(app):
    if db.engine.dialect.name == "postgresql":
        definition = db.session.execute(db.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'letter_search' AND indexdef ILIKE '%gin%'")).scalar()
        assert definition is not None and "tsv" in definition
        return
    rows = db.session.execute(db.text("SELECT sql FROM sqlite_master WHERE name = 'letter_search'")).scalar()
    assert "fts5" in rows.lower()
    expression = search.fts5_expression(search.query_terms("住房公积金"))
    assert "grams" in expression and "LIKE" not in expression


def test_postgresql_keeps_a_letter_s_search_vector_in_its_row(closed):
    """Ranking reads the vector of every hit (``ts_rank``): a vector stored out of line
    (TOAST) costs a look-up per hit. A letter of a few hundred characters keeps it in the
    row, where PostgreSQL's 2 kB limit used to move it out."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's storage of the index")
    letter, _ = closed()
    body = "".join(chr(0x4E00 + (n * 37) % 2000) for n in range(250))  # 250 characters, no word twice
    search.index_letter(db.session, letter.id, letter.title, body, letter.answer_html)
    db.session.flush()
    size = db.session.scalar(db.text(f"SELECT pg_column_size(tsv) FROM {search.TABLE} WHERE letter_id = :id"),
                             {"id": letter.id})
    toast = db.session.scalar(db.text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = :t"),
                              {"t": search.TABLE})
    assert size > 2000  # what the 2 kB limit moved out of line
    assert db.session.scalar(db.text(f"SELECT count(*) FROM {toast}")) == 0
    assert _titles("".join(chr(0x4E00 + (n * 37) % 2000) for n in range(100, 104))) == [letter.title]


def test_search_expression_survives_syntax_characters(published):
    for query in ['"', "'", "*", "OR", "NEAR(", "a:b", "公积金\" OR \"x", "(((", "-", "^社保"]:
        services.public_letters(services.PublicQuery(q=query)).items  # noqa: B018 - must not raise


def test_personal_data_is_not_indexed(closed):
    letter, _ = closed()
    words, grams = search.document_texts(letter.title, letter.body, letter.answer_html)
    assert "13812345678" not in words + grams


# --- masking ----------------------------------------------------------------------------


def test_a_letter_s_public_page_reads_the_letter_and_its_timeline_in_one_statement(client, closed):
    """Each statement is a round trip on PostgreSQL: the letter, its department and its
    events (the public timeline) come together. A page not stored yet (letters.pages) reads
    the stored article's row first, then the letter with its timeline; a stored one, only
    that row."""
    letter, _ = closed()
    letter_id = letter.id
    events = [event.public_label for event in letter.public_events]
    db.session.expunge_all()  # as a new request finds it: not loaded yet
    for reads in (2, 1):
        with sql.captured(lambda text: text.lstrip().upper().startswith("SELECT")) as seen:
            html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
        assert [s for s in seen if "letters" in s.flat] == [s for s in seen if "FROM letters" in s.flat]
        assert len([s for s in seen if "FROM letters" in s.flat]) == reads
        assert not [s for s in seen if "FROM letter_events" in s.flat]
        assert events and all(label in html for label in events)


def test_public_detail_masks_ids_in_body_and_answer(client, assigned, roles):
    letter, _ = assigned(body="我的身份证号330102199001011234，电话13812345678，邮箱a@b.cn，请帮忙查询。")
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>已联系13812345678本人核实。</p>")
    services.approve_answer(letter, actor=roles.office, publish=True)
    db.session.commit()
    html = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    for secret in ("330102199001011234", "13812345678", "a@b.cn", "张三丰"):
        assert secret not in html


# --- routing suggestion -----------------------------------------------------------------


def test_suggest_department_from_similar_answered_letters(closed, roles):
    assert services.suggest_department("公积金提取") is None
    closed(title="住房公积金提取需要什么材料")
    suggestion = services.suggest_department("提取公积金要带什么")
    assert suggestion is not None and suggestion[0].id == roles.department_a.id
    assert services.suggest_department("火星移民政策") is None


# --- dashboard figures ------------------------------------------------------------------


def test_dashboard_functions(assigned, closed, roles, frozen):
    frozen(2026, 1, 5, 9)
    late, _ = assigned()
    answered, _ = closed()
    services.rate_letter(answered, LetterRating.SATISFIED)
    frozen(2026, 1, 20, 9)
    assert services.overdue_counts_by_department() == {roles.department_a.id: 1}
    assert services.last_reply_at("consultation") == answered.answered_at
    assert services.last_reply_at("mailbox") is None
    performance = services.department_performance(date(2026, 1, 1), date(2026, 1, 31))
    row = performance[roles.department_a.id]
    assert (row.received, row.answered, row.on_time, row.answered_late, row.overdue) == (2, 1, 1, 0, 1)
    assert row.satisfaction_rate == 1.0 and row.avg_workdays == 0.0
    assert services.department_performance(date(2025, 1, 1), date(2025, 1, 31)) == {}
    assert services.veto_letters() == []
    frozen(2026, 4, 5, 9)
    assert services.veto_letters() == [late]


def _badinput(name: str):
    path = BADINPUT / name
    if not path.exists():
        pytest.skip(f"{name} not available")
    return path


def test_naughty_strings_never_cause_errors(app, client):
    app.config["RATELIMIT_PUBLIC_POST"] = "100000 per minute"
    strings = json.loads(_badinput("blns.json").read_text(encoding="utf-8"))
    for i, value in enumerate(strings[:300]):
        if not isinstance(value, str):
            continue
        response = client.post("/letters/new", data={
            "channel": "consultation", "kind": "consultation", "title": value[:50] or "标题测试",
            "body": (value + " 请问这个问题怎么处理？") * 1, "name": value[:20] or "某某",
            "phone": "13812345678", "token": f"blns{i}",
        })
        assert response.status_code in (302, 422), (i, value)
        assert client.get("/letters/", query_string={"q": value[:60]}).status_code == 200
        assert client.post("/letters/lookup", data={"number": value[:24], "code": value[:16]}).status_code in (404, 422)


def test_xss_samples_are_inert_on_every_page(client, roles, auth):
    samples = [line for line in _badinput("xss-sample.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    for i, sample in enumerate(samples[:40]):
        result = services.submit_letter(letter_input(title=("测试" + sample)[:50], body=("来信内容：" + sample)[:2000],
                                                     name=sample[:20] or "某"))
        letter = result.letter
        services.assign_letter(letter, roles.department_a.id, actor=roles.office)
        services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>" + sample)
        services.approve_answer(letter, actor=roles.office, publish=True)
    db.session.commit()
    auth.login(roles.office)
    pages = ["/letters/", "/", "/staff/letters/all"]
    pages += [f"/letters/{letter.id}" for letter in db.session.scalars(db.select(Letter))]
    pages += [f"/staff/letters/{letter.id}" for letter in db.session.scalars(db.select(Letter).limit(10))]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        _assert_inert(response.get_data(as_text=True), page)


class _ActiveContent(HTMLParser):
    """Collects what a browser would execute: scripts, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    ("javascript:", "data:text", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("inline script")
        if tag in ("iframe", "object", "embed", "style"):
            self.found.append(tag)


def _assert_inert(html: str, page: str) -> None:
    parser = _ActiveContent()
    parser.feed(html)
    assert parser.found == [], (page, parser.found[:5])


def test_sqli_samples_in_filters_and_search(client, closed):
    closed()
    samples = [line for line in _badinput("sqli-sample.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    for sample in samples[:100]:
        # A department that is no id is a 301 to the list without it (the page store keys on
        # what the view reads); the search and the month are kept and answered.
        response = client.get("/letters/", query_string={"q": sample[:60], "department": sample, "month": sample},
                              follow_redirects=True)
        assert response.status_code == 200 and len(response.history) <= 1
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_department_performance_counts_answers_like_the_public_statistics(assigned, roles, frozen):
    """An answer waiting for the office's review is not yet "answered" on either page."""
    from interact.letters import stats

    frozen(2026, 1, 5, 9)
    letter, _ = assigned()
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>")
    row = services.department_performance(date(2026, 1, 1), date(2026, 1, 31))[roles.department_a.id]
    start, end = stats.month_bounds("2026-01")
    public = next(r for r in stats.department_rows(start, end) if r.department_id == roles.department_a.id)
    assert row.received == public.received == 1
    assert row.answered == public.answered == 0

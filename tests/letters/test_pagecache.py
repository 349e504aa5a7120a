"""Public pages reused for anonymous visitors (core/pagecache.py): what is shared, when it
is renewed, and that nothing of a logged-in user, a flash or a session is ever shared."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.extensions import db
from interact.letters import services


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    return app


def _rename_behind_the_orm(letter_id: int, title: str) -> None:
    """A change the page store cannot see (no ORM flush), to tell a reused page from a new one
    (the stored public copy is emptied, as the ORM does when a text changes)."""
    db.session.execute(sa.text("UPDATE letters SET title = :t, masked_rules = NULL WHERE id = :id"),
                       {"t": title, "id": letter_id})
    db.session.commit()


def test_anonymous_public_page_is_shared_and_conditional(cached, client, closed):
    letter, _ = closed(title="公积金提取材料咨询")
    first = client.get("/letters/")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert "Cookie" in first.headers["Vary"]
    assert first.headers.get("ETag") and "Set-Cookie" not in first.headers

    _rename_behind_the_orm(letter.id, "改过的标题")
    second = client.get("/letters/")
    assert "公积金提取材料咨询" in second.get_data(as_text=True)  # the stored page
    assert second.headers["ETag"] == first.headers["ETag"]
    again = client.get("/letters/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_public_change_renews_the_page(cached, client, closed, roles):
    letter, _ = closed(title="公积金提取材料咨询")
    assert "公积金提取材料咨询" in client.get(f"/letters/{letter.id}").get_data(as_text=True)
    services.withdraw_letter(letter, actor=roles.office, note="撤下")
    db.session.commit()
    assert client.get(f"/letters/{letter.id}").status_code == 404
    other, _ = closed(title="医保异地就医备案")
    assert "医保异地就医备案" in client.get("/letters/").get_data(as_text=True)


def test_citizen_submission_does_not_renew_public_pages(cached, client, closed, submit):
    letter, _ = closed(title="公积金提取材料咨询")
    client.get("/letters/")
    _rename_behind_the_orm(letter.id, "改过的标题")
    submit(title="一封新的来信", publish_consent=True)  # not public: the stored list stays valid
    assert "公积金提取材料咨询" in client.get("/letters/").get_data(as_text=True)


def test_logged_in_pages_are_never_shared(cached, client, auth, roles, closed):
    closed()
    auth.login(roles.office)
    staff_page = client.get("/letters/")
    assert staff_page.status_code == 200
    assert "public" not in staff_page.headers.get("Cache-Control", "")
    assert "工作台" in staff_page.get_data(as_text=True)
    page = cached.test_client().get("/letters/")
    assert "工作台" not in page.get_data(as_text=True) and "退出" not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "public, max-age=30"


def test_flash_and_session_pages_are_not_shared(cached, client, closed):
    letter, code = closed(title="公积金提取材料咨询")
    client.get("/letters/")  # stored for anonymous visitors
    _rename_behind_the_orm(letter.id, "改过的标题")
    # A visitor who unlocked a letter has a session: rendered for them, never stored or public.
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    page = client.get("/letters/")
    assert "改过的标题" in page.get_data(as_text=True)
    assert "public" not in page.headers.get("Cache-Control", "")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "只给这位访客的提示")]
    flashed = client.get("/")
    assert "只给这位访客的提示" in flashed.get_data(as_text=True)
    assert "public" not in flashed.headers.get("Cache-Control", "")
    assert "只给这位访客的提示" not in cached.test_client().get("/").get_data(as_text=True)


def test_page_with_a_form_token_is_not_shared(cached, client):
    page = client.get("/letters/new")  # CSRF token and captcha belong to this visitor's session
    assert page.status_code == 200
    assert "public" not in page.headers.get("Cache-Control", "")


def test_large_text_visitors_get_their_own_page(cached, client):
    client.get("/")
    client.set_cookie("large_text", "1")
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    client.delete_cookie("large_text")
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)


def test_public_api_answers_are_shared_and_renewed(cached, client, closed, roles):
    letter, _ = closed(title="公积金提取材料咨询")
    first = client.get("/api/v1/letters")
    assert first.status_code == 200 and first.json["items"][0]["title"] == "公积金提取材料咨询"
    assert first.headers["Cache-Control"] == "public, max-age=30" and first.headers.get("ETag")
    _rename_behind_the_orm(letter.id, "改过的标题")
    assert client.get("/api/v1/letters").json["items"][0]["title"] == "公积金提取材料咨询"
    assert client.get("/api/v1/letters", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    services.withdraw_letter(letter, actor=roles.office, note="撤下")
    db.session.commit()
    assert client.get("/api/v1/letters").json["items"] == []


def test_citizen_look_up_through_the_api_is_never_shared(cached, client, closed):
    letter, code = closed(title="公积金提取材料咨询")
    response = client.get(f"/api/v1/letters/{letter.number}", headers={"X-Query-Code": code})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    # The same address without the code is not answered from anything stored.
    assert client.get(f"/api/v1/letters/{letter.number}", headers={"X-Query-Code": "000000"}).status_code == 404


def test_the_store_keeps_pages_up_to_its_byte_budget_least_recently_used_first():
    from interact.core.pagecache import PageStore, _Entry

    store = PageStore(60, max_bytes=10_000)

    def page(n):
        return _Entry(body=b"x" * 4_000, mimetype="text/html", etag=str(n), version="v", expires=float("inf"))

    store.put(("a",), page(1))
    store.put(("b",), page(2))
    assert store.get(("a",), "v") is not None  # a is now the most recently used
    store.put(("c",), page(3))  # 12,000 bytes: b goes
    assert store.get(("b",), "v") is None
    assert store.get(("a",), "v").etag == "1" and store.get(("c",), "v").etag == "3"
    store.put(("c",), page(4))  # replacing a page does not count it twice
    assert store.get(("a",), "v") is not None


def test_a_letter_page_is_kept_past_the_general_lifetime(cached, client, closed, monkeypatch):
    """A letter's page follows no clock: reused until a public change, not for 60 s only."""
    import time

    from interact.core import pagecache

    letter, _ = closed(title="公积金提取材料咨询")
    client.get(f"/letters/{letter.id}")
    client.get("/letters/")
    _rename_behind_the_orm(letter.id, "改过的标题")
    later = time.monotonic() + 120
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert "公积金提取材料咨询" in client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "改过的标题" in client.get("/letters/").get_data(as_text=True)  # the list follows the clock


def test_a_shared_link_with_tracking_parameters_is_served_from_the_store(cached, client, closed):
    """WeChat adds ``from=singlemessage&isappinstalled=0`` to every shared link, campaigns add
    ``utm_*``: no view reads them, so they must not make a page be rendered again (attack M4:
    3–7× fewer pages per second with them); other parameters still make their own page."""
    letter, _ = closed(title="公积金提取材料咨询")
    client.get("/letters/")
    client.get(f"/letters/{letter.id}")
    _rename_behind_the_orm(letter.id, "改过的标题")
    for address in ("/letters/?from=singlemessage&isappinstalled=0", "/letters/?utm_source=weibo&utm_medium=social",
                    f"/letters/{letter.id}?from=timeline"):
        page = client.get(address).get_data(as_text=True)
        assert "公积金提取材料咨询" in page and "改过的标题" not in page, address  # the stored page
    assert "改过的标题" in client.get("/letters/?page=1").get_data(as_text=True)  # read by the view: its own page


def test_a_tracking_value_is_not_stored_into_the_page_every_visitor_gets(cached, client, closed, monkeypatch):
    """The first visitor's campaign text was kept in the stored page's 关怀版 link (``next=``)
    and its pager's links, and served to every later visitor of the plain address (attack
    P7, review 13)."""
    monkeypatch.setitem(services.public_letters.__kwdefaults__, "per_page", 1)
    closed(title="公积金提取材料咨询")
    closed(title="社保卡补办材料咨询")
    tagged = client.get("/letters/?utm_source=PWNED市政府已关闭&from=singlemessage").get_data(as_text=True)
    plain = client.get("/letters/").get_data(as_text=True)
    for page in (tagged, plain):
        assert "PWNED" not in page and "singlemessage" not in page
        assert "large-text?on=1&amp;next=/letters/" in page
        assert 'href="/letters/?page=2' in page  # the pager's next page
    searched = client.get("/letters/?q=公积金&utm_medium=x").get_data(as_text=True)
    assert "utm_medium" not in searched and "next=/letters/?q%3D" in searched  # what the view reads stays


def test_an_unknown_parameter_is_sent_to_the_address_without_it(cached, client, closed):
    """A parameter no view reads (``?zz=<random>``) made a new page per value, rendered and
    stored again (attack M4): a public page answers it with a 301 to its address without it
    — the parameters the view reads, the 关怀版 switch and the tracking parameters kept —,
    and that address is served from the store."""
    letter, _ = closed(title="公积金提取材料咨询")
    client.get("/letters/")
    _rename_behind_the_orm(letter.id, "改过的标题")
    for address, clean in [
        ("/letters/?zz=1", "/letters/"),
        ("/letters/?q=%E5%85%AC%E7%A7%AF%E9%87%91&zz=1&page=2&from=timeline",
         "/letters/?q=%E5%85%AC%E7%A7%AF%E9%87%91&page=2&from=timeline"),
        (f"/letters/{letter.id}?a=1&b=2", f"/letters/{letter.id}"),
        ("/?x=8f3a", "/"),
        ("/letters/stats?month=2026-01&zz=1", "/letters/stats?month=2026-01"),
    ]:
        response = client.get(address)
        assert response.status_code == 301, address
        assert response.headers["Location"] == clean
    page = client.get("/letters/?zz=1", follow_redirects=True).get_data(as_text=True)
    assert "公积金提取材料咨询" in page and "改过的标题" not in page  # the stored page
    # What the views read is unchanged: no redirect.
    for address in ("/letters/?q=公积金&department=1&kind=consultation&channel=mailbox&month=2026-01&page=2",
                    "/letters/?after=3", "/letters/?before=3", "/?large_text=1", "/letters/stats?department=1"):
        assert client.get(address).status_code != 301, address


def _stored_pages(app) -> int:
    return len(app.extensions["public_pages"]._entries)


def test_values_a_view_does_not_use_are_sent_to_the_address_it_reads(cached, client, closed):
    """A 关怀版 switch other than 0/1, a ``page`` that is not a number, a filter value the list
    ignores, a second value of a parameter or a home-page ``q`` without the switch each made
    a new stored page per value (review 1, F2: 15 requests, 16 pages): each is a 301 to the
    address as the view reads it, and every such address is one stored page."""
    closed(title="公积金提取材料咨询")
    for address, clean in [
        ("/departments?large_text=zz0", "/departments"),
        ("/?q=zz0", "/"),
        ("/interviews?page=x0", "/interviews"),
        ("/interviews?page=0", "/interviews"),
        ("/interviews?page=%2B02", "/interviews?page=2"),
        ("/letters/?kind=zz&channel=zz&department=x1&after=x", "/letters/"),
        ("/letters/?department=%2B7", "/letters/?department=7"),
        ("/letters/?page=2&page=3", "/letters/?page=2"),
        ("/surveys/?phase=zz", "/surveys/"),
    ]:
        response = client.get(address)
        assert (response.status_code, response.headers.get("Location")) == (301, clean), address
    client.get("/departments")
    client.get("/")
    client.get("/interviews")
    stored = _stored_pages(cached)
    for i in range(5):
        for address in (f"/departments?large_text=zz{i}", f"/?q=zz{i}", f"/interviews?page=x{i}"):
            client.get(address, follow_redirects=True)
    assert _stored_pages(cached) == stored
    # What the views use is unchanged: no redirect (an empty value is what a GET form sends).
    for address in ("/departments?large_text=0", "/?large_text=1&q=公积金", "/interviews?page=2",
                    "/letters/?q=&department=&kind=&channel=&month=", "/letters/?kind=complaint&department=1",
                    "/surveys/?phase=open&page=2"):
        assert client.get(address).status_code != 301, address


def test_the_301_keeps_the_mount_prefix(cached, client):
    """Under a prefix mount (``SCRIPT_NAME``) the address without the junk keeps the prefix
    (review 1, F6): ``request.path`` alone sent the visitor out of the site."""
    response = client.get("/letters/?zz=1", base_url="http://localhost/hudong")
    assert (response.status_code, response.headers["Location"]) == (301, "/hudong/letters/")


def test_a_search_drops_the_list_s_anchors_and_a_page_past_the_last_goes_to_the_last(cached, client, closed):
    """A search is paged by number: ``after`` / ``before`` of the plain list's pager change
    nothing in it, and a number past the last page showed the last page (or none) — each
    value was rendered and stored as a page of its own (attack N6: a common word with a
    random ``after``, 0.8 s per request). The anchors go (301), a number past the last page
    goes to the last page's address (302, the list grows), which the store serves."""
    letter, _ = closed(title="公积金提取材料咨询")
    for address, clean in [("/letters/?q=公积金&after=7", "/letters/?q=%E5%85%AC%E7%A7%AF%E9%87%91"),
                           ("/letters/?before=3&q=公积金", "/letters/?q=%E5%85%AC%E7%A7%AF%E9%87%91")]:
        response = client.get(address)
        assert (response.status_code, response.headers.get("Location")) == (301, clean), address
    for address in ("/letters/?q=公积金&page=2", "/letters/?q=公积金&page=400", "/letters/?page=9"):
        response = client.get(address)
        assert response.status_code == 302, address
        assert "page=" not in response.headers["Location"], address
    client.get("/letters/?q=%E5%85%AC%E7%A7%AF%E9%87%91")  # as a browser sends it
    stored = _stored_pages(cached)
    for i in range(2, 6):
        assert letter.public_title in client.get(f"/letters/?q=公积金&page={i}&after={i}",
                                                 follow_redirects=True).get_data(as_text=True)
    assert _stored_pages(cached) == stored
    # The plain list keeps its anchors (its pager's links), and so does a query of no words.
    for address in (f"/letters/?after={letter.id}", f"/letters/?q=%21%21&before={letter.id}"):
        assert client.get(address).status_code == 200, address


def test_the_api_stores_an_answer_per_argument_it_reads(cached, client, closed):
    """The API's answers were stored per address: an unknown parameter, the default written
    out, a search's text that gives the same terms, or a page past the last each made one
    more stored answer (#18 b). They are stored under the arguments as the view reads them,
    and an empty page is not stored."""
    letter, _ = closed(title="公积金提取材料咨询")
    assert client.get("/api/v1/letters").json["items"][0]["id"] == letter.id
    client.get("/api/v1/letters?q=%E5%85%AC%E7%A7%AF%E9%87%91")
    client.get("/api/v1/departments")
    client.get("/api/v1/stats/letters?month=2026-01")
    stored = _stored_pages(cached)
    for i in range(4):
        for address in (f"/api/v1/letters?zz={i}", "/api/v1/letters?page=1&per_page=20",
                        "/api/v1/letters?q=%E5%85%AC%E7%A7%AF%E9%87%91" + "%20" * i + "%EF%BC%81" * i,
                        f"/api/v1/letters?page={i + 2}", f"/api/v1/departments?x={i}",
                        f"/api/v1/stats/letters?month=2026-01&zz={i}"):
            assert client.get(address).status_code == 200, address
    assert _stored_pages(cached) == stored
    assert client.get("/api/v1/letters?page=3").json["items"] == []
    assert client.get("/api/v1/letters?page=0").status_code == 422

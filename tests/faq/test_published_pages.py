"""Pages of the published entries (``/api/v1/faq/entries``, ``/faq/department/<id>``,
``/faq/category/<id>``) read their entries by id from the kept order of all published
entries, instead of sorting every published entry and counting them again per page
(attack J8)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.extensions import db
from interact.faq import services
from interact.faq.models import FaqEntry


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60


@pytest.fixture
def entries(make_entry, roles):
    made = [make_entry(f"第{n}个常见问题怎么办理？", department=roles.department_b if n % 2 else None)
            for n in range(1, 8)]
    for hits, entry in zip((5, 0, 9, 0, 2, 0, 7), made):
        entry.hits = hits
    db.session.commit()
    return made


def _ids(response) -> list[int]:
    return [item["id"] for item in response.get_json()["items"]]


def _statements(app, action) -> list[str]:
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_api_pages_follow_the_order_and_total_of_the_published_entries(client, entries, cached):
    by_use = [e.id for e in sorted(entries, key=lambda e: (-e.hits, e.id))]
    first = client.get("/api/v1/faq/entries?per_page=3")
    body = first.get_json()
    assert _ids(first) == by_use[:3] and body["total"] == 7
    assert _ids(client.get("/api/v1/faq/entries?per_page=3&page=3")) == by_use[6:]
    assert _ids(client.get("/api/v1/faq/entries?per_page=3&page=4")) == []  # past the last page


def test_a_page_reads_its_entries_only_not_the_whole_list_again(app, client, entries, cached):
    client.get("/api/v1/faq/entries?per_page=2")
    statements = _statements(app, lambda: client.get("/api/v1/faq/entries?per_page=2&page=2"))
    entry_reads = [s for s in statements if "faq_entries" in s]
    assert len(entry_reads) == 1 and "ORDER BY" not in entry_reads[0] and "count(" not in entry_reads[0].lower()


def test_a_withdrawn_entry_leaves_every_page_at_once(client, entries, roles, cached):
    client.get("/api/v1/faq/entries?per_page=3&page=2")
    services.withdraw_entry(entries[0], actor=roles.curator)
    db.session.commit()
    body = client.get("/api/v1/faq/entries?per_page=3").get_json()
    assert entries[0].id not in _ids(client.get("/api/v1/faq/entries?per_page=3&page=2")) + [i["id"] for i in body["items"]]
    assert body["total"] == 6


def test_department_pages_list_their_published_entries(client, entries, roles, cached):
    html = client.get(f"/faq/department/{roles.department_b.id}").get_data(as_text=True)
    assert all(e.question in html for e in entries if e.department_id == roles.department_b.id)
    assert not any(e.question in html for e in entries if e.department_id != roles.department_b.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FaqEntry)) == 7


def test_a_page_stored_for_one_host_is_never_served_for_another(app, client, make_entry, cached):
    """Behind nginx the host is the client's ``Host`` (passed on as ``X-Forwarded-Host``);
    the API's absolute URLs are built from it, so a page stored for another host would send
    every client there for a minute (attack L1: public page cache poisoning)."""
    make_entry("住房公积金怎么提取？")
    poisoned = client.get("/api/v1/faq/entries", base_url="http://evil.example")
    assert poisoned.json["items"][0]["url"].startswith("http://evil.example/")
    page = app.test_client().get("/api/v1/faq/entries")
    assert page.status_code == 200 and page.json["items"][0]["url"].startswith("http://localhost/")


def test_an_entry_page_reads_its_entry_category_and_department_in_one_statement(app, client, make_entry, roles):
    """The page looked the entry up twice (is it merged? is it published?) and the second
    look-up read it again, then its category and department one statement each."""
    from interact.faq.models import FaqCategory

    category = FaqCategory(name="住房")
    db.session.add(category)
    db.session.commit()
    entry_id = make_entry("公积金怎么提取？", department=roles.department_b, category_id=category.id).id
    department = roles.department_b.name
    db.session.expunge_all()  # as a new request finds the session
    seen = _statements(app, lambda: client.get(f"/faq/{entry_id}"))
    page = client.get(f"/faq/{entry_id}").get_data(as_text=True)
    assert "住房" in page and department in page
    assert [s.split("FROM")[1].split()[0] for s in seen if s.lstrip().upper().startswith("SELECT")] == ["faq_entries"]

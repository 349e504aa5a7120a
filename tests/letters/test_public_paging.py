"""来信选登's pager: linked pages start at a letter (keyset), so a deep page costs what page 2
costs, a link keeps showing the same letters while new ones are published, and the pager
works without JavaScript (plain links)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from interact.core import clock
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter
from tests import sql


@pytest.fixture
def listed(closed, roles):
    """Seven published letters (one unpublished), published at four moments: ties in
    ``published_at`` are ordered by id, as on the list."""
    letters = [closed(title=f"公开来信第{n}封")[0] for n in range(7)]
    closed(title="不公开的来信", publish_consent=False)
    base = clock.now()
    for n, letter in enumerate(letters):
        letter.published_at = base - timedelta(minutes=n // 2)  # 0 0 1 1 2 2 3
    db.session.commit()
    return sorted(letters, key=lambda letter: (letter.published_at, letter.id), reverse=True)


def _ids(page) -> list[int]:
    return [letter.id for letter in page.items]


def _page(**kwargs):
    return services.public_letters(services.PublicQuery(**kwargs.pop("query", {})), per_page=3, **kwargs)


def test_next_and_previous_links_walk_every_letter_once_in_list_order(listed):
    expected = [letter.id for letter in listed]
    first = _page()
    assert _ids(first) == expected[:3] and not first.has_prev and first.has_next
    assert first.next_cursor == {"after": expected[2]}
    second = _page(page=2, **first.next_cursor)
    third = _page(page=3, **second.next_cursor)
    assert _ids(second) + _ids(third) == expected[3:]
    assert (third.page, third.pages, third.has_next, third.has_prev) == (3, 3, False, True)
    # Back again: the same pages, page 1 without a cursor (its own address).
    back = _page(page=2, **third.prev_cursor)
    assert third.prev_cursor == {"before": expected[6]} and _ids(back) == _ids(second)
    assert back.has_prev and back.has_next and back.prev_cursor == {}
    # The same pages as by number.
    assert [_ids(_page(page=n)) for n in (1, 2, 3)] == [_ids(first), _ids(second), _ids(third)]


def test_a_linked_page_shows_the_same_letters_after_new_ones_are_published(listed, closed):
    second = _page(page=2, after=listed[2].id)
    shown = _ids(second)
    closed(title="刚刚公开的来信")
    assert _ids(_page(page=2, after=listed[2].id)) == shown
    assert _ids(_page(page=2)) != shown  # by number the page moved by one letter


def test_a_page_reached_backwards_to_the_top_is_page_one(listed):
    page = _page(page=5, before=listed[2].id)
    assert _ids(page) == [listed[0].id, listed[1].id]
    assert (page.page, page.has_prev, page.has_next) == (1, False, True)


def test_a_start_no_longer_in_the_list_falls_back_to_the_page_number(listed, roles):
    services.withdraw_letter(db.session.get(Letter, listed[2].id), actor=roles.office)
    db.session.commit()
    remaining = [letter.id for letter in listed if letter.id != listed[2].id]
    assert _ids(_page(page=2, after=listed[2].id)) == remaining[3:6]
    # A letter of another department does not start a page of this department's list.
    other = _page(page=1, after=listed[0].id, query={"department_id": roles.department_b.id})
    assert _ids(other) == [] and other.total == 0
    mine = _page(page=2, after=listed[0].id, query={"department_id": roles.department_a.id})
    assert _ids(mine) == remaining[1:4]


def _statements(call) -> list[str]:
    return [statement.flat for statement in sql.statements(call)]


def test_pages_read_ids_from_the_index_then_only_the_page_s_letters(listed):
    """By number, the page's ids are read past the letters before it (the index alone),
    then only those letters are loaded; a linked page starts at its letter."""
    by_number = _statements(lambda: _ids(_page(page=3)))
    paged = [s for s in by_number if " LIMIT " in s.upper()]
    assert paged and all(s.startswith("SELECT letters.id FROM letters WHERE") for s in paged)
    rows = [s for s in by_number if "letters.title" in s]
    assert rows and not any(" LIMIT " in s.upper() for s in rows)
    linked = _statements(lambda: _ids(_page(page=3, after=listed[5].id)))
    assert any("(letters.published_at, letters.id) <" in s for s in linked), linked
    assert _ids(_page(page=3)) == _ids(_page(page=3, after=listed[5].id)) == [listed[6].id]


def test_the_pager_links_work_without_javascript(closed, client):
    titles = [closed(title=f"公开来信第{n:02d}封")[0].title for n in range(23)]
    page = client.get("/letters/").get_data(as_text=True)
    assert "第 1 / 2 页，共 23 条" in page
    href = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', page).group(1).replace("&amp;", "&")
    assert "after=" in href and "page=2" in href
    second = client.get(href).get_data(as_text=True)
    assert "第 2 / 2 页，共 23 条" in second and 'rel="next"' not in second
    assert sorted(re.findall(r"公开来信第\d\d封", second)) == sorted(titles[:3])
    back = re.search(r'<a href="([^"]+)" rel="prev">上一页</a>', second).group(1).replace("&amp;", "&")
    assert "after=" not in back and "before=" not in back  # page 1's own address
    assert "第 1 / 2 页" in client.get(back).get_data(as_text=True)


@pytest.mark.parametrize("cursor", ["after=abc", "after=-3", "after=0", "before=99999999999999999999",
                                    "after=2147483648", "after=12&before=13"])
def test_a_broken_start_in_the_address_shows_the_page_by_number(closed, client, cursor):
    closed(title="公开来信一封")
    response = client.get(f"/letters/?page=1&{cursor}", follow_redirects=True)  # a 301 to the address without it
    assert response.status_code == 200
    assert "公开来信一封" in response.get_data(as_text=True)



def _skips(call) -> list[int]:
    """The ``OFFSET`` of each page-of-ids statement ``call`` sends (a bound parameter)."""
    skips: list[int] = []
    for statement in sql.statements(call):
        if statement.flat.startswith("SELECT letters.id FROM letters") and " OFFSET " in statement.flat:
            named = re.search(r"OFFSET %\((\w+)\)s", statement.flat)
            skips.append(statement.parameters[named.group(1)] if named else statement.parameters[-1])
    return skips


def test_a_deep_page_by_number_starts_from_a_remembered_mark_until_a_publication(listed, closed, app, monkeypatch):
    """A page by number skips at most ``MARK_EVERY`` letters past the nearest mark (the key
    of every ``MARK_EVERY``-th letter, read in one pass and remembered until a public
    change), never every letter before it; it shows the same letters as an ``OFFSET``."""
    monkeypatch.setattr(services, "MARK_EVERY", 2)
    expected = [letter.id for letter in listed]
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    pages: list[list[int]] = []
    seen = _statements(lambda: pages.extend(_ids(_page(page=n)) for n in (1, 2, 3, 4)))
    assert pages == [expected[:3], expected[3:6], expected[6:], []]
    assert len([s for s in seen if "row_number()" in s]) == 2  # page 2 needs one mark, page 3 two
    assert max(_skips(lambda: [_ids(_page(page=n)) for n in (1, 2, 3, 4)])) < 2
    assert not [s for s in _statements(lambda: _ids(_page(page=3))) if "row_number()" in s]  # remembered
    # A publication moves every page: the marks are read again and the pages follow.
    newest = closed(title="刚刚公开的来信")[0]
    assert [s for s in _statements(lambda: _ids(_page(page=3))) if "row_number()" in s]
    assert _ids(_page(page=2)) == expected[2:5] and _ids(_page(page=3)) == expected[5:]
    assert _ids(_page(page=1))[0] == newest.id
    # Nothing remembered (page cache off): a plain OFFSET, never a numbered pass per page.
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 0
    assert not [s for s in _statements(lambda: _ids(_page(page=3))) if "row_number()" in s]
    assert _ids(_page(page=3)) == expected[5:]

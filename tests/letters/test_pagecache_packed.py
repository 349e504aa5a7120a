"""Pages are kept compressed in the page store: the budget (PUBLIC_PAGE_CACHE_MB) holds
several times more pages, and each is served byte for byte as rendered."""
from __future__ import annotations


def test_a_kept_page_counts_less_than_its_size_and_is_served_as_rendered(app, client, closed):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    closed(title="公积金提取材料咨询")
    rendered = client.get("/letters/")
    store = app.extensions["public_pages"]
    [page] = [entry for entry in store._entries.values() if entry.mimetype == "text/html"]
    assert page.size * 2 < len(rendered.get_data())
    served = client.get("/letters/")
    assert served.get_data() == rendered.get_data() and served.headers["ETag"] == rendered.headers["ETag"]
    assert served.mimetype == "text/html"

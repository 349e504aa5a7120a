"""The knowledge-base tabs offer a department curator only what it may open."""
from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/staff/faq", "/staff/faq/unanswered", "/staff/faq/synonyms",
                                  "/staff/faq/categories"])
def test_department_curator_tabs_all_open(client, auth, db, roles, dept_curator, path):
    auth.login(dept_curator)
    page = client.get(path)
    assert page.status_code == 200
    nav = re.search(r'<nav class="faq-tabs".*?</nav>', page.get_data(as_text=True), re.S).group(0)
    tabs = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', nav)]
    assert "/staff/faq/synonyms" in tabs
    refused = [href for href in tabs if client.get(href).status_code != 200]
    assert refused == [], refused


def test_citywide_curator_keeps_the_import_tab(client, auth, db, roles):
    auth.login(roles.curator)
    assert 'href="/staff/faq/import"' in client.get("/staff/faq").get_data(as_text=True)

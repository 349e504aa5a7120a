"""core.lookup.get_or_404: the one "load by id or 404"."""
from __future__ import annotations

import pytest

from interact.core.errors import NotFound
from interact.core.lookup import get_or_404
from interact.departments.models import Department


def test_found_missing_and_filtered(db, roles):
    department = roles.department_a
    assert get_or_404(Department, department.id, "部门不存在。") is department
    with pytest.raises(NotFound, match="部门不存在"):
        get_or_404(Department, 999_999, "部门不存在。")
    with pytest.raises(NotFound):
        get_or_404(Department, None)
    # A row that exists but does not qualify is the same 404 as a missing one.
    with pytest.raises(NotFound, match="该部门已停用"):
        get_or_404(Department, department.id, "该部门已停用。", where=lambda d: d.id != department.id)


def test_pages_answer_404_in_chinese(db, client, auth, roles):
    auth.login(roles.admin)
    for url in ("/staff/faq/synonyms/999999", "/staff/faq/import/999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "不存在" in response.get_data(as_text=True), url

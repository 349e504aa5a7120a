"""The department directory is a public page of the page store (G20): rendered once for
anonymous visitors and renewed at once when a department changes."""
from __future__ import annotations

import pytest

from interact.departments import services as departments
from interact.departments.models import DepartmentKind
from interact.extensions import db


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    return app


def test_department_directory_is_shared_and_follows_a_change(cached, client, roles):
    first = client.get("/departments")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=30"
    assert first.headers.get("ETag") and client.get("/departments").headers["ETag"] == first.headers["ETag"]
    department = roles.department_a
    departments.update_department(department, departments.DepartmentData(
        name=department.name, code=department.code, kind=DepartmentKind.DEPARTMENT, phone="0471-6609999"),
        actor=roles.admin)
    db.session.commit()
    assert "0471-6609999" in client.get("/departments").get_data(as_text=True)

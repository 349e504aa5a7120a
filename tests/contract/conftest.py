"""A live demo server for the contract tests (one per test session; not in the PostgreSQL pass)."""
from __future__ import annotations

import os

import pytest

from tests.contract.server import demo_app, serve


@pytest.fixture(scope="session")
def live_api(tmp_path_factory):
    if os.environ.get("INTERACT_TEST_DATABASE_URL"):
        pytest.skip("the contract tests run once, in the SQLite pass")
    app = demo_app(tmp_path_factory.mktemp("contract"))
    with serve(app) as base_url:
        yield base_url

"""Fixtures of the office tests: stand-ins for the feature modules' figures."""
from __future__ import annotations

import pytest

from interact.office import services


@pytest.fixture
def fake_features(monkeypatch):
    """Replace ``services.feature`` lookups with the given callables (others: not installed)."""

    def install(**functions):
        def feature(module, function):
            return functions.get(f"{module}.{function}")

        monkeypatch.setattr(services, "feature", feature)
        import interact.office.performance as performance

        monkeypatch.setattr(performance, "feature", feature)

    return install

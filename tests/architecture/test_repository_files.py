"""The repository holds our own code and the vendored assets with their licences, not
other projects' packages: a third-party wheel (``pyflakes-4.1.0-py2.py3-none-any.whl``) sat
at the root, committed by a merge, used by nothing. Dependencies come from
``pyproject.toml``; front-end assets live under ``static/vendor/`` with their licence."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_SUFFIXES = (".whl", ".egg", ".tar.gz", ".tgz", ".zip", ".rpm", ".deb", ".jar")


def _tracked_files() -> list[str]:
    try:
        result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("git is not available")
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.splitlines()


def test_no_third_party_package_is_committed():
    packages = [name for name in _tracked_files() if name.lower().endswith(PACKAGE_SUFFIXES)]
    assert packages == []

"""The API against its own document: schemathesis with every check, a fixed seed and a fixed
example budget, against the demo data on a test server. A response, status or rule the
document does not state (or a documented request the server refuses) fails the build.

Runs once per ``make test`` (the SQLite pass), not again on PostgreSQL: it tests the
contract, not the database. Rate limits are raised for the run (429 stays documented).
Reproduce a failure by hand with the same seed: see docs/api.md.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261130
MAX_EXAMPLES = 30


def test_every_operation_keeps_to_the_document(live_api, tmp_path):
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(ROOT / "schemathesis.toml"),
        "--no-color", "run", "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1", "--warnings", "off",
    ]
    result = subprocess.run([*command, f"{live_api}/api/v1/openapi.json"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=900)
    report = result.stdout[-25000:] + result.stderr[-5000:]
    assert result.returncode == 0, report
    assert "18 selected / 18 total" in report and "failures" not in report.split("SUMMARY")[-1].lower(), report

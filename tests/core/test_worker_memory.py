"""What a web worker carries: modules only commands and exports need are not imported
when the application is built to serve requests (each is resident in every worker)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import sys
from interact import create_app
app = create_app()
app.test_client().get("/")
print(" ".join(sorted(m for m in ("alembic", "flask_migrate", "openpyxl") if m in sys.modules)))
"""


def test_a_serving_app_imports_neither_alembic_nor_openpyxl(tmp_path):
    env = {**os.environ, "INTERACT_SECRET_KEY": "test", "INTERACT_DEMO": "true",
           "INTERACT_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "INTERACT_FAQ_INDEX_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SERVE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_migrations_and_spreadsheets_still_work_when_first_used(app, db):
    from flask_migrate import current

    from interact.core.spreadsheets import Sheet, xlsx_bytes

    with app.app_context():
        assert app.extensions["migrate"].directory.endswith("migrations")
        current()  # Flask-Migrate set up on first use, Alembic reads the migrations
    assert xlsx_bytes([Sheet("表", [["标题"], ["=1+1"]])]).startswith(b"PK")

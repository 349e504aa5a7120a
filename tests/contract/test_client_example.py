"""The client example of docs/api.md, run as written against a live server: a 政务新媒体
developer's code that knows only the document keeps working."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def client_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- client-example -->\n```python\n(.*?)\n```", text, re.S)
    assert match, "docs/api.md lost its client example"
    return match.group(1)


def test_the_documented_client_runs_against_the_server(live_api, tmp_path):
    script = tmp_path / "client.py"
    script.write_text(client_example(), encoding="utf-8")
    # The citizen types the captcha's characters (the contract server runs with the captcha
    # off, as the unit tests do: tests/api/test_captcha.py checks it on).
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                            input="K7M2\n", cwd=tmp_path,
                            env={**os.environ, "INTERACT_API": live_api, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("智能问答：")
    assert re.fullmatch(r"来信 XJ\d{8}-\d{4} 待受理", lines[1]), lines
    assert lines[2] == "per_page: 必须是 1–50 的整数"

"""Where the benchmark scripts find the shared, read-only data sets.

``INTERACT_SHARED_DATA`` overrides; otherwise the first ``shared/data`` next to an
ancestor of the repository (``/work/main`` and the work trees under ``/work/wt/``
both find ``/work/shared/data``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    env = os.environ.get("INTERACT_SHARED_DATA")
    if env:
        return Path(env)
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


FAQBENCH = shared_data() / "faqbench"


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]

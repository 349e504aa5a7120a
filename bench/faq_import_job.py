"""A large FAQ import run the way the background worker runs it (for bench/load.py --with-jobs).

    INTERACT_SECRET_KEY=… INTERACT_DATABASE_URL=… .venv/bin/python bench/faq_import_job.py KB.jsonl [--limit N]

Writes the knowledge base's questions as an import file (``question``, an answer,
``status: published``), stores it like an upload, creates a real (not dry-run) import job,
claims it and runs ``interact.faq.importexport.run_job`` — which validates the file once and
commits in small batches. Prints one JSON object: rows, seconds, final status.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact import create_app  # noqa: E402
from interact.core.storage import get_store  # noqa: E402
from interact.extensions import db  # noqa: E402
from interact.faq import importexport  # noqa: E402
from interact.faq.models import FaqImportJob  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="first N questions only (0 = all)")
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory(prefix="faq-import-") as folder:
        path = Path(folder) / "kb.jsonl"
        rows = 0
        with open(args.kb, encoding="utf-8") as source, open(path, "w", encoding="utf-8") as out:
            for line in source:
                if not line.strip():
                    continue
                item = json.loads(line)
                out.write(json.dumps({"question": item["question"][:200], "answer_html": "<p>请咨询相关部门。</p>",
                                      "status": "published"}, ensure_ascii=False) + "\n")
                rows += 1
                if args.limit and rows >= args.limit:
                    break
        key = secrets.token_hex(16)
        get_store().put(f"faq_imports/{key}", path)
        job = FaqImportJob(filename="bench.jsonl", file_format="jsonl", stored_key=key, dry_run=False)
        db.session.add(job)
        db.session.commit()
        started = time.perf_counter()
        job_id = importexport.claim(job.id)
        job = importexport.run_job(job_id)
        result = {"rows": rows, "seconds": round(time.perf_counter() - started, 1), "status": job.status.value,
                  "error": job.error, "counts": (job.report or {}).get("counts")}
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()

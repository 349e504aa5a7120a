"""Benchmark the live transcript feed under many polling viewers.

Builds a throw-away SQLite database with one live interview and a long transcript, then
measures ``GET /api/v1/interviews/{id}/transcript?since=<cursor>`` the way the live page
calls it: each simulated viewer keeps its own cursor and polls again with the one it got
back, while an editor posts a new entry (and now and then corrects one) in the background.

Modes:

* ``client`` — Flask test client in one process (the cost of the view + database alone);
* ``server`` — a real threaded WSGI server on 127.0.0.1 and ``--concurrency`` client
  threads over HTTP keep-alive (closer to many browsers; includes HTTP parsing).

Run::

    .venv/bin/python bench/interviews_poll.py --mode client --requests 5000
    .venv/bin/python bench/interviews_poll.py --mode server --requests 5000 --concurrency 32

It prints p50/p95/p99 latency in milliseconds, requests per second, and the share of
answers that were empty / 304 / carried entries.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._interview_scene import interview_scene  # noqa: E402
from interact.extensions import db  # noqa: E402


def build(entries: int, workdir: Path):
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    app, context, interview, editor = interview_scene(workdir, "基准测试访谈")
    try:
        workflow.transition(interview, InterviewStatus.ANNOUNCED, editor)
        workflow.transition(interview, InterviewStatus.LIVE, editor)
        for n in range(entries):
            services.post_entry(interview, speaker="host" if n % 2 else f"guest:{interview.guests[0].id}",
                                body=f"第{n}条文字实录：" + "政策解读内容。" * 12, actor=editor)
        db.session.commit()
        return app, interview.id, editor.id
    finally:
        context.pop()


def editor_loop(app, interview_id: int, editor_id: int, stop: threading.Event, every: float) -> None:
    from interact.accounts.models import User
    from interact.interviews import services

    with app.app_context():
        n = 0
        while not stop.wait(every):
            interview = services.get_interview(interview_id)
            editor = db.session.get(User, editor_id)
            entry = services.post_entry(interview, speaker="host", body=f"新发布的第{n}条", actor=editor)
            if n % 5 == 4:
                services.correct_entry(entry, body=f"新发布的第{n}条（更正）", reason="", actor=editor)
            db.session.commit()
            db.session.remove()
            n += 1


def summarise(latencies: list[float], kinds: dict[str, int], elapsed: float, label: str) -> dict:
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    result = {
        "mode": label,
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pick(0.50), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        **kinds,
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


def start_cursors(app, interview_id: int, viewers: int) -> list[int]:
    """Where viewers start: the live page hands the browser the current cursor
    (``data-cursor``); one viewer in twenty is an API client starting from 0 (the whole
    transcript, paged by ``FEED_LIMIT``)."""
    from interact.interviews.services import feed_head

    with app.app_context():
        head = feed_head(interview_id).seq
    return [0 if v % 20 == 0 else head for v in range(viewers)]


def run_client(app, interview_id: int, requests: int, viewers: int) -> dict:
    client = app.test_client()
    path = f"/api/v1/interviews/{interview_id}/transcript"
    cursors = start_cursors(app, interview_id, viewers)
    kinds = {"empty": 0, "not_modified": 0, "with_entries": 0}
    latencies: list[float] = []
    start = time.perf_counter()
    for n in range(requests):
        v = n % viewers
        t0 = time.perf_counter()
        response = client.get(f"{path}?since={cursors[v]}")
        latencies.append(time.perf_counter() - t0)
        data = response.get_json()
        cursors[v] = data["cursor"]
        kinds["with_entries" if data["items"] else "empty"] += 1
    return summarise(latencies, kinds, time.perf_counter() - start, "client")


def run_server(app, interview_id: int, requests: int, viewers: int, concurrency: int) -> dict:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on the hot path
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = f"/api/v1/interviews/{interview_id}/transcript"
    latencies: list[float] = []
    kinds = {"empty": 0, "not_modified": 0, "with_entries": 0}
    lock = threading.Lock()
    per_worker = requests // concurrency

    def worker(w: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = start_cursors(app, interview_id, max(1, viewers // concurrency))
        etags: dict[int, str] = {}
        local, local_kinds = [], {"empty": 0, "not_modified": 0, "with_entries": 0}
        for n in range(per_worker):
            v = n % len(mine)
            headers = {"Accept": "application/json"}
            if v in etags:
                headers["If-None-Match"] = etags[v]
            t0 = time.perf_counter()
            connection.request("GET", f"{path}?since={mine[v]}", headers=headers)
            response = connection.getresponse()
            body = response.read()
            local.append(time.perf_counter() - t0)
            if response.status == 304:
                local_kinds["not_modified"] += 1
                continue
            data = json.loads(body)
            etags[v] = response.getheader("ETag")
            mine[v] = data["cursor"]
            local_kinds["with_entries" if data["items"] else "empty"] += 1
        connection.close()
        with lock:
            latencies.extend(local)
            for key, value in local_kinds.items():
                kinds[key] += value

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    server.shutdown()
    return summarise(latencies, kinds, elapsed, f"server x{concurrency}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["client", "server"], default="client")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--viewers", type=int, default=300, help="simulated viewers, each with its own cursor")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (server mode)")
    parser.add_argument("--entries", type=int, default=600, help="transcript length before the run")
    parser.add_argument("--edit-every", type=float, default=0.5, help="seconds between editor posts (0 = none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, interview_id, editor_id = build(args.entries, Path(tmp))
        stop = threading.Event()
        editor = None
        if args.edit_every > 0:
            editor = threading.Thread(target=editor_loop, args=(app, interview_id, editor_id, stop, args.edit_every),
                                      daemon=True)
            editor.start()
        try:
            if args.mode == "client":
                run_client(app, interview_id, args.requests, args.viewers)
            else:
                run_server(app, interview_id, args.requests, args.viewers, args.concurrency)
        finally:
            stop.set()
            if editor is not None:
                editor.join()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()

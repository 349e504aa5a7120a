"""Where one request's time goes: cProfile over N requests of one operation, in process.

    .venv/bin/python bench/profile_requests.py --database bench/out/letters-20000-….db --op letter
    .venv/bin/python bench/profile_requests.py --database … --op api-list --no-page-cache --top 40

Builds the app the way ``bench/load.py`` serves it (rate limits and captcha off, page cache
as configured), against a copy of a benchmark database, sends ``--warm`` requests first
(FAQ index built, caches filled), then ``--requests`` more under cProfile, and prints the
mean wall time per request, the SQL statements per request and the top functions by
cumulative and by own CPU time (the profile's clock is the process's CPU time). Operations: ``letter``, ``faq-entry``, ``api-list``,
``api-entry``, ``faq-answer`` (any dev question), ``faq-answer-again`` (bench/load.py's 300,
mostly asked before), ``faq-suggest`` (their first 2–8 characters, ``suggest=1``), ``post-api``, ``post-form``, ``home``, ``list``, ``search``,
``search-fixed``, ``api-list-pages``, ``list-filtered``, ``letter-form``, ``faq-ask``,
``faq-search``, ``surveys``, ``departments``, ``interviews``, and with one of the last 24
months: ``search-month``, ``list-month`` (by department too), ``list-month-pages`` (pages
2–40 of a month), ``stats-month`` (the
statistics API; ``--no-page-cache`` also turns off the statistics' own cache); by 类别 on
pages 1–400: ``list-kind``, and the API by 类别 and 渠道 on pages 1–50: ``api-kind``; deep
pages of the list by number (``list-deep``) and by the pager's link (``list-link``); the
FAQ entries API by page of 50 (``api-faq-pages``) and a question of four dev questions run
together (``faq-answer-long``).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import sqlalchemy as sa  # noqa: E402

from load import CHANNELS, KINDS, SEARCHES, bench_config, search_vocabulary, shared_data  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a SQLite benchmark database (copied) or a PostgreSQL URL")
    parser.add_argument("--op", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-page-cache", action="store_true")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--index-dir", help="map the FAQ index file of this folder, as a served worker does "
                                            "(default: build the engine in memory, minutes for a large base)")
    parser.add_argument("--save", help="also write the profile to this file (pstats format: callers, callees)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="interact-profile-"))
    try:
        if args.database.startswith("postgresql"):
            url = args.database
        else:
            shutil.copyfile(args.database, workdir / "run.db")
            url = f"sqlite:///{workdir / 'run.db'}"
        run(args, url, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, url: str, workdir: Path) -> None:
    import json

    from interact import create_app
    from interact.config import DefaultConfig
    from interact.core import periods
    from interact.extensions import db

    config = bench_config(url, workdir)
    # As served (bench/load.py runs the default settings): deferred writes on.
    overrides = {"CAPTCHA_ENABLED": False, "FAQ_INDEX_WARM": False, "DEFERRED_WRITE_SECONDS": 2.0,
                 "WTF_CSRF_ENABLED": True}
    overrides["PUBLIC_PAGE_CACHE_SECONDS"] = 0 if args.no_page_cache else DefaultConfig.PUBLIC_PAGE_CACHE_SECONDS
    if args.no_page_cache:
        overrides["LETTER_STATS_CACHE_SECONDS"] = 0
    if args.index_dir:
        overrides.update(FAQ_INDEX_IN_MEMORY=False, FAQ_INDEX_DIR=args.index_dir)
    app = create_app(type("ProfileConfig", (config,), overrides))
    rng = random.Random(5)
    with app.app_context():
        letters = [r[0] for r in db.session.execute(sa.text("SELECT id FROM letters WHERE published = :t"), {"t": True})]
        faq = [r[0] for r in db.session.execute(sa.text("SELECT id FROM faq_entries WHERE status = 'published' LIMIT 5000"))]
        departments = [r[0] for r in db.session.execute(sa.text("SELECT id FROM departments"))]
        db.session.remove()
    with open(shared_data() / "faqbench" / "dev" / "queries.jsonl", encoding="utf-8") as fh:
        questions = [json.loads(line)["query"] for line in fh if line.strip()]
    last_page = -(-len(letters) // 20)
    asked = random.Random(11).sample(questions, min(300, len(questions)))
    counter = iter(range(10**9))
    months = periods.months_ending(periods.current_month(), 24)
    vocabulary = search_vocabulary()
    client = app.test_client()

    def post_form():
        # A fresh visitor: GET the form (session + CSRF token), then POST it.
        visitor = app.test_client()
        page = visitor.get("/letters/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form_token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
        return visitor.post("/letters/new", data={
            "csrf_token": token, "token": form_token, "channel": "consultation", "kind": "consultation",
            "title": f"压测表单来信-{next(counter)}", "body": "请问住房公积金提取需要哪些材料？",
            "name": "张三", "phone": "13800000000", "email": "", "department_id": "", "leader_id": ""})

    ops = {
        "letter": lambda: client.get(f"/letters/{rng.choice(letters)}"),
        "faq-entry": lambda: client.get(f"/faq/{rng.choice(faq)}"),
        "api-list": lambda: client.get("/api/v1/letters"),
        "api-entry": lambda: client.get(f"/api/v1/faq/entries/{rng.choice(faq)}"),
        "faq-answer": lambda: client.get("/api/v1/faq/answer", query_string={"q": rng.choice(questions)}),
        # bench/load.py's 300 questions: after the warm-up mostly asked before (the engine's memo).
        "faq-answer-again": lambda: client.get("/api/v1/faq/answer", query_string={"q": rng.choice(asked)}),
        # The type-ahead: the first 2-8 characters of those questions, one request per keystroke.
        "faq-suggest": lambda: client.get("/api/v1/faq/answer", query_string={
            "q": rng.choice(asked)[:rng.randint(2, 8)], "suggest": "1"}),
        "post-api": lambda: client.post("/api/v1/letters", json={
            "channel": "consultation", "kind": "consultation", "title": f"压测来信-{next(counter)}",
            "body": "请问住房公积金提取需要哪些材料？每年可以提取几次？", "name": "张三", "phone": "13800000000",
            "publish_consent": False}, headers={"X-Captcha-Id": "captcha-off-when-profiling", "X-Captcha-Answer": "BENCH"}),
        "post-form": post_form,
        "home": lambda: client.get("/"),
        "list": lambda: client.get("/letters/"),
        "search": lambda: client.get("/letters/", query_string={"q": vocabulary.pair(rng)}),
        "search-fixed": lambda: client.get("/letters/", query_string={"q": rng.choice(SEARCHES)}),
        "api-list-pages": lambda: client.get("/api/v1/letters", query_string={"page": rng.randint(2, 200)}),
        "list-filtered": lambda: client.get("/letters/", query_string={
            "department": rng.choice(departments), "kind": rng.choice(KINDS), "page": rng.randint(1, 5)}),
        # A cookie-less visitor each time (a crawler, a citizen's first visit).
        "letter-form": lambda: app.test_client().get("/letters/new"),
        "faq-ask": lambda: client.get("/faq/ask", query_string={"q": rng.choice(questions)}),
        "faq-search": lambda: client.get("/faq/search", query_string={"q": rng.choice(questions)[:20]}),
        "surveys": lambda: client.get("/surveys/"),
        "departments": lambda: client.get("/departments"),
        "interviews": lambda: client.get("/interviews"),
        "search-month": lambda: client.get("/letters/", query_string={
            "q": rng.choice(SEARCHES), "month": rng.choice(months)}),
        "list-month": lambda: client.get("/letters/", query_string={
            "month": rng.choice(months), "department": rng.choice(departments)}),
        # A month's list beyond its first page (attack J8: 0.064 of hello-world under load).
        "list-month-pages": lambda: client.get("/letters/", query_string={
            "month": rng.choice(months), "page": rng.randint(2, 40)}),
        "stats-month": lambda: client.get("/api/v1/stats/letters", query_string={"month": rng.choice(months)}),
        # Deep pages of 来信选登, as bench/load.py asks for them: by number (from a quarter of
        # the list to page 10,000) and as the pager links them (下一页 after any letter).
        "list-deep": lambda: client.get("/letters/", query_string={
            "page": rng.randint(max(1, last_page // 4), max(1, min(last_page, 10_000)))}),
        "list-link": lambda: client.get("/letters/", query_string={
            "page": rng.randint(2, max(2, last_page)), "after": rng.choice(letters)}),
        "list-kind": lambda: client.get("/letters/", query_string={
            "kind": rng.choice(KINDS), "page": rng.randint(1, 400)}),
        "api-kind": lambda: client.get("/api/v1/letters", query_string={
            "kind": rng.choice(KINDS), "channel": rng.choice(CHANNELS), "page": rng.randint(1, 50)}),
        # The FAQ entries API by page, 50 a page (attack's J8: a client walking the list).
        "api-faq-pages": lambda: client.get("/api/v1/faq/entries", query_string={
            "page": rng.randint(1, 200), "per_page": 50}),
        # A citizen's story as the question: four dev questions run together (attack's J8).
        "faq-answer-long": lambda: client.get("/api/v1/faq/answer", query_string={
            "q": "，".join(rng.sample(questions, 4))[:300]}),
    }
    op = ops[args.op]
    statuses: dict[int, int] = {}
    for _ in range(args.warm):
        op()
    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    # The profile counts this process's CPU time, not the wall clock: on a shared machine
    # (load 10-18) a wall-clock profile charges the waits for a core to whichever
    # function was running when the scheduler preempted it.
    profiler = cProfile.Profile(time.process_time)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        if not args.no_profile:
            profiler.enable()
        response = op()
        if not args.no_profile:
            profiler.disable()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"{args.op}: {cpu / args.requests * 1000:.2f} ms CPU, {seconds / args.requests * 1000:.2f} ms wall per request "
          f"(profiler {'off' if args.no_profile else 'on'}), "
          f"{statements[0] / args.requests:.1f} SQL statements per request, statuses {statuses}")
    if args.no_profile:
        return
    if args.save:
        profiler.dump_stats(args.save)
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()

"""The search index's statements for one page of a random two-word search, by both paths.

    .venv/bin/python bench/search_window.py --database bench/out/letters-100000-….db [--queries 100]

For each random pair of ``bench/load.py``'s vocabulary (seed 5), the CPU time (best of 3)
of the statements a first page of 来信选登's search sends on SQLite: the path before session
11 (``search.count_hits``, then ``search.ranked_page``: count, walk to the window's end,
ranked page) and the current one (``search.first_window``, and the count only when it has
more than a window of hits). Both are measured per query, interleaved, in the same
process, so the machine's load affects both alike. Prints the means in ms of CPU.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from load import bench_config, search_vocabulary  # noqa: E402


def best_cpu_ms(run, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best * 1e3


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a SQLite benchmark database (read only)")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args(argv)

    from interact import create_app
    from interact.extensions import db
    from interact.letters import search

    config = bench_config(f"sqlite:///{Path(args.database).resolve()}", Path("/tmp"))
    config.PUBLIC_PAGE_CACHE_SECONDS = 0
    app = create_app(config)
    vocabulary = search_vocabulary()
    rng = random.Random(5)
    pairs = [vocabulary.pair(rng) for _ in range(args.queries)]
    totals = {"before (count, walk, ranked page)": 0.0, "now (first window, count if more)": 0.0}
    with app.app_context():
        session = db.session
        for pair in pairs:
            terms = search.query_terms(pair)

            def before():
                hits = search.count_hits(session, terms)
                search.ranked_page(session, terms, offset=0, limit=20, hits=hits)

            def now():
                first = search.first_window(session, terms)
                if first.more:
                    search.count_hits(session, terms)
                search.ranked_page(session, terms, offset=0, limit=20, first=first)

            for name, run in zip(totals, (before, now)):
                totals[name] += best_cpu_ms(run)
    for name, total in totals.items():
        print(f"{name}: {total / len(pairs):.2f} ms CPU per search (mean of {len(pairs)})")


if __name__ == "__main__":
    main()

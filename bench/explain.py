"""Query plans of what the public sees, exactly as the app sends them.

    .venv/bin/python bench/explain.py --database-url postgresql+psycopg://…/bench_…   # EXPLAIN ANALYZE
    .venv/bin/python bench/explain.py --database-url sqlite:///bench/out/letters-….db  # EXPLAIN QUERY PLAN

Runs the services behind the public list (page 1, page 50, one department, one kind, a kind
and a channel, a department and a kind, a department and a month, page 5 of a month two years back), a two-word search, a
search within a month, the home page's latest letters and the statistics (month table and 12-month trend),
records every SQL statement they send, and prints the plan of each (PostgreSQL:
``EXPLAIN (ANALYZE, BUFFERS)``, timings included; SQLite: ``EXPLAIN QUERY PLAN``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from interact import create_app  # noqa: E402
from interact.config import TestConfig  # noqa: E402
from interact.extensions import db  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    config = type("ExplainConfig", (TestConfig,), {"DATABASE_URL": args.database_url, "LETTER_STATS_CACHE_SECONDS": 0})
    app = create_app(config)
    from interact.core import periods
    from interact.letters import services, stats
    from interact.letters.models import LetterChannel, LetterKind

    with app.app_context():
        department = db.session.scalar(sa.text(
            "SELECT department_id FROM letters WHERE published = :t AND department_id IS NOT NULL "
            "GROUP BY department_id ORDER BY count(*) DESC LIMIT 1"), {"t": True})
        # Last month: the month filter's look-up of its letters' ids walked the primary key
        # on PostgreSQL for a recent month (attack I9).
        month = periods.previous_month()
        captured: list[tuple[str, str, object]] = []
        label = {"now": ""}

        def capture(_conn, _cursor, statement, parameters, _context, _executemany):
            if statement.lstrip().upper().startswith("SELECT") and "settings" not in statement:
                captured.append((label["now"], statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", capture)
        runs = [
            ("public list, page 1", lambda: services.public_letters(services.PublicQuery(), page=1).items),
            ("public list, page 1 total", lambda: services.public_letters(services.PublicQuery(), page=1).total),
            ("public list, page 50", lambda: services.public_letters(services.PublicQuery(), page=50).items),
            ("public list, one department", lambda: services.public_letters(
                services.PublicQuery(department_id=department), page=1).items),
            ("public list, one kind, page 300", lambda: (lambda p: (p.items, p.total))(services.public_letters(
                services.PublicQuery(kind=LetterKind.HELP), page=300))),
            ("public list, kind and channel", lambda: (lambda p: (p.items, p.total))(services.public_letters(
                services.PublicQuery(kind=LetterKind.COMPLAINT, channel=LetterChannel.MAILBOX), page=40))),
            ("public list, one department and kind", lambda: (lambda p: (p.items, p.total))(
                services.public_letters(services.PublicQuery(department_id=department, kind=LetterKind.HELP), page=2))),
            ("public list, one department and month", lambda: (lambda p: (p.items, p.total))(
                services.public_letters(services.PublicQuery(department_id=department, month=month), page=1))),
            ("public list, a month two years back, page 5", lambda: (lambda p: (p.items, p.total))(
                services.public_letters(services.PublicQuery(month=periods.months_ending(month, 24)[0]), page=5))),
            ("search 公积金 提取", lambda: (lambda p: (p.items, p.total))(
                services.public_letters(services.PublicQuery(q="公积金 提取"), page=1))),
            ("search 公积金 within a month", lambda: (lambda p: (p.items, p.total))(
                services.public_letters(services.PublicQuery(q="公积金", month=month), page=1))),
            ("home: latest published", lambda: services.latest_published(6)),
            ("statistics (month + trend)", lambda: stats.monthly_report()),
        ]
        for name, run in runs:
            label["now"] = name
            run()
            db.session.rollback()
        sa.event.remove(db.engine, "before_cursor_execute", capture)
        dialect = db.engine.dialect.name
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        with db.engine.connect() as connection:
            for name, statement, parameters in captured:
                print(f"\n=== {name}\n{' '.join(statement.split())[:600]}")
                rows = connection.exec_driver_sql(prefix + statement, parameters).all()
                for row in rows:
                    print("   ", row[-1] if dialect != "postgresql" else row[0])


if __name__ == "__main__":
    main()

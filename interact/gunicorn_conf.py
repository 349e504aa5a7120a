"""gunicorn settings for interact: ``gunicorn -c python:interact.gunicorn_conf 'interact:create_app()'``.

Command-line options (``-w 4 -b 127.0.0.1:8000``) still override the defaults below. What
this file adds to plain gunicorn:

- tells the app how many workers run (``INTERACT_WEB_WORKERS``), so production mode refuses
  per-process rate limits with several workers (``interact.core.production``);
- metrics of all workers in one ``/metrics``: ``PROMETHEUS_MULTIPROC_DIR`` (default a
  fresh folder under ``/tmp``; systemd: ``RuntimeDirectory``) is set before any worker
  starts, emptied at start, and a dead worker's live gauges are dropped;
- a stopping worker writes the FAQ hits and questions it gathered (``worker_exit``);
- the checks run once in the master, so a bad setting stops gunicorn with one clear
  message instead of workers failing to boot again and again;
- the application's code (ORM mappers configured, templates compiled), jieba's dictionary, the FAQ engine's
  IDF table and sentence model are loaded once in the master and shared by every worker
  (the FAQ index itself is a memory-mapped file: interact/faq/index.py).
"""
from __future__ import annotations

import os
import shutil
import tempfile

bind = os.environ.get("INTERACT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Long enough for a 200 MB interview video from a slow connection behind nginx's buffering,
# short enough that a stuck worker is replaced.
timeout = 120
graceful_timeout = 30
# nginx in front keeps client connections; keep-alive to it only.
keepalive = 5


def on_starting(server) -> None:
    os.environ["INTERACT_WEB_WORKERS"] = str(server.cfg.workers)
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="interact-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    else:
        # Files of a previous run would be added to this run's counters.
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
    server.log.info("Metrics of all workers in %s", folder)

    from flask import Config

    from interact.config import DefaultConfig
    from interact.core import production

    config = Config(os.getcwd())
    config.from_object(DefaultConfig)
    config.from_prefixed_env("INTERACT")
    production.check(config, strict=True)


def when_ready(server) -> None:
    """Once the master listens (connections wait in the backlog), before it forks the
    workers: load what they will share."""
    _load_shared_tables(server)


def _load_shared_tables(server) -> None:
    """The application's code (imported by building an app once, then dropped) with its
    ORM mappers configured, jieba's dictionary, the general IDF table and the sentence
    model of the FAQ engine, loaded once here in the master: workers are forked from it and share these pages (copy-on-write) instead of
    loading ~250 MB each, and a worker started later (``max_requests``, a crash) answers
    its first question without seconds of imports and loading. ``gc.freeze()`` keeps the
    collector from touching (and so copying) them in every worker."""
    import gc
    import time

    started = time.perf_counter()
    try:
        from interact import create_app
        from interact.extensions import db

        app = create_app()
        # The ORM's mappers, configured on the first query of a process (~50 ms of CPU
        # that every new worker's first request paid, whatever the page).
        import sqlalchemy.orm

        sqlalchemy.orm.configure_mappers()
        # Every template compiled once here, not in each worker's first request of a page.
        from interact.core import templating

        templating.precompile(app)
        with app.app_context():
            from interact.faq import index

            index.get_index(app).embedder  # the sentence model, when the semantic feature is on
            for engine in db.engines.values():
                engine.dispose()  # no connection is inherited by the workers
        del app
    except Exception:  # every worker reports it again, with the request that meets it
        server.log.exception("Could not build the application in the master")
    from interact.faq.matching import load_tables

    load_tables()
    gc.collect()
    gc.freeze()
    server.log.info("Application code and shared tables loaded in %.1f s", time.perf_counter() - started)


def on_reload(server) -> None:
    """``kill -HUP`` (``systemctl reload``): the new workers are forked from this master,
    which imported the application when it started, so they run that code whatever the
    checkout holds now (attack L7). Importing it again here is not safe (metrics and
    SQLAlchemy event listeners are registered globally once), so say plainly that a new
    release needs a restart (docs/deployment.md, "Upgrades")."""
    server.log.warning("Reload: the new workers run the application code this master started with; "
                       "after installing a new release, restart the service instead (docs/deployment.md, Upgrades).")


def worker_exit(server, worker) -> None:
    """In the worker that stops: write the FAQ hits and logged questions it still keeps
    (``interact.core.deferred``; ``atexit`` does too, this does not depend on how the
    worker's interpreter ends)."""
    from interact.core import deferred

    deferred.write_at_exit()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

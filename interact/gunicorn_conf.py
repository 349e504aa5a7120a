"""gunicorn settings for interact: ``gunicorn -c python:interact.gunicorn_conf 'interact:create_app()'``.

Command-line options (``-w 4 -b 127.0.0.1:8000``) still override the defaults below. What
this file adds to plain gunicorn:

- tells the app how many workers run (``INTERACT_WEB_WORKERS``), so production mode refuses
  per-process rate limits with several workers (``interact.core.production``);
- metrics of all workers in one ``/metrics``: ``PROMETHEUS_MULTIPROC_DIR`` (default a
  fresh folder under ``/tmp``; systemd: ``RuntimeDirectory``) is set before any worker
  starts, emptied at start, and a dead worker's live gauges are dropped;
- the checks run once in the master, so a bad setting stops gunicorn with one clear
  message instead of workers failing to boot again and again.
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


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)

"""The 135k-entry knowledge base under the documented gunicorn command.

    .venv/bin/python bench/faq_serve.py                       # 135,431 entries, SQLite
    .venv/bin/python bench/faq_serve.py --entries 20000 --duration 5 --restarts 1
    INTERACT_BENCH_CACHE=/tmp/bench .venv/bin/python bench/faq_serve.py   # cache the database elsewhere

1. A SQLite database with ``--entries`` published FAQ entries from the scale knowledge
   base (``../shared/data/faqbench/scale/kb.jsonl``), cached like ``bench/load.py``'s.
2. ``flask faq build-index`` writes the index file (its time and peak RSS are printed:
   that process is the only one that ever holds the whole index in its own memory).
3. A fresh worker: ``gunicorn -c python:interact.gunicorn_conf -w 1 … 'interact:create_app()'``;
   the time from the worker process's start to its first answered question
   (``GET /api/v1/faq/answer``); then the worker is stopped ``--restarts`` times (the
   master starts a new one, as after ``max_requests`` or a crash) and each new worker is
   measured the same way.
4. Under load: the README's command (``-w 4``, gunicorn's 30 s timeout), ``--connections``
   clients asking real questions (dev queries) for ``--duration`` seconds; status counts,
   p50/p99; per worker RSS, PSS and USS (``/proc/<pid>/smaps_rollup``: the mapped index
   and the tables inherited from the master are shared, so PSS is each worker's fair
   share and USS what it alone holds), peak RSS (``VmHWM``), and whether gunicorn killed
   a worker.

The last line is one JSON object (with ``uptime`` before and after: the machine is shared).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (the load benchmark's database, client and helpers)

QUESTION = "/api/v1/faq/answer?q="


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database(entries: int, workdir: Path) -> Path:
    """The cached SQLite database with ``entries`` FAQ entries (and a few letters)."""
    load.OUT.mkdir(parents=True, exist_ok=True)
    cached = load.OUT / f"faq-{entries}-{load.schema_stamp()}.db"
    if not cached.exists():
        log(f"building {cached} (once)")
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        load.build_database(f"sqlite:///{building}", 200, entries, workdir)
        building.rename(cached)
    return cached


def memory(pid: int) -> dict:
    """RSS, PSS, USS and peak RSS of a process, MB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].rstrip(":") in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                out[parts[0].rstrip(":")] = int(parts[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["peak_rss"] = int(line.split()[1]) / 1024
    except OSError:
        return {}
    return {"rss_mb": round(out.get("Rss", 0), 1), "pss_mb": round(out.get("Pss", 0), 1),
            "uss_mb": round(out.get("Private_Clean", 0) + out.get("Private_Dirty", 0), 1),
            "peak_rss_mb": round(out.get("peak_rss", 0), 1), "by_mapping": by_mapping(pid)}


def _kind(name: str) -> str:
    """What a mapping of ``/proc/<pid>/smaps`` holds, for the breakdown of RSS."""
    base = os.path.basename(name)
    if base.startswith("faq-index-"):
        return "index file"
    if base.startswith("use-m3-"):
        return "sentence model token table (file)"
    if not name or name.startswith("[heap]") or name.startswith("[anon"):
        return "anonymous (heap, arrays)"
    if name.startswith("["):
        return "other"
    if ".so" in base:
        return "shared libraries"
    return "other files"


def by_mapping(pid: int) -> dict:
    """RSS / PSS / USS in MB per kind of mapping (``/proc/<pid>/smaps``): where a worker's
    resident memory is, and how much of it is shared."""
    totals: dict[str, list[float]] = {}
    kind = "other"
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        head = line.split(None, 5)
        if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
            kind = _kind(head[5] if len(head) > 5 else "")
            continue
        if head and head[0] in ("Rss:", "Pss:", "Private_Clean:", "Private_Dirty:"):
            row = totals.setdefault(kind, [0.0, 0.0, 0.0])
            value = int(head[1]) / 1024
            row[{"Rss:": 0, "Pss:": 1}.get(head[0], 2)] += value
    return {k: {"rss": round(v[0], 1), "pss": round(v[1], 1), "uss": round(v[2], 1)}
            for k, v in sorted(totals.items(), key=lambda kv: -kv[1][0])}


def children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [int(v) for v in out.split()]


def started_at(pid: int) -> float:
    """The process's start as a ``time.time()`` value (10 ms resolution)."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime"))
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far: what the first answer cost
    it, whatever the other load on the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def gunicorn(workers: int, env: dict, workdir: Path, name: str) -> tuple[subprocess.Popen, int, Path]:
    port = load.free_port()
    log_path = workdir / f"{name}.log"
    command = [load.gunicorn_bin(), "-c", "python:interact.gunicorn_conf", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--timeout", "30", "--error-logfile", str(log_path),
               "interact:create_app()"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    return process, port, log_path


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def first_answer(port: int, master: int, questions: list[str], old: set[int], limit: float = 120) -> dict:
    """Wait for a worker that is not in ``old``; seconds from its start to its first 200."""
    deadline = time.monotonic() + limit
    pid = None
    while time.monotonic() < deadline and pid is None:
        new = [p for p in children(master) if p not in old]
        pid = new[0] if new else None
        time.sleep(0.01)
    if pid is None:
        raise SystemExit("no new worker")
    start = started_at(pid)
    statuses: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            status, body = asyncio.run(load.request_once(port, "GET", QUESTION + random.choice(questions), None, 30))
        except (OSError, asyncio.TimeoutError):
            status, body = 0, b""
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status == 200:
            return {"pid": pid, "first_answer_s": round(time.time() - start, 2), "cpu_s": cpu_seconds(pid),
                    "statuses_before": statuses,
                    "answered": json.loads(body).get("answered")}
        time.sleep(0.02)
    raise SystemExit(f"worker {pid} gave no answer within {limit} s: {statuses}")


def killed(log_path: Path) -> int:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text.count("WORKER TIMEOUT") + text.count("was sent SIGKILL")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=135_431)
    parser.add_argument("--workers", type=int, default=4, help="workers of the load part (README: 4)")
    parser.add_argument("--restarts", type=int, default=3, help="fresh workers measured after the first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--index-dir", type=Path,
                        help="keep the index file in this folder between runs (a current file is not rebuilt)")
    parser.add_argument("--semantic", choices=("on", "off"), default="on",
                        help="INTERACT_FAQ_SEMANTIC (on: the default, with the semantic extra installed)")
    args = parser.parse_args(argv)

    result: dict = {"entries": args.entries, "semantic": args.semantic, "uptime_before": load.uptime(),
                    "cpus": os.cpu_count()}
    workdir = Path(tempfile.mkdtemp(prefix="interact-faq-serve-"))
    processes: list[subprocess.Popen] = []
    try:
        db_path = database(args.entries, workdir)
        run_db = workdir / "run.db"
        shutil.copyfile(db_path, run_db)
        with open(load.shared_data() / "faqbench" / "dev" / "queries.jsonl", encoding="utf-8") as fh:
            questions = [json.loads(line)["query"] for line in fh if line.strip()]
        questions = random.Random(5).sample(questions, 300)
        env = {**os.environ, "INTERACT_SECRET_KEY": "bench-secret-key-not-for-production",
               "INTERACT_DATABASE_URL": f"sqlite:///{run_db}", "INTERACT_RATELIMIT_ENABLED": "false",
               "INTERACT_CAPTCHA_ENABLED": "false", "INTERACT_DEMO": "true",
               "INTERACT_UPLOAD_FOLDER": str(workdir / "uploads"), "INTERACT_FAQ_INDEX_DIR": str(args.index_dir or workdir / "index"),
               "INTERACT_FAQ_SEMANTIC": "true" if args.semantic == "on" else "false",
               "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"), "PYTHONPATH": str(ROOT)}

        started = time.perf_counter()
        build = subprocess.run([sys.executable, "-m", "flask", "--app", "interact", "faq", "build-index"], env=env,
                               cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if build.returncode:
            raise SystemExit(build.stderr[-3000:])
        index_file = Path(build.stdout.strip().splitlines()[-1])
        result["index_build"] = {"seconds": round(time.perf_counter() - started, 1),
                                 "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
                                 "file_mb": round(index_file.stat().st_size / 1e6, 1)}
        log(f"index file: {result['index_build']}")

        # Fresh workers: -w 1, the first and each replacement.
        process, port, log_path = gunicorn(1, env, workdir, "fresh")
        processes.append(process)
        fresh = []
        seen: set[int] = set()
        for n in range(args.restarts + 1):
            figure = first_answer(port, process.pid, questions, seen)
            figure["memory"] = memory(figure["pid"])
            fresh.append(figure)
            log(f"fresh worker {n}: {figure}")
            seen.add(figure["pid"])
            if n < args.restarts:
                os.kill(figure["pid"], signal.SIGTERM)  # the master starts a new worker
        result["fresh_workers"] = fresh
        result["fresh_master_memory"] = memory(process.pid)
        result["fresh_worker_kills"] = killed(log_path)
        stop(process)

        # Under load: the README's command.
        process, port, log_path = gunicorn(args.workers, env, workdir, "load")
        processes.append(process)
        ready = time.monotonic()
        load.warm_up(load.Server("project", port, process, log_path), argparse.Namespace(workers=args.workers,
                                                                                           timeout=30))
        result["all_workers_answering_s"] = round(time.monotonic() - ready, 1)
        run = asyncio.run(load.drive(port, lambda: ("GET", QUESTION + random.choice(questions), None),
                                     args.connections, args.duration, args.max_requests, 30))
        workers = children(process.pid)
        result["load"] = {
            "workers": args.workers, "connections": args.connections, "seconds": round(run.seconds, 1),
            "requests": len(run.latencies), "rps": round(run.rps, 1), "statuses": run.statuses,
            "p50_ms": round(load.percentile(run.latencies, 50), 1),
            "p99_ms": round(load.percentile(run.latencies, 99), 1),
            "worker_memory": [memory(pid) for pid in workers], "master_memory": memory(process.pid),
            "worker_kills": killed(log_path),
        }
        log(json.dumps(result["load"], indent=1))
        stop(process)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    result["uptime_after"] = load.uptime()
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()

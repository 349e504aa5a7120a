"""Real services for tests, started on free loopback ports and stopped afterwards."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, *, timeout: float = 30, what: str = "server",
                  log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    stop(process)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start on 127.0.0.1:{port}\n{detail}")


def stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@contextmanager
def moto_s3(workdir: Path) -> Iterator[str]:
    """moto's server mode: an S3-compatible endpoint; yields its URL."""
    port = free_port()
    log = workdir / "moto.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, what="moto S3 server", log=log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


@contextmanager
def redis_server(workdir: Path, port: int | None = None, keep_data: bool = False) -> Iterator[str]:
    """A throw-away Redis (Debian's ``redis-server``); yields its URL. Without persistence,
    unless ``keep_data``: then it saves its data in ``workdir`` when stopped, and one
    started again there finds it (a restart, or a network cut, as the application sees it)."""
    binary = redis_server_path()
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = port or free_port()
    log = workdir / f"redis-{port}.log"
    saving = ["--save", "3600 1"] if keep_data else ["--save", ""]
    process = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), *saving,
                                "--appendonly", "no", "--dir", str(workdir), "--logfile", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, what="redis-server", log=log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)

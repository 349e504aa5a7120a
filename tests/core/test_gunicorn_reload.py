"""A gunicorn reload keeps the code the master started with (the workers are forked from
it), so the reload says so and points to a restart (attack L7, docs/deployment.md)."""
from __future__ import annotations

from interact import gunicorn_conf


class _Log:
    def __init__(self):
        self.warnings: list[str] = []

    def warning(self, message, *args):
        self.warnings.append(message % args if args else message)


class _Server:
    def __init__(self):
        self.log = _Log()


def test_a_reload_warns_that_a_new_release_needs_a_restart():
    server = _Server()
    gunicorn_conf.on_reload(server)
    assert len(server.log.warnings) == 1
    assert "restart" in server.log.warnings[0] and "Upgrades" in server.log.warnings[0]

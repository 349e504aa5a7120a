"""An unexpected database error while a member of staff is logged in still gives the Chinese
error page and one log line naming the request and the user. Tried from outside: four
administrators' clicks creating the same user at once gave three bare English "Internal
Server Error" pages, because the error handler's log filter read the logged-in user's id
from a session whose transaction the failed INSERT had already broken (PendingRollbackError
inside the error handler), and the original error was logged only by the web server."""
from __future__ import annotations

import logging

from interact.core.logs import ContextFilter


def test_a_failed_insert_while_logged_in_gives_the_error_page_and_a_log_line(app, client, auth, roles, caplog):
    office_id = roles.office.id
    auth.login(roles.office)
    caplog.handler.addFilter(ContextFilter())  # as on the production log handler (core.logs.configure)
    with caplog.at_level(logging.ERROR):
        response = client.post("/test/insert-twice")
    assert response.status_code == 500
    assert "系统" in response.get_data(as_text=True)
    records = [r for r in caplog.records if r.getMessage() == "Unhandled error on POST /test/insert-twice"]
    assert len(records) == 1 and records[0].user_id == str(office_id)

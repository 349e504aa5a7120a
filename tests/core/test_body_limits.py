"""Attack Q5: a body without files is held to MAX_BODY_WITHOUT_FILES before it is read;
file uploads keep MAX_CONTENT_LENGTH."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("path", ["/letters/new", "/staff/interviews/1/archive", "/surveys/1/opinions", "/login"])
def test_a_huge_form_without_files_is_refused_before_it_is_parsed(client, path):
    """Two million empty fields (6 MB) posted by a stranger: 413 in Chinese (werkzeug refuses
    by the declared length, before reading). Before: every field was read into memory, then
    the CSRF check refused the form with a 400."""
    body = b"a=&" * (2 * 1024 * 1024)
    response = client.post(path, data=body, content_type=FORM)
    assert response.status_code == 413
    assert "超过" in response.get_data(as_text=True)


def test_a_huge_json_body_is_refused(client):
    response = client.post("/api/v1/letters", data=b"[" + b"1," * (1024 * 1024) + b"1]", content_type="application/json")
    assert response.status_code == 413


def test_a_form_of_the_largest_text_is_still_read(app, client):
    """A 50,000-character summary, every character percent-encoded (9 bytes), is under the
    limit: a form of 600 KB reaches the view."""
    body = ("csrf_token=x&body=" + "%E4%B8%AD" * 50_000 + "&title=" + "%E4%B8%AD" * 100).encode()
    assert len(body) > 450_000
    response = client.post("/letters/new", data=body, content_type=FORM)
    assert response.status_code != 413


def test_a_file_upload_may_be_larger(app, client):
    """Multipart bodies keep MAX_CONTENT_LENGTH: 3 MB of attachment is not refused for its size."""
    # The body is encoded here, in memory: the test client's own encoder spools a body over
    # 500 KB to a temporary file that it never closes (a ResourceWarning that failed whichever
    # test the garbage collector ran in next).
    boundary, body = encode_multipart({"title": "社保卡补办咨询", "attachments": FileStorage(
        io.BytesIO(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)), filename="a.pdf")})
    response = client.post("/letters/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422  # read, and answered with the form's own errors (no body)

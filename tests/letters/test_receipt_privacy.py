"""A letter number alone never shows a letter: numbers are sequential and letters are not
public until the office publishes them."""
import re

from .test_views import FORM


def test_receipt_only_in_the_submitting_browser(app, client):
    response = client.post("/letters/new", data=FORM)
    receipt_url = response.headers["Location"]
    own = client.get(receipt_url)
    assert own.status_code == 200 and re.search(r'<strong class="code">', own.get_data(as_text=True))
    assert client.get(receipt_url).status_code == 200  # a reload, without the code
    stranger = app.test_client()
    assert stranger.get(receipt_url).status_code == 404


def test_track_does_not_tell_which_numbers_exist(app, client, submit):
    letter, _code = submit()
    stranger = app.test_client()
    known = stranger.get(f"/letters/track/{letter.number}")
    unknown = stranger.get("/letters/track/XJ20990101-9999")
    assert known.status_code == unknown.status_code == 302
    assert "/letters/lookup" in known.headers["Location"] and "/letters/lookup" in unknown.headers["Location"]

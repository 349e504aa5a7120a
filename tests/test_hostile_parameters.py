"""Numbers in URLs, query strings and forms that the database cannot take are 4xx, not 500."""
import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/letters/{HUGE}", f"/surveys/{HUGE}", f"/interviews/{HUGE}", f"/api/v1/collections/{HUGE}",
    f"/api/v1/interviews/{HUGE}/transcript",
])
def test_huge_ids_in_urls_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/letters/stats?department=²", "/api/v1/letters?department_id=²", "/api/v1/stats/letters?department_id=²",
    "/api/v1/interviews/1/transcript?after=²", "/api/v1/faq/entries?category=²",
    f"/letters/?department={HUGE}", f"/api/v1/faq/entries?category={HUGE}",
])
def test_odd_numbers_in_query_strings_are_client_errors(client, url):
    assert client.get(url).status_code < 500


def test_huge_department_in_the_letter_form(client, auth, roles):
    from .letters.test_views import FORM

    auth.login(roles.citizen)
    response = client.post("/letters/new", data=dict(FORM, department_id=HUGE))
    assert 400 <= response.status_code < 500


def test_out_of_range_collection_dates(client, auth, roles):
    auth.login(roles.handler_a)
    response = client.post("/staff/surveys/new", data={
        "title": "测试征集", "department_id": str(roles.department_a.id), "starts_at": "0001-01-01T00:00",
        "ends_at": "0001-02-01T00:00", "collects": "opinions",
    })
    assert 400 <= response.status_code < 500

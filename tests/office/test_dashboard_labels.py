"""The dashboard's lines name their windows from the rules that set them (no copied number)."""
from interact.core import contributions
from interact.surveys.deadlines import DUE_SOON_DAYS


def test_feedback_due_line_says_the_surveys_window(client, auth, roles, monkeypatch):
    auth.login(roles.office)
    assert f"{DUE_SOON_DAYS}日内到期的征集结果反馈" in client.get("/staff/dashboard").get_data(as_text=True)
    monkeypatch.setattr(contributions.office, "feedback_due_soon_days", 10)
    assert "10日内到期的征集结果反馈" in client.get("/staff/dashboard").get_data(as_text=True)
    page = client.get("/staff/dashboard/feedback_due").get_data(as_text=True)
    assert "10日内到期的征集结果反馈" in page and f"{DUE_SOON_DAYS}日内到期" not in page
    assert client.get("/staff/dashboard/nothing").status_code == 404

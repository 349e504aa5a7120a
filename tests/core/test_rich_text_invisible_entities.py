"""Staff rich text cannot hide a number or a name from the masking with character
references of invisible characters. Tried from outside: a department's answer saved with
``1&#8203;3&#8203;8…`` (zero-width spaces written as entities) or ``皇&shy;甫晓雯`` was
published in clear on the letter page and in the API, because the form strips the
characters themselves but the sanitiser kept the entities, and the masking then read the
number as eleven separate digits."""
from __future__ import annotations

import pytest

from interact.core.sanitize import clean_html
from interact.extensions import db
from interact.letters import services as letter_services
from interact.letters.models import Letter
from tests.letters.test_views import FORM

ZW_ENTITY = "&#8203;"


def test_an_answer_with_invisible_entities_is_masked_on_the_public_page_and_api(client, roles):
    response = client.post("/letters/new", data={**FORM, "title": "咨询公积金提取", "name": "皇甫晓雯"})
    assert response.status_code in (302, 303)
    letter = db.session.scalars(db.select(Letter).order_by(Letter.id.desc())).first()
    phone = ZW_ENTITY.join("13800138103")
    answer = (f"<p>皇&shy;甫女士您好：经办人手机 {phone}。</p>"
              "<p>市民皇&shy;甫晓雯反映的问题已核实；身份证 440301&#x200B;19850315&zwnj;2214 已登记。</p>")
    letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    letter_services.answer_letter(letter, actor=roles.handler_a, answer_html=answer)
    letter_services.approve_answer(letter, actor=roles.office, publish=True)
    db.session.commit()
    for page in (client.get(f"/letters/{letter.id}").get_data(as_text=True),
                 client.get("/api/v1/letters").get_data(as_text=True)):
        assert "[电话]" in page and "[身份证号]" in page
        for hidden in ("8103", "19850315", "晓雯"):
            assert hidden not in page
        for reference in ("&#8203;", "&shy;", "&zwnj;", "&#x200B;", "\u200b", "\u00ad"):
            assert reference not in page


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>1&#8203;3&#x200b;8&shy;0&zwnj;0&#xFEFF;1</p>", "<p>138001</p>"),
    ("<p>王\u200b小明</p>", "<p>王小明</p>"),
    # visible references and an emoji sequence stay as they are
    ("<p>A &amp; B &lt; C&nbsp;D &#21033;</p>", "<p>A &amp; B &lt; C&nbsp;D &#21033;</p>"),
    ("<p>👨&zwj;👩&zwj;👧</p>", "<p>👨\u200d👩\u200d👧</p>"),
])
def test_clean_html_drops_invisible_characters_and_their_references(html, expected):
    assert clean_html(html) == expected


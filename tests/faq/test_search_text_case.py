"""The FAQ search's text match ignores the case of Latin letters on every database."""


def test_a_latin_word_is_found_in_another_case(client, db, make_entry):
    entry = make_entry("ETC 卡怎么办理？", "<p>到合作银行办理。</p>", ["高速 ETC 办卡"], keywords=["ETC"])
    for typed in ("etc", "Etc", "ETC"):
        page = client.get("/api/v1/faq/entries", query_string={"q": typed}).get_json()
        assert entry.id in [item["id"] for item in page["items"]], typed

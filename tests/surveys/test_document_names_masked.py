"""A consultation's documents are published under masked names (#11, attack batch 6 G5):
the draft's uploaded file name and an attachment's label are typed by a clerk and shown on
the public page, in the API and as the download name; personal data in them is hidden
there, while the staff page keeps what was typed."""
from __future__ import annotations

import io
import json
from urllib.parse import unquote

from interact.surveys import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT_NAME = "征求意见稿（起草人王小明13800138000）.pdf"
LABEL = "附件：联系人李建国，手机139 1234 5678"
SECRETS = ("小明", "13800138000", "建国", "5678")


def test_document_names_and_labels_are_masked_where_the_public_reads_them(client, auth, make_collection,
                                                                              frozen, roles, db):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    for data in ({"which": "draft", "file": (io.BytesIO(PDF), DRAFT_NAME)},
                 {"which": "attachment", "label": LABEL, "file": (io.BytesIO(PDF), "fujian.pdf")}):
        response = client.post(f"/staff/surveys/{collection.id}/document", data=data,
                               content_type="multipart/form-data")
        assert response.status_code == 302
    staff_page = client.get(f"/staff/surveys/{collection.id}").get_data(as_text=True)
    assert "13800138000" in staff_page  # staff see what they typed
    auth.logout()
    db.session.expire_all()
    collection = db.session.get(services.Collection, collection.id)
    collection.status = services.CollectionStatus.PUBLISHED
    db.session.commit()
    frozen(2026, 3, 10)

    page = client.get(f"/surveys/{collection.id}").get_data(as_text=True)
    assert "起草人王**[电话]" in page and "联系人李**" in page
    api = json.dumps(client.get(f"/api/v1/collections/{collection.id}").get_json(), ensure_ascii=False)
    assert "起草人王**[电话]" in api and "征求意见稿" in api
    download = client.get(f"/files/{collection.draft_file.key}")
    disposition = unquote(download.headers.get("Content-Disposition", ""))
    download.close()
    for public in (page, api, disposition):
        assert not [s for s in SECRETS if s in public.replace(" ", "")], public[:2000]
    assert "征求意见稿" in disposition

"""The upload store: the local folder and an S3-compatible endpoint (moto's server mode,
started on a free port) behind the same checked routes."""
from __future__ import annotations

import io
import itertools
import json

import boto3
import pytest
from werkzeug.datastructures import FileStorage

from interact.core import uploads
from interact.core.storage import LocalStore, S3Store, get_store
from interact.faq import importexport
from interact.faq.models import FaqEntry, ImportStatus
from tests.services import moto_s3

BUCKET = "interact-test"
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # 10 252 bytes
_prefixes = itertools.count(1)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with moto_s3(tmp_path_factory.mktemp("moto")) as url:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket=BUCKET)
        yield url, s3


@pytest.fixture
def s3_app(app, s3_endpoint):
    url, _s3 = s3_endpoint
    app.config.update(UPLOAD_STORE="s3", S3_BUCKET=BUCKET, S3_ENDPOINT_URL=url, S3_REGION="us-east-1",
                      S3_ACCESS_KEY_ID="test", S3_SECRET_ACCESS_KEY="test", S3_PREFIX=f"run{next(_prefixes)}/")
    return app


def video(name="访谈.mp4") -> FileStorage:
    return FileStorage(io.BytesIO(MP4), filename=name)


def test_s3_upload_is_stored_in_the_bucket_not_on_disk(s3_app, s3_endpoint, db, tmp_path):
    stored = uploads.save_upload(video(), kinds={"video"}, public=True)
    db.session.commit()
    assert isinstance(get_store(), S3Store)
    head = s3_endpoint[1].head_object(Bucket=BUCKET, Key=s3_app.config["S3_PREFIX"] + stored.key)
    assert head["ContentLength"] == len(MP4) == stored.size
    folder = tmp_path / "uploads"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_s3_files_served_whole_and_by_range_through_the_checked_route(s3_app, db, client):
    public = uploads.save_upload(video(), kinds={"video"}, public=True)
    private = uploads.save_upload(video("私密.mp4"), kinds={"video"}, public=False)
    db.session.commit()
    whole = client.get(f"/files/{public.key}")
    assert whole.status_code == 200 and whole.data == MP4
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.mimetype == "video/mp4"
    assert "inline" in whole.headers["Content-Disposition"]
    part = client.get(f"/files/{public.key}", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == MP4[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(MP4)}"
    tail = client.get(f"/files/{public.key}", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == MP4[-10:]
    assert client.get(f"/files/{public.key}", headers={"Range": "bytes=999999-"}).status_code == 416
    # The route's checks apply whatever the store: a private file is not public.
    assert client.get(f"/files/{private.key}").status_code == 404


def test_s3_object_gone_is_404_not_500(s3_app, s3_endpoint, db, client):
    stored = uploads.save_upload(video(), kinds={"video"}, public=True)
    db.session.commit()
    s3_endpoint[1].delete_object(Bucket=BUCKET, Key=s3_app.config["S3_PREFIX"] + stored.key)
    assert client.get(f"/files/{stored.key}").status_code == 404


def test_s3_refused_upload_leaves_nothing_in_the_bucket(s3_app, s3_endpoint, db):
    from interact.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        uploads.save_upload(video(), kinds={"video"}, max_bytes=1000)
    listing = s3_endpoint[1].list_objects_v2(Bucket=BUCKET, Prefix=s3_app.config["S3_PREFIX"])
    assert listing.get("KeyCount", 0) == 0


def test_faq_import_file_read_back_from_s3(s3_app, db, roles):
    rows = [{"question": "电动车怎么上牌？", "answer_html": "<p>到车管所办理。</p>", "status": "published"}]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    job = importexport.start_job(FileStorage(io.BytesIO(data), filename="kb.jsonl"), actor=roles.curator)
    db.session.commit()
    assert importexport.file_size(job) == len(data)
    done = importexport.run_job(job.id)
    assert done.status is ImportStatus.DONE and done.report["counts"]["new"] == 1
    real = importexport.confirm_job(done, actor=roles.curator)
    db.session.commit()
    assert importexport.run_job(real.id).status is ImportStatus.DONE
    assert db.session.scalar(db.select(FaqEntry.question)) == "电动车怎么上牌？"


def test_local_store_serves_ranges_and_rejects_odd_keys(app, db, client, tmp_path):
    stored = uploads.save_upload(video(), kinds={"video"}, public=True)
    db.session.commit()
    store = get_store()
    assert isinstance(store, LocalStore) and store.size(stored.key) == len(MP4)
    with client.get(f"/files/{stored.key}", headers={"Range": "bytes=0-9"}) as part:
        assert part.status_code == 206 and part.data == MP4[:10]
    for key in ("../secret", "a/../../b", "x/y/z", ""):
        with pytest.raises(Exception) as caught:
            store.path(key)
        assert getattr(caught.value, "code", None) == 404

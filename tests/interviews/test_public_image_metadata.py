"""A photo published by a clerk carries no location, owner or device: tried from outside,
an interview image uploaded with its phone's EXIF (GPS position, the owner's name and phone
number) was served as is at /files/<key> to anyone."""
from __future__ import annotations

import io

from PIL import Image

from interact.interviews.models import InterviewStatus as S

OWNER = "Wang Xiaoming 13800138000"


def phone_photo(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0x0110] = "Phone X"  # Model
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 15.12), 3: "E", 4: (116.0, 24.0, 26.64)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_an_interview_photo_is_published_without_its_exif_but_keeps_its_orientation(db, client, auth, roles,
                                                                                    make_interview):
    interview = make_interview(S.ANNOUNCED)
    auth.login(roles.handler_a)
    photo = phone_photo()
    assert OWNER.encode() in photo
    response = client.post(f"/staff/interviews/{interview.id}/images", data={
        "image": (io.BytesIO(photo), "现场.jpg"), "caption": "访谈现场",
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    auth.logout()
    stored = interview.images[0].file
    served = client.get(f"/files/{stored.key}")
    try:
        data = served.data
    finally:
        served.close()
    assert served.status_code == 200 and stored.size == len(data)
    assert OWNER.encode() not in data and b"Phone X" not in data
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert image.size == (40, 20)
    assert exif.get(0x0112) == 6  # the photo is still shown upright
    assert 0x8825 not in exif and 0x013B not in exif



def test_a_portrait_photo_with_a_second_picture_is_published_without_either_exif(db, client, auth, roles,
                                                                                  make_interview):
    """A phone's portrait photo: a depth map with the same EXIF follows the picture (attack I5:
    its owner and GPS were served at /files/<key>)."""
    interview = make_interview(S.ANNOUNCED)
    auth.login(roles.handler_a)
    photo = phone_photo() + phone_photo(orientation=1)
    response = client.post(f"/staff/interviews/{interview.id}/images", data={
        "image": (io.BytesIO(photo), "人像.jpg"), "caption": "访谈现场",
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    auth.logout()
    served = client.get(f"/files/{interview.images[0].file.key}")
    try:
        data = served.data
    finally:
        served.close()
    assert served.status_code == 200
    assert OWNER.encode() not in data and b"Phone X" not in data and data.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(data)).size == (40, 20)

def test_a_citizens_letter_attachment_is_kept_as_sent(db, roles):
    """Staff see a citizen's evidence as it was sent (it is never public)."""
    from werkzeug.datastructures import FileStorage

    from interact.core import uploads
    photo = phone_photo()
    stored = uploads.save_upload(FileStorage(stream=io.BytesIO(photo), filename="证据.jpg"), kinds={"image"})
    assert stored.size == len(photo)

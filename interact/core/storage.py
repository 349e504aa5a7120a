"""Where uploaded files live: a local folder (default) or an S3-compatible object store.

``UPLOAD_STORE`` chooses the backend:

- ``local`` — files under ``UPLOAD_FOLDER`` (default ``instance/uploads``). Enough for one
  machine; several machines must share the folder (NFS) or use ``s3``.
- ``s3`` — objects in ``S3_BUCKET`` under ``S3_PREFIX`` through boto3
  (``pip install '.[s3]'``), on AWS or any S3-compatible store (MinIO, Ceph, a city's
  object storage) at ``S3_ENDPOINT_URL``; credentials from ``S3_ACCESS_KEY_ID`` /
  ``S3_SECRET_ACCESS_KEY`` or boto3's usual sources (environment, instance role).

Files are written once under a random key and never changed (but for a public file's
metadata removed afterwards, :mod:`interact.core.restrip`, which replaces it whole). The app serves them itself
through its checked routes (:func:`serve`), with Range requests in both backends (video
seeking), so permissions are checked the same way whichever backend holds the bytes.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote

from flask import Flask, Response, current_app, request, send_file
from werkzeug.exceptions import NotFound, RequestedRangeNotSatisfiable
from werkzeug.utils import secure_filename
from werkzeug.wsgi import FileWrapper

_EXTENSION = "interact.store"
CHUNK = 256 * 1024


class Store(Protocol):
    def put(self, key: str, source: Path) -> None:
        """Store the file at ``source`` (a local file) under ``key``."""

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int | None:
        """The stored size in bytes, or ``None`` if there is no such object."""

    def delete(self, key: str) -> None: ...

    def local_copy(self, key: str):
        """Context manager giving a local path with the file's bytes (for readers that
        need a real file, such as the FAQ import)."""

    def response(self, key: str, *, mimetype: str, as_attachment: bool, download_name: str,
                 max_age: int | None) -> Response: ...


class LocalStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """``ab12…`` → ``<root>/ab/ab12…``; ``faq_imports/ab12…`` → ``<root>/faq_imports/ab12…``."""
        parts = key.split("/")
        if len(parts) > 2 or any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise NotFound()
        if len(parts) == 2:
            return self.root / parts[0] / parts[1]
        return self.root / key[:2] / key

    def put(self, key: str, source: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        shutil.copyfile(source, part)
        os.replace(part, target)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        yield path

    def response(self, key: str, *, mimetype: str, as_attachment: bool, download_name: str,
                 max_age: int | None) -> Response:
        path = self.path(key)
        if not path.is_file():
            raise NotFound()
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                         conditional=True, max_age=max_age)


class S3Store:
    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key: str | None = None, secret_key: str | None = None):
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise RuntimeError("UPLOAD_STORE=s3 needs boto3: pip install '.[s3]'") from None
        if not bucket:
            raise RuntimeError("UPLOAD_STORE=s3 needs INTERACT_S3_BUCKET")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60),
        )

    def _name(self, key: str) -> str:
        return self.prefix + key

    def _missing(self, error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in ("404", "NoSuchKey", "NotFound")

    def put(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._name(key))

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self._name(key))["ContentLength"])
        except ClientError as error:
            if self._missing(error):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        from botocore.exceptions import ClientError

        handle, name = tempfile.mkstemp(prefix="interact-")
        os.close(handle)
        try:
            try:
                self.client.download_file(self.bucket, self._name(key), name)
            except ClientError as error:
                if self._missing(error):
                    raise FileNotFoundError(key) from None
                raise
            yield Path(name)
        finally:
            os.unlink(name)

    def response(self, key: str, *, mimetype: str, as_attachment: bool, download_name: str,
                 max_age: int | None) -> Response:
        """Stream the object, honouring a single ``Range`` (what browsers send for video)."""
        size = self.size(key)
        if size is None:
            raise NotFound()
        wanted = request.range
        byte_range = wanted.range_for_length(size) if wanted is not None else None
        if wanted is not None and byte_range is None:
            raise RequestedRangeNotSatisfiable(length=size)
        arguments = {"Bucket": self.bucket, "Key": self._name(key)}
        if byte_range is not None:
            arguments["Range"] = f"bytes={byte_range[0]}-{byte_range[1] - 1}"
        body = self.client.get_object(**arguments)["Body"]
        stream: IO[bytes] = body  # botocore's StreamingBody reads in chunks
        response = Response(FileWrapper(stream, CHUNK), mimetype=mimetype, direct_passthrough=True)
        response.headers["Accept-Ranges"] = "bytes"
        if byte_range is not None:
            response.status_code = 206
            response.headers["Content-Range"] = wanted.to_content_range_header(size)
            response.content_length = byte_range[1] - byte_range[0]
        else:
            response.content_length = size
        disposition = "attachment" if as_attachment else "inline"
        ascii_name = secure_filename(download_name) or "file"
        response.headers["Content-Disposition"] = (
            f"{disposition}; filename={ascii_name}; filename*=UTF-8''{quote(download_name)}"
        )
        if max_age is not None:
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
        response.headers["ETag"] = f'"{key}"'  # keys are never reused for other bytes
        return response


def build(app: Flask) -> Store:
    backend = str(app.config.get("UPLOAD_STORE") or "local").lower()
    if backend == "local":
        return LocalStore(app.config["UPLOAD_FOLDER"])
    if backend == "s3":
        config = app.config
        return S3Store(bucket=config.get("S3_BUCKET") or "", prefix=config.get("S3_PREFIX") or "",
                       endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
                       access_key=config.get("S3_ACCESS_KEY_ID"), secret_key=config.get("S3_SECRET_ACCESS_KEY"))
    raise RuntimeError(f"UPLOAD_STORE must be 'local' or 's3', not {backend!r}")


def get_store(app: Flask | None = None) -> Store:
    """The app's store, built on first use from the settings."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_EXTENSION)
    config_key = (app.config.get("UPLOAD_STORE"), app.config.get("UPLOAD_FOLDER"), app.config.get("S3_BUCKET"),
                  app.config.get("S3_ENDPOINT_URL"), app.config.get("S3_PREFIX"))
    if store is None or store[0] != config_key:
        store = (config_key, build(app))
        app.extensions[_EXTENSION] = store
    return store[1]

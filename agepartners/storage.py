"""Where uploaded files live: one setting, ``FILES_URL``, chooses a local folder or
S3-compatible object storage, for private files (``storages["private"]``: documents,
meeting attachments and photos) and public media (``storages["default"]``: logos, news
images) alike. Code reads and writes files only through the storage API, so it runs
unchanged on both.

Private downloads stream through the portal (see docs/deploy.md for why, rather than a
redirect to a signed URL): ``ObjectStorage._open`` returns the object's body as it comes,
without the spooled copy django-storages would make first.

Any failure to reach the store becomes :class:`StorageUnavailable`, which
``agepartners.middleware.StorageUnavailableMiddleware`` answers with one clear page (503)
instead of a 500.
"""
from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from django.core.files.base import File
from django.core.files.storage import Storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class StorageUnavailable(Exception):
    """The file store cannot be reached (or refuses the portal): nothing was stored or read.

    Deliberately not an ``OSError``: views that turn a missing file into a 404 must not
    hide an outage behind "not found"."""


# --- The storages -------------------------------------------------------------------------


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError, Boto3Error)


def _translated(method: F) -> F:
    """Store errors become StorageUnavailable; a missing object stays FileNotFoundError."""

    @functools.wraps(method)
    def wrapper(self: Storage, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _unavailable_errors() as error:
            if _is_not_found(error):
                raise FileNotFoundError(str(args[0]) if args else "") from error
            log.warning("File store %s unavailable: %s", getattr(self, "endpoint_url", ""), error)
            raise StorageUnavailable(str(error)) from error

    return cast(F, wrapper)


def _is_not_found(error: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(error, ClientError) and (
        error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
        or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404
    )


class StreamedObject(File):
    """An object's body read as it arrives from the store: FileResponse sends each chunk on
    without holding the whole file in the web process."""

    def __init__(self, body: Any, name: str, size: int) -> None:
        super().__init__(body, name)
        self.size = size  # from the store's answer: File would seek to the end to learn it

    def seekable(self) -> bool:
        return False

    def read(self, *args: Any) -> bytes:
        body = self.file
        assert body is not None  # set in __init__, never closed before FileResponse is done
        try:
            return cast(bytes, body.read(*args))
        except _unavailable_errors() as error:
            raise StorageUnavailable(str(error)) from error

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while data := self.read(chunk_size or self.DEFAULT_CHUNK_SIZE):
            yield data


class ObjectStorage(S3Storage):
    """django-storages' S3Storage with the portal's error translation and streamed reads."""

    def _open(self, name: str, mode: str = "rb") -> File:
        if "r" not in mode or "+" in mode:
            return cast(File, _translated(S3Storage._open)(self, name, mode))
        key = self._normalize_name(clean_name(name))
        response = _translated(lambda storage, key: storage.bucket.Object(key).get())(self, key)
        return StreamedObject(response["Body"], name, int(response.get("ContentLength") or 0))

    _save = _translated(S3Storage._save)
    delete = _translated(S3Storage.delete)
    exists = _translated(S3Storage.exists)
    size = _translated(S3Storage.size)
    listdir = _translated(S3Storage.listdir)

    def check(self) -> None:
        """Reachable, the credentials accepted, the bucket there; else StorageUnavailable."""
        _translated(lambda storage: storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name))(self)


class PrivateObjectStorage(ObjectStorage):
    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise ValueError("Private files have no public URL; use the download view.")


def check_storage(storage: Storage) -> None:
    """Raise StorageUnavailable unless the store answers (/healthz)."""
    check = getattr(storage, "check", None)
    if check is not None:
        check()
        return
    location = getattr(storage, "location", None)
    if location is not None and not (os.path.isdir(location) and os.access(location, os.W_OK)):
        # A folder that is not there yet is fine as long as it can be made at the first upload.
        parent = Path(location)
        while not parent.exists():
            parent = parent.parent
        if not os.access(parent, os.W_OK):
            raise StorageUnavailable(f"{location} is not writable")

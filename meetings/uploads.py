"""What a meeting file really is, decided from its content, never from its name.

A photo must open in Pillow as a JPEG, PNG, GIF or WebP image; a document must start
like a PDF, an office file or an image. Whatever the upload calls itself, the stored
name gets the extension of what was found, and downloads carry that type.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
# Legacy Office files share one container format; their extension picks among these only.
OLE = {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}


@dataclass(frozen=True)
class Detected:
    content_type: str
    size: int
    safe_name: str


def max_bytes() -> int:
    return int(getattr(settings, "MEETING_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_filename(name: str, extension: str) -> str:
    """A file name safe in a Content-Disposition header, with the extension of the real type."""
    stem = PurePath(name.replace("\\", "/")).name
    stem = PurePath(stem).stem if PurePath(stem).suffix else stem
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[\x00-\x1f\x7f\"/\\:*?<>|;]+", " ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .") or "file"
    return f"{stem[:120]}{extension}"


def _image(upload: IO[bytes]) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                fmt = img.format
                img.verify()
    except Exception:  # Pillow raises many types for content that is not an image
        return None
    finally:
        upload.seek(0)
    return IMAGE_TYPES.get(fmt or "")


def _document(upload: IO[bytes], name: str) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in ODF:
                        return mimetype, ODF[mimetype]
                if "[Content_Types].xml" in names:
                    for prefix, found in OOXML.items():
                        if any(n.startswith(prefix) for n in names):
                            return found
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        extension = PurePath(name).suffix.lower()
        if extension in OLE:
            return OLE[extension], extension
        return None
    return _image(upload)


def inspect_upload(upload: Any, kind: str) -> Detected:
    """Check an uploaded file; raise ValidationError with a message the uploader understands."""
    name = getattr(upload, "name", "") or "file"
    display = PurePath(name).name
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": display}, code="empty")
    if size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(max)s. Please make it smaller (for photos: fewer pixels) and upload it again.")
            % {"name": display, "size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            code="too_big",
        )
    if kind == "photo":
        found = _image(upload)
        if found is None:
            raise ValidationError(
                _("“%(name)s” is not a photo we can show. Please upload a JPEG, PNG, GIF or WebP image.") % {"name": display},
                code="bad_type",
            )
    else:
        found = _document(upload, name)
        if found is None:
            raise ValidationError(
                _("“%(name)s” is not a file type we accept. Please upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or an image.")
                % {"name": display},
                code="bad_type",
            )
    content_type, extension = found
    return Detected(content_type=content_type, size=size, safe_name=safe_filename(name, extension))

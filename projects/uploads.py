"""The one upload policy of the portal: shared documents and meeting files alike.

- Size: at most ``settings.UPLOAD_MAX_MB`` (``UPLOAD_MAX_MB`` in the environment).
- Type: judged by content, never by the name or by what the browser claims. A name that
  ends in an allowed extension must hold that kind of file (a "report.pdf" that is text is
  a mistake the partner can fix); a name without an extension gets the one of its content.
  A photo must open in Pillow as a JPEG, PNG, GIF or WebP image, whatever it is called.
- Name: ``clean_file_name`` flattens what the uploader's computer called the file into a
  name that is safe to show and to offer for download; files are stored under random names.
- Storage: ``storages["private"]`` (the STORAGES setting), outside MEDIA_ROOT, so issue 17
  can move it to S3 by configuration. Files are read and written through the storage API
  only; nothing serves them except the permission-checked download views.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str | Promise  # how a partner calls the format, for messages


_TYPES = {t.extension: t for t in (
    FileType("pdf", "application/pdf", "PDF"),
    FileType("doc", "application/msword", "Word"),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    FileType("xls", "application/vnd.ms-excel", "Excel"),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    FileType("ppt", "application/vnd.ms-powerpoint", "PowerPoint"),
    FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
    FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument"),
    FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument"),
    FileType("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument"),
    FileType("txt", "text/plain; charset=utf-8", gettext_lazy("plain text")),
    FileType("csv", "text/csv; charset=utf-8", "CSV"),
    FileType("md", "text/markdown; charset=utf-8", "Markdown"),
    FileType("png", "image/png", "PNG"),
    FileType("jpg", "image/jpeg", "JPEG"),
    FileType("jpeg", "image/jpeg", "JPEG"),
    FileType("gif", "image/gif", "GIF"),
    FileType("webp", "image/webp", "WebP"),
)}
ALLOWED_EXTENSIONS = tuple(_TYPES)
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of the legacy Office formats
_OOXML_DIR = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF = {_TYPES[ext].content_type: ext for ext in ("odt", "ods", "odp")}
_TEXT = ("txt", "csv", "md")
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe)", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # clean, with the extension of what the content is
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def allowed_extensions_text() -> str:
    return ", ".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


def clean_file_name(name: str) -> str:
    """A file name safe to store and to offer for download: no directories, no control
    or reserved characters, no leading dots, at most 150 characters; letters of every
    language stay (Latvian, Hungarian… names are common)."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[\\/:*?"<>|;]+', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = _split(name)
    stem = stem.strip(" ._")[: 150 - len(ext) - 1].rstrip(" .") or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def _split(name: str) -> tuple[str, str]:
    """("report", "pdf") for "report.pdf"; ("notes", "") for a name without a dot."""
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot else (name, "")


def image_format(upload: IO[bytes]) -> str | None:
    """Pillow's name of the picture in ``upload`` ("JPEG", "TIFF"…), or None for what is no
    picture (or a decompression bomb); the news cover check shares it."""
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
    return fmt


def _zip_type(upload: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _ODF.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                return next((ext for prefix, ext in _OOXML_DIR.items() if any(n.startswith(prefix) for n in names)), None)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        pass
    finally:
        upload.seek(0)
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head or _HTML_START.match(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4  # a multi-byte character cut by the 8 KiB window is still text
    return True


def _real_extension(upload: IO[bytes], claimed: str) -> str | None:
    """The extension of what the content is, or None. Text has no signature and the
    legacy Office formats share one: for those the name's extension ``claimed`` decides
    among the formats the content allows."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    if head.startswith(_OLE2):
        return claimed if claimed in ("doc", "xls", "ppt") else None
    found = PHOTO_FORMATS.get(image_format(upload) or "")
    if found is None and claimed in _TEXT and _is_text(head):
        return claimed
    return found


def check_upload(upload: File, *, photo: bool = False) -> CheckedUpload:
    """What the upload really is, or ValidationError with a message that tells the partner
    what to do."""
    name = clean_file_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; files may be at most %(limit)s. Please compress it or split it.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    stem, claimed = _split(name)  # the clean name's extension is in lower case
    canonical = "jpg" if claimed == "jpeg" else claimed
    found = _real_extension(upload, claimed)
    if photo:
        # Phones and cameras often misname their pictures; the content names the photo.
        if found not in PHOTO_FORMATS.values():
            raise ValidationError(
                _("“%(name)s” is not a photo we can show. Please upload a JPEG, PNG, GIF or WebP image.") % {"name": name},
                code="not_a_photo",
            )
    elif claimed not in _TYPES and (claimed or found is None):
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be shared here. Allowed types: %(allowed)s.")
            % {"ext": f".{claimed}" if claimed else _("no extension"), "allowed": allowed_extensions_text()},
            code="type",
        )
    elif claimed and found != canonical:
        raise ValidationError(
            _("The content of “%(name)s” is not a %(label)s file, although its name ends in .%(ext)s. "
              "Please save it in that format again and upload it once more.")
            % {"name": name, "label": _TYPES[claimed].label, "ext": claimed},
            code="content",
        )
    assert found is not None  # every other case was refused above
    if found != canonical:
        name = f"{stem}.{found}"
    return CheckedUpload(name=name, content_type=_TYPES[found].content_type, size=size)


class PrivateFileSystemStorage(FileSystemStorage):
    """The folder of uploaded documents and meeting files: outside MEDIA_ROOT, so nothing
    serves them except the download views that check permissions first."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; use the download view.")


def private_storage() -> Storage:
    """The storage of FileFields holding uploads (a callable, so migrations name this
    function rather than a backend)."""
    return storages["private"]

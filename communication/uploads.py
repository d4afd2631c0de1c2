"""What may be uploaded as a shared document, judged by content, not by name.

A file passes when its extension is on the list *and* its first bytes (or, for the
zip-based office formats, its inner structure) say it is what the extension claims.
The type a browser sends is ignored: the download is served with the type found here.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def max_upload_bytes() -> int:
    return int(getattr(settings, "COMMUNICATION_MAX_UPLOAD_MB", 20)) * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: object  # str or lazy translation


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TYPES = {
    "pdf": FileType("pdf", "application/pdf", "PDF"),
    "doc": FileType("doc", "application/msword", "Word"),
    "docx": FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "xls": FileType("xls", "application/vnd.ms-excel", "Excel"),
    "xlsx": FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "ppt": FileType("ppt", "application/vnd.ms-powerpoint", "PowerPoint"),
    "pptx": FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
    "odt": FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument"),
    "ods": FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument"),
    "odp": FileType("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument"),
    "txt": FileType("txt", "text/plain; charset=utf-8", gettext_lazy("plain text")),
    "csv": FileType("csv", "text/csv; charset=utf-8", "CSV"),
    "md": FileType("md", "text/markdown; charset=utf-8", "Markdown"),
    "png": FileType("png", "image/png", "PNG"),
    "jpg": FileType("jpg", "image/jpeg", "JPEG"),
    "jpeg": FileType("jpeg", "image/jpeg", "JPEG"),
}
ALLOWED_EXTENSIONS = tuple(_TYPES)
_OOXML_DIR = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe)", re.IGNORECASE)


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
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip(" ._")[: 150 - len(ext) - 1].rstrip(" .") or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _zip_members(upload: IO[bytes]) -> tuple[list[str], bytes]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return [], b""
    finally:
        upload.seek(0)


def _content_matches(ext: str, upload: IO[bytes]) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in ("doc", "xls", "ppt"):
        return head.startswith(_OLE2)
    if ext in _OOXML_DIR:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names, _mimetype = _zip_members(upload)
        return "[Content_Types].xml" in names and any(n.startswith(_OOXML_DIR[ext]) for n in names)
    if ext in ("odt", "ods", "odp"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        _names, mimetype = _zip_members(upload)
        return mimetype.decode("ascii", "replace").strip() == _TYPES[ext].content_type
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in ("txt", "csv", "md"):
        if b"\x00" in head or _HTML_START.match(head):
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut by the 8 KiB window is still text.
            if exc.start < len(head) - 4:
                return False
        return True
    return False


def check_upload(upload: object) -> FileType:
    """Return the verified type of an uploaded file, or raise ValidationError with a
    message that tells the partner what to do."""
    name = clean_file_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; files may be at most %(limit)s. Please compress it or split it.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    ext = _extension(name)
    if ext not in _TYPES:
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be shared here. Allowed types: %(allowed)s.")
            % {"ext": f".{ext}" if ext else _("no extension"), "allowed": allowed_extensions_text()},
            code="type",
        )
    if not _content_matches(ext, upload):  # type: ignore[arg-type]
        raise ValidationError(
            _("The content of “%(name)s” is not a %(label)s file, although its name ends in .%(ext)s. "
              "Please save it in that format again and upload it once more.")
            % {"name": name, "label": _TYPES[ext].label, "ext": ext},
            code="content",
        )
    return _TYPES[ext]


def content_type_for(file_name: str) -> str:
    file_type = _TYPES.get(_extension(file_name))
    return file_type.content_type if file_type else "application/octet-stream"

"""What a file really is, from its first bytes: never from its name or the type the browser claims.

Pure functions, no Flask, no database.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from commission.errors import RuleBroken


@dataclass(frozen=True)
class FileKind:
    name: str              # what people call it
    content_type: str      # what we send back when it is downloaded
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
PNG = FileKind("PNG picture", "image/png", (".png",))
JPEG = FileKind("JPEG picture", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileKind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
KINDS = (PDF, PNG, JPEG, DOCX)
ACCEPTED = "a PDF, a Word document (.docx), or a PNG or JPEG picture"
MAX_NAME_LENGTH = 200


def sniff(data: bytes) -> FileKind | None:
    """The kind of file these bytes are, or None if they are none of the kinds we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04") and _is_word_document(data):
        return DOCX
    return None


def _is_word_document(data: bytes) -> bool:
    # Only the zip's directory is read; nothing is unpacked, so a zip bomb costs nothing.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def clean_filename(filename: str | None) -> str:
    """The file's own name, without any folder, control characters or odd spacing."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    if not name:
        raise RuleBroken("The file has no name. Give it a name and try again.")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:MAX_NAME_LENGTH - len(extension) - 1] + "." + extension) if dot else name[:MAX_NAME_LENGTH]
    return name


def extension(filename: str) -> str:
    _stem, dot, ext = filename.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def identify(filename: str, data: bytes) -> FileKind:
    """The file's kind, if its bytes are one we accept and its name says the same thing."""
    kind = sniff(data)
    if kind is None:
        raise RuleBroken(f"We cannot accept ‘{filename}’. It is not {ACCEPTED}, whatever its name says. "
                         f"Save it as one of those and try again.")
    ext = extension(filename)
    if ext not in kind.extensions:
        claimed = next((k for k in KINDS if ext in k.extensions), None)
        if claimed is not None:
            raise RuleBroken(f"‘{filename}’ is called a {claimed.name} but it is really a {kind.name}. "
                             f"Rename it to end in {kind.extensions[0]}, or save it as a {claimed.name}, "
                             f"and try again.")
        raise RuleBroken(f"‘{filename}’ is a {kind.name}, so its name must end in {kind.extensions[0]}. "
                         f"Rename it and try again.")
    return kind


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} bytes"

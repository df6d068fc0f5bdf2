"""What may be uploaded: size limit, allowed types, and the content type of a file.

The content type comes from the explicit ``ContentType``, else from the name's
extension, else from the first bytes (magic numbers); when all three fail the
upload stops with :class:`ContentTypeUnknownError` before any network call.

Examples
--------
>>> content_type_for_name("Report.PDF")
'application/pdf'
>>> sniff_content_type(b"\\x89PNG\\r\\n\\x1a\\n....")
'image/png'
"""

from __future__ import annotations

import codecs
import mimetypes
from typing import Optional

from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    ContentTypeUnknownError,
    InvalidAttachmentNameError,
)

#: Bytes read from the start of a file to sniff its type.
SNIFF_BYTES = 64 * 1024
#: The service's AttachmentName length limit.
MAX_NAME_LENGTH = 256

#: The MIME types Amazon Connect expects for its documented extensions.
CONTENT_TYPES_BY_EXTENSION: dict[str, str] = {
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "heic": "image/heic",
    "jfif": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "mov": "video/quicktime",
    "mp4": "video/mp4",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "wav": "audio/wav",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_EXTENSIONS_BY_CONTENT_TYPE: dict[str, set[str]] = {}
for _extension, _content_type in CONTENT_TYPES_BY_EXTENSION.items():
    _EXTENSIONS_BY_CONTENT_TYPE.setdefault(_content_type, set()).add(_extension)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "application/msword"),
    ("Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
    ("PowerPoint Document".encode("utf-16-le"), "application/vnd.ms-powerpoint"),
)
_ZIP_PARTS = (
    (b"word/", CONTENT_TYPES_BY_EXTENSION["docx"]),
    (b"xl/", CONTENT_TYPES_BY_EXTENSION["xlsx"]),
    (b"ppt/", CONTENT_TYPES_BY_EXTENSION["pptx"]),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_TEXT_CONTROLS = {9, 10, 12, 13}


def extension_of(name: str) -> Optional[str]:
    """Lower-case extension of ``name`` without the dot, or ``None``.

    Examples
    --------
    >>> extension_of("photo.JPG"), extension_of("README"), extension_of(".profile")
    ('jpg', None, None)
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem.strip(".") or not extension:
        return None
    return extension.lower()


def content_type_for_name(name: str) -> Optional[str]:
    """The MIME type for ``name``'s extension (Connect's table first, then the platform's)."""
    extension = extension_of(name)
    if extension is None:
        return None
    known = CONTENT_TYPES_BY_EXTENSION.get(extension)
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type("file." + extension, strict=False)
    return guessed


def sniff_content_type(head: bytes) -> Optional[str]:
    """Guess a MIME type from the first bytes of a file (magic numbers), or ``None``.

    Recognises the documented Connect types: PDF, PNG, JPEG, WAV, MP4, MOV, HEIC,
    RTF, legacy Office (doc/xls/ppt), Office Open XML (docx/xlsx/pptx) and text.

    Examples
    --------
    >>> sniff_content_type(b"%PDF-1.7 ...")
    'application/pdf'
    >>> sniff_content_type(b"plain words\\n") , sniff_content_type(b"\\x00\\x01\\x02")
    ('text/plain', None)
    """
    if not head:
        return None
    simple = _sniff_signature(head)
    if simple is not None:
        return simple
    if head.startswith(_OLE2_MAGIC):
        return _first_marker(head, _OLE2_STREAMS)
    if head.startswith(b"PK\x03\x04"):
        return _first_marker(head, _ZIP_PARTS)
    return "text/plain" if _looks_like_text(head) else None


def _sniff_signature(head: bytes) -> Optional[str]:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in _HEIF_BRANDS:
            return "image/heic"
        return "video/mp4"
    return None


def _first_marker(head: bytes, markers: tuple[tuple[bytes, str], ...]) -> Optional[str]:
    found = [(head.find(marker), content_type) for marker, content_type in markers]
    present = [(position, content_type) for position, content_type in found if position >= 0]
    return min(present)[1] if present else None


def _looks_like_text(head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ord(char) >= 32 or ord(char) in _TEXT_CONTROLS for char in text) and (
        "\x7f" not in text
    )


def check_name(name: object) -> str:
    """Return ``name`` if the service would accept it as AttachmentName, else raise."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidAttachmentNameError(f"AttachmentName must be a non-empty string, got {name!r}")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidAttachmentNameError(
            f"AttachmentName is {len(name)} characters; the service accepts at most "
            f"{MAX_NAME_LENGTH}"
        )
    return name


def check_size(size: int, config: TransferConfig) -> None:
    """Raise when ``size`` exceeds ``config.max_size_bytes`` (callers refuse empty files)."""
    if size > config.max_size_bytes:
        raise AttachmentTooLargeError(size=size, limit=config.max_size_bytes)


def resolve_content_type(
    *, name: str, explicit: Optional[str], head: bytes, config: TransferConfig
) -> str:
    """Choose and check the content type of an upload named ``name`` starting with ``head``.

    Raises ``AttachmentTypeNotAllowedError`` when the extension (or, for names
    without one, the content type) is not allowed by ``config``, and
    ``ContentTypeUnknownError`` when nothing tells the type.
    """
    if explicit is not None and (not isinstance(explicit, str) or not explicit.strip()):
        raise ContentTypeUnknownError(f"ContentType must be a non-empty string, got {explicit!r}")
    extension = extension_of(name)
    allowed = config.allowed_extensions
    if allowed is not None and extension is not None and extension not in allowed:
        raise AttachmentTypeNotAllowedError(
            f"attachments of type .{extension} are not allowed; allowed: "
            f"{', '.join(sorted(allowed))} (configure TransferConfig(allowed_extensions=...))"
        )
    content_type = explicit or content_type_for_name(name) or sniff_content_type(head)
    if content_type is None:
        raise ContentTypeUnknownError(
            f"cannot tell the content type of {name!r} from its name or its first bytes; "
            "pass ContentType='...'"
        )
    if allowed is not None and extension is None:
        essence = content_type.split(";", 1)[0].strip().lower()
        if not (_EXTENSIONS_BY_CONTENT_TYPE.get(essence, set()) & allowed):
            raise AttachmentTypeNotAllowedError(
                f"{name!r} has no extension and its content type {essence} is not among the "
                "allowed types (configure TransferConfig(allowed_extensions=...))"
            )
    return content_type

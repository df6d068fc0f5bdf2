"""Content types, allowed types, and safe file names from untrusted attachment names."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boto3_connectparticipant_ext.transfer import (
    AttachmentTypeNotAllowedError,
    ContentTypeUnknownError,
    TransferConfig,
)
from boto3_connectparticipant_ext.transfer.limits import (
    CONTENT_TYPES_BY_EXTENSION,
    content_type_for_name,
    extension_of,
    resolve_content_type,
    sniff_content_type,
)
from boto3_connectparticipant_ext.transfer.naming import safe_file_name

ZIP_HEADER = b"PK\x03\x04" + b"\x14\x00" * 12
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"{\\rtf1\\ansi", "application/rtf"),
        (
            ZIP_HEADER + b"[Content_Types].xml....word/document.xml",
            CONTENT_TYPES_BY_EXTENSION["docx"],
        ),
        (
            ZIP_HEADER + b"[Content_Types].xml....xl/workbook.xml",
            CONTENT_TYPES_BY_EXTENSION["xlsx"],
        ),
        (ZIP_HEADER + b"ppt/presentation.xml", CONTENT_TYPES_BY_EXTENSION["pptx"]),
        (ZIP_HEADER + b"other/file.bin", None),
        (OLE2 + "WordDocument".encode("utf-16-le"), "application/msword"),
        (OLE2 + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
        (OLE2 + "PowerPoint Document".encode("utf-16-le"), "application/vnd.ms-powerpoint"),
        (OLE2, None),
        ("name,price\nthé,1\n".encode(), "text/plain"),
        ("truncated multibyte é".encode()[:-1], "text/plain"),
        (b"\x00\x01\x02\x03binary", None),
        (b"", None),
    ],
)
def test_sniffing(head: bytes, expected: str | None) -> None:
    assert sniff_content_type(head) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.PDF", "pdf"), ("archive.tar.gz", "gz"), (".hidden", None), ("noext", None), ("x.", None)],
)
def test_extension_of(name: str, expected: str | None) -> None:
    assert extension_of(name) == expected


def test_every_documented_extension_has_a_content_type() -> None:
    config = TransferConfig()
    assert config.allowed_extensions == frozenset(CONTENT_TYPES_BY_EXTENSION)
    for extension in config.allowed_extensions or ():
        assert content_type_for_name("f." + extension) == CONTENT_TYPES_BY_EXTENSION[extension]


def test_resolution_order_explicit_then_name_then_bytes() -> None:
    config = TransferConfig()
    pdf = b"%PDF-1.7"
    assert (
        resolve_content_type(name="a.png", explicit="image/x", head=pdf, config=config) == "image/x"
    )
    assert resolve_content_type(name="a.png", explicit=None, head=pdf, config=config) == "image/png"
    assert (
        resolve_content_type(name="a", explicit=None, head=pdf, config=config) == "application/pdf"
    )
    with pytest.raises(ContentTypeUnknownError):
        resolve_content_type(name="a", explicit=None, head=b"\x00\x01", config=config)
    with pytest.raises(ContentTypeUnknownError):
        resolve_content_type(name="a.pdf", explicit="", head=pdf, config=config)


def test_allowed_types_apply_to_extensions_and_to_sniffed_types() -> None:
    only_pdf = TransferConfig(allowed_extensions={".PDF"})
    with pytest.raises(AttachmentTypeNotAllowedError):
        resolve_content_type(name="a.png", explicit=None, head=b"", config=only_pdf)
    with pytest.raises(AttachmentTypeNotAllowedError):
        resolve_content_type(name="a", explicit=None, head=b"\x89PNG\r\n\x1a\n", config=only_pdf)
    assert resolve_content_type(name="A.Pdf", explicit=None, head=b"", config=only_pdf)
    anything = TransferConfig(allowed_extensions=None)
    assert resolve_content_type(name="a.exe", explicit="application/x", head=b"", config=anything)


WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(10)
}


def _check_safe(name: str) -> None:
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".")
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= 255
    assert name.split(".", 1)[0].strip().upper() not in WINDOWS_DEVICES
    assert not any(char in name for char in '<>:"|?*')
    assert all(ord(char) >= 32 for char in name)
    joined = os.path.normpath(os.path.join("/downloads", name))
    assert os.path.dirname(joined) == "/downloads"


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_remote_name_becomes_one_safe_file_name(remote: str) -> None:
    _check_safe(safe_file_name(remote))


@given(
    st.lists(
        st.sampled_from(["..", ".", "/", "\\", "C:", "CON", "nul", "com1", " ", "a", "\x00", "é"]),
        max_size=12,
    ).map("".join)
)
@settings(max_examples=300, deadline=None)
def test_hostile_fragments_never_escape(remote: str) -> None:
    _check_safe(safe_file_name(remote))


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_ ", min_size=1, max_size=60))
@settings(max_examples=100, deadline=None)
def test_ordinary_names_are_kept(stem: str) -> None:
    stem = stem.strip()
    if not stem or stem.split(".")[0].upper() in WINDOWS_DEVICES:
        return
    assert safe_file_name(stem + ".pdf") == stem + ".pdf"


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("/etc/passwd", "_etc_passwd"),
        ("C:\\Windows\\system32\\cmd.exe", "C__Windows_system32_cmd.exe"),
        ("..", "attachment"),
        ("LPT1.docx", "_LPT1.docx"),
        ("report.pdf.", "report.pdf"),
        ("a\u202egpj.exe", "agpj.exe"),
    ],
)
def test_examples(remote: str, expected: str) -> None:
    assert safe_file_name(remote) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_file_name("é" * 300 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode()) <= 255

"""Safe local file names from remote attachment names.

A remote ``AttachmentName`` is chosen by another chat participant, so it is
untrusted: it may hold ``../``, an absolute path, a Windows device name, control
characters or be too long. :func:`safe_file_name` turns any string into one
plain file name that stays inside the directory it is joined to.

Examples
--------
>>> safe_file_name("../../etc/passwd")
'___.._etc_passwd'
>>> safe_file_name("CON.txt"), safe_file_name("/abs/path.pdf"), safe_file_name("")
('_CON.txt', '_abs_path.pdf', 'attachment')
"""

from __future__ import annotations

import unicodedata

FALLBACK_NAME = "attachment"
MAX_NAME_BYTES = 255
_FORBIDDEN = set('<>:"/\\|?*')
_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"COM{digit}" for digit in "0123456789¹²³"}
    | {f"LPT{digit}" for digit in "0123456789¹²³"}
)


def safe_file_name(remote_name: str) -> str:
    """Return a single, harmless file name derived from ``remote_name``.

    Path separators and the characters Windows forbids become ``_``; control
    and format characters are dropped; leading dots become ``_`` (no hidden
    files, never ``.`` or ``..``); trailing dots and spaces go; device names
    (``CON``, ``NUL``, ``COM1``...) get a ``_`` prefix; the result fits in 255
    UTF-8 bytes, keeping its extension. An empty result becomes ``attachment``.
    """
    text = unicodedata.normalize("NFC", str(remote_name))
    chars = []
    for char in text:
        if char in _FORBIDDEN:
            chars.append("_")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            continue
        else:
            chars.append(char)
    name = "".join(chars).strip().rstrip(". ")
    dots = len(name) - len(name.lstrip("."))
    name = "_" * dots + name[dots:]
    if not name:
        return FALLBACK_NAME
    if name.split(".", 1)[0].rstrip(" ").upper() in _DEVICE_NAMES:
        name = "_" + name
    return _fit(name)


def _fit(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 32:
        stem, extension = name, ""
    suffix = "." + extension if extension else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    encoded = stem.encode("utf-8")[:budget]
    shortened = encoded.decode("utf-8", errors="ignore").rstrip(". ") or FALLBACK_NAME
    return shortened + suffix

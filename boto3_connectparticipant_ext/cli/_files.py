"""Local files for ``cpx``: all-or-nothing output files and safe names for remote file names.

Attachment names come from whoever sent the attachment, so they are untrusted input: a name
like ``../../.bashrc`` or ``report\u202etxt.exe`` must not choose where or what we write.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_FALLBACK_NAME = "attachment"
_MAX_NAME_BYTES = 255
# Characters Windows forbids in names, plus both path separators.
_RESERVED_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
# Control characters and the Unicode direction overrides that can disguise an extension.
_INVISIBLE = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{index}" for index in range(1, 10)}
    | {f"LPT{index}" for index in range(1, 10)}
)


def safe_file_name(remote_name: str | None) -> str:
    """Return a harmless local file name for an attachment name chosen by someone else.

    Keeps only the last path component, drops control and direction-override characters,
    replaces characters that are reserved on any common file system, refuses hidden and device
    names and limits the length to 255 bytes while keeping the extension.

    Examples
    --------
    >>> safe_file_name("../../etc/passwd")
    'passwd'
    >>> safe_file_name("invoice\u202efdp.exe")
    'invoicefdp.exe'
    >>> safe_file_name("..")
    'attachment'
    >>> safe_file_name("CON.txt")
    '_CON.txt'
    """
    name = unicodedata.normalize("NFC", remote_name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _INVISIBLE.sub("", name)
    name = _RESERVED_CHARACTERS.sub("_", name)
    # Leading dots make hidden files (and "..");
    # trailing dots and spaces are silently dropped by Windows.
    name = name.strip().lstrip(".").rstrip(". ")
    if not name:
        return _FALLBACK_NAME
    stem = name.split(".", 1)[0]
    if stem.upper() in _WINDOWS_DEVICE_NAMES:
        name = "_" + name
    return _truncate(name)


def _truncate(name: str) -> str:
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode("utf-8")) > 16:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    clipped = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return clipped + suffix


def unique_path(directory: Path, name: str, *, taken: set[str]) -> Path:
    """Return ``directory/name``, or ``name (1).ext``... when that exists or is in ``taken``.

    ``taken`` collects the names handed out in this run (files not yet created) and is updated.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> used: set[str] = set()
    >>> unique_path(folder, "a.txt", taken=used).name, unique_path(folder, "a.txt", taken=used).name
    ('a.txt', 'a (1).txt')
    """
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    candidate = name
    counter = 0
    while candidate in taken or (directory / candidate).exists():
        counter += 1
        candidate = (
            _truncate(f"{stem} ({counter})") if not suffix else f"{stem} ({counter}){suffix}"
        )
    taken.add(candidate)
    return directory / candidate


@contextlib.contextmanager
def atomic_output(path: Path, *, mode: str = "w") -> Iterator[IO[str]]:
    """Write ``path`` all at once: into a temporary file beside it, renamed into place on success.

    On any error (or Ctrl-C) the temporary file is removed and an existing ``path`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_output(target) as handle:
    ...     _ = handle.write("hello")
    >>> target.read_text()
    'hello'
    """
    directory = path.parent
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".cpx-partial", dir=directory
    )
    try:
        with os.fdopen(descriptor, mode, encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_permissions_of(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _keep_permissions_of(existing: Path, temporary: str) -> None:
    # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the umask default.
    try:
        mode = existing.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)

"""Local files for ``cpx``: all-or-nothing output files and collision-free names.

Remote attachment names are made safe by ``transfer.naming.safe_file_name`` before they reach
:func:`unique_path`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def unique_path(
    directory: Path, name: str, *, taken: set[str], avoid_existing: bool = True
) -> Path:
    """Return ``directory/name``, or ``name (1).ext``... when that is in ``taken`` or exists.

    ``taken`` collects the names handed out in this run (files not yet created) and is updated.
    With ``avoid_existing=False`` only ``taken`` counts (existing files may be replaced).

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
    while candidate in taken or (avoid_existing and (directory / candidate).exists()):
        counter += 1
        marker = f" ({counter}){suffix}"
        # Keep within the usual 255-byte name limit by shortening the stem, not the suffix.
        budget = 255 - len(marker.encode("utf-8"))
        candidate = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore") + marker
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

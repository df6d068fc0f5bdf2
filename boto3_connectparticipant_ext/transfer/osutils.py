"""The operating-system layer of transfers, injectable so tests can record or break it.

Every file-system call, clock read and sleep of the transfer engine goes
through an :class:`OSUtils`; tests pass a subclass that records calls or fails
on purpose (``osutil=`` on the plain functions).

Examples
--------
>>> import tempfile, os
>>> osutil = OSUtils()
>>> with tempfile.TemporaryDirectory() as directory:
...     handle, temporary = osutil.create_temp_file(directory=directory, hint="report.pdf")
...     handle.write(b"data")
...     handle.close()
...     target = os.path.join(directory, "report.pdf")
...     osutil.commit(temporary, target, overwrite=False)
...     osutil.file_size(target)
4
4
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import os
import secrets
import time
from typing import BinaryIO, cast

from boto3_connectparticipant_ext.transfer.errors import TargetExistsError

TEMP_SUFFIX = ".cpx-part"


class OSUtils:
    """Files, clock and sleep, as the transfer engine uses them."""

    def file_size(self, path: str) -> int:
        return os.stat(path).st_size

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def open_for_read(self, path: str) -> BinaryIO:
        return open(path, "rb")

    def create_temp_file(self, *, directory: str, hint: str) -> tuple[BinaryIO, str]:
        """Create a hidden temporary file in ``directory`` (so the final rename is atomic)."""
        prefix = "." + hint[:40] + "."
        # Not tempfile.mkstemp: its 0600 mode would stick to the downloaded file.
        # Mode 0666 through O_EXCL lets the umask decide, as for any new file.
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        for _ in range(100):
            path = os.path.join(directory, prefix + secrets.token_hex(8) + TEMP_SUFFIX)
            try:
                descriptor = os.open(path, flags, 0o666)
            except FileExistsError:
                continue
            return cast(BinaryIO, os.fdopen(descriptor, "w+b")), path
        raise FileExistsError(f"no free temporary name in {directory!r}")

    def flush_to_disk(self, handle: BinaryIO) -> None:
        """Write ``handle``'s data through to the disk (``fsync``)."""
        handle.flush()
        os.fsync(handle.fileno())

    def commit(self, temporary: str, target: str, *, overwrite: bool) -> None:
        """Move ``temporary`` to ``target`` atomically.

        Without ``overwrite`` an existing ``target`` is never replaced, even one
        created a moment ago by someone else: a hard link fails when the name is
        taken, where a check followed by a rename could race.
        """
        if overwrite:
            os.replace(temporary, target)
            return
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise TargetExistsError(
                f"{os.path.basename(target)!r} already exists in the target directory; "
                "pass Overwrite=True to replace it"
            ) from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # File systems without hard links: fall back to check-then-rename.
            if os.path.lexists(target):
                raise TargetExistsError(
                    f"{os.path.basename(target)!r} already exists in the target directory; "
                    "pass Overwrite=True to replace it"
                ) from None
            os.replace(temporary, target)
            return
        self.remove(temporary)

    def remove(self, path: str) -> None:
        """Remove ``path``; a file already gone is fine."""
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)

    def monotonic(self) -> float:
        return time.monotonic()

    def utcnow(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

"""The real OS layer: temporary files are atomic siblings with ordinary permissions."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.transfer.osutils import OSUtils


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_committed_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        handle, temporary = OSUtils().create_temp_file(directory=str(tmp_path), hint="a.pdf")
        with handle:
            handle.write(b"data")
        target = tmp_path / "a.pdf"
        OSUtils().commit(temporary, str(target), overwrite=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_bytes() == b"data"
    assert [path.name for path in tmp_path.iterdir()] == ["a.pdf"]


def test_temporary_names_do_not_collide(tmp_path: Path) -> None:
    names = set()
    for _ in range(50):
        handle, temporary = OSUtils().create_temp_file(directory=str(tmp_path), hint="x")
        handle.close()
        names.add(temporary)
    assert len(names) == 50
    assert all(Path(name).name.startswith(".x.") for name in names)

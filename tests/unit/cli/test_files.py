"""Atomic output files and collision-free names for ``cpx``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.cli._files import atomic_output, unique_path


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write("half of the new content")
        raise RuntimeError("export failed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]

    with atomic_output(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_output_new_file_gets_default_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "new.txt") as handle:
            handle.write("x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_unique_path_numbers_duplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("exists")
    taken: set[str] = set()
    names = [unique_path(tmp_path, "a.txt", taken=taken).name for _ in range(3)]
    assert names == ["a (1).txt", "a (2).txt", "a (3).txt"]
    assert unique_path(tmp_path, "README", taken=taken).name == "README"
    assert unique_path(tmp_path, "README", taken=taken).name == "README (1)"


def test_unique_path_may_reuse_existing_files_when_told(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("exists")
    taken: set[str] = set()
    assert unique_path(tmp_path, "a.txt", taken=taken, avoid_existing=False).name == "a.txt"
    assert unique_path(tmp_path, "a.txt", taken=taken, avoid_existing=False).name == "a (1).txt"


def test_unique_path_stays_within_the_name_limit(tmp_path: Path) -> None:
    long_name = "é" * 120 + ".txt"  # 244 bytes
    taken = {long_name}
    candidate = unique_path(tmp_path, long_name, taken=taken).name
    assert len(candidate.encode()) <= 255
    assert candidate.endswith(" (1).txt")

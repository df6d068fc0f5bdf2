"""Inside a matrix cell: the code under test is the installed package with the cell's pins.

pytest puts the repository root on ``sys.path`` (the test folders are packages), so without
care the source tree would shadow the installed wheel and the matrix would test the wrong files.
These checks run only where ``noxfile.py`` says which cell this is.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

import boto3_connectparticipant_ext
from boto3_connectparticipant_ext import model

CELL = os.environ.get("CPX_MATRIX_CELL")
REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(CELL is None, reason="only inside a nox matrix cell")


def _site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"]).resolve()


def test_the_package_comes_from_site_packages_not_the_source_tree() -> None:
    package_dir = Path(boto3_connectparticipant_ext.__file__).resolve().parent
    assert package_dir.parent == _site_packages(), (
        f"{CELL} imported boto3_connectparticipant_ext from {package_dir}, not from the cell's "
        f"site-packages ({_site_packages()}): the matrix would test the source tree"
    )
    assert package_dir != REPO_ROOT / "boto3_connectparticipant_ext"


def test_the_model_data_is_inside_the_installed_package() -> None:
    data = Path(model.data_path()).resolve()
    assert _site_packages() in data.parents, f"data_path() is {data}, outside site-packages"
    assert model.find_model_file([str(data)]) is not None


def test_the_pins_of_the_cell_are_what_runs() -> None:
    expected = (
        os.environ.get("CPX_MATRIX_BOTOCORE"),
        os.environ.get("CPX_MATRIX_BOTO3"),
        os.environ.get("CPX_MATRIX_WRAPT"),
    )
    assert (version("botocore"), version("boto3"), version("wrapt")) == expected


def test_no_bytecode_is_written() -> None:
    assert sys.dont_write_bytecode, "PYTHONDONTWRITEBYTECODE is not set in this cell"

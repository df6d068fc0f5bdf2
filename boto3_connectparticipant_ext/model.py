"""Where our connectparticipant model lives, and whether it or a newer one wins.

We ship botocore's newest connectparticipant model, marked unsigned, plus a
GetTranscript paginator. A botocore released after this package may bundle a
newer model (more operations, members or enum values); then that newer model
is used and only our paginator is added ("never a downgrade").

Examples
--------
>>> import os
>>> os.path.isdir(data_path())
True
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SERVICE_NAME = "connectparticipant"
API_VERSION = "2018-09-07"

_PACKAGE_DIR = Path(__file__).resolve().parent
_MODEL_FILES = ("service-2.json", "service-2.json.gz")


def data_path() -> str:
    """Return the directory to put on ``AWS_DATA_PATH`` (botocore's data layout).

    In an installed wheel the data sits inside the package; in a source
    checkout it is the repository's top-level ``data/``.

    Examples
    --------
    >>> import os
    >>> os.environ["AWS_DATA_PATH"] = data_path()  # before botocore loads the model
    """
    packaged = _PACKAGE_DIR / "data"
    if packaged.is_dir():
        return str(packaged)
    return str(_PACKAGE_DIR.parent / "data")


def paginators_only_path() -> str:
    """Return a data directory holding nothing but our GetTranscript paginator.

    Used in front of a newer bundled model, so that model is kept and the
    paginator still exists.
    """
    return str(_PACKAGE_DIR / "_paginators")


def _read_json(path: Path) -> Any:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(path.read_text(encoding="utf-8"))


def find_model_file(search_paths: Iterable[str]) -> Path | None:
    """Return the connectparticipant ``service-2`` file botocore would load first."""
    for root in search_paths:
        folder = Path(root) / SERVICE_NAME / API_VERSION
        for name in _MODEL_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _features(model: dict[str, Any]) -> Iterator[str]:
    """Yield one string per operation, shape member and enum value of a model."""
    for operation in model.get("operations", {}):
        yield f"operation:{operation}"
    for shape_name, shape in model.get("shapes", {}).items():
        for member in shape.get("members", {}):
            yield f"member:{shape_name}.{member}"
        for value in shape.get("enum", ()):
            yield f"enum:{shape_name}={value}"


@functools.lru_cache(maxsize=1)
def _our_features() -> frozenset[str]:
    ours = find_model_file([data_path()])
    if ours is None:  # pragma: no cover - a broken installation
        raise FileNotFoundError(f"our {SERVICE_NAME} model is missing under {data_path()}")
    return frozenset(_features(_read_json(ours)))


@functools.lru_cache(maxsize=16)
def _is_newer_than_ours(path: str, mtime_ns: int) -> bool:
    # ``mtime_ns`` is part of the cache key so an upgraded file is re-read.
    return not frozenset(_features(_read_json(Path(path)))) <= _our_features()


def other_model_is_newer(search_paths: Iterable[str]) -> bool:
    """Tell whether the model botocore would load without us has anything ours lacks.

    ``search_paths`` are a loader's search paths with ours left out.
    """
    found = find_model_file(search_paths)
    if found is None:
        return False
    return _is_newer_than_ours(str(found), os.stat(found).st_mtime_ns)


def missing_from_ours(search_paths: Iterable[str]) -> list[str]:
    """List what the model on ``search_paths`` has and ours lacks (for ``cpx doctor``)."""
    found = find_model_file(search_paths)
    if found is None:
        return []
    return sorted(frozenset(_features(_read_json(found))) - _our_features())

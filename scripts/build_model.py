#!/usr/bin/env python3
"""Regenerate ``data/`` from the installed botocore's connectparticipant model.

The shipped model is botocore's newest ``service-2`` for ``connectparticipant``
with two changes of ours:

* every operation is marked unsigned in the model itself, with both the legacy
  marker (``"authtype": "none"``, honoured by every botocore) and the Smithy one
  (``"auth": ["smithy.api#noAuth"]``, honoured from botocore 1.35.0);
* a GetTranscript paginator, which no botocore release has ever had.

Run ``python scripts/build_model.py`` to rewrite ``data/``, or
``python scripts/build_model.py --check`` to exit 1 when ``data/`` differs from
what this script would write (the test suite does the same in-process).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

SERVICE = "connectparticipant"
API_VERSION = "2018-09-07"
REPO_ROOT = Path(__file__).resolve().parent.parent

UNSIGNED_MARKERS: dict[str, Any] = {
    "authtype": "none",
    "auth": ["smithy.api#noAuth"],
}

PAGINATORS: dict[str, Any] = {
    "pagination": {
        "GetTranscript": {
            "input_token": "NextToken",
            "output_token": "NextToken",
            "limit_key": "MaxResults",
            "result_key": "Transcript",
        }
    }
}


def _read_json(path: Path) -> Any:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(path.read_text(encoding="utf-8"))


def bundled_model_path() -> Path:
    """Return the path of the installed botocore's own connectparticipant model."""
    import botocore

    folder = Path(botocore.__file__).parent / "data" / SERVICE / API_VERSION
    for name in ("service-2.json", "service-2.json.gz"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"botocore at {folder} has no {SERVICE} model")


def patch_model(model: dict[str, Any]) -> dict[str, Any]:
    """Return ``model`` with every operation marked unsigned."""
    patched: dict[str, Any] = json.loads(json.dumps(model))
    for operation in patched["operations"].values():
        operation.update(UNSIGNED_MARKERS)
    return patched


def dumps(document: Any) -> str:
    """Serialise a JSON document the one way this project writes them."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def render(source: Path) -> dict[str, str]:
    """Map each generated file (path relative to the repository) to its text.

    Besides ``data/``, the package carries a paginator-only data directory that
    is put in front of a newer bundled model (see ``model.paginators_only_path``).
    """
    import botocore

    model = _read_json(source)
    service_text = dumps(patch_model(model))
    folder = f"data/{SERVICE}/{API_VERSION}"
    paginator_only = f"boto3_connectparticipant_ext/_paginators/{SERVICE}/{API_VERSION}"
    provenance = {
        "source": "botocore (Apache-2.0), data/connectparticipant/2018-09-07",
        "botocore_version": botocore.__version__,
        "source_sha256": hashlib.sha256(dumps(model).encode("utf-8")).hexdigest(),
        "changes": [
            "every operation: authtype none and auth smithy.api#noAuth",
            "paginators-1.json: GetTranscript paginator",
        ],
    }
    return {
        f"{folder}/service-2.json": service_text,
        f"{folder}/paginators-1.json": dumps(PAGINATORS),
        f"{paginator_only}/paginators-1.json": dumps(PAGINATORS),
        "data/PROVENANCE.json": dumps(provenance),
    }


def differences(rendered: dict[str, str], root: Path = REPO_ROOT) -> list[str]:
    """Name each generated file under ``root`` whose text differs from ``rendered``."""
    return [
        relative
        for relative, text in rendered.items()
        if not (root / relative).exists() or (root / relative).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift")
    parser.add_argument("--source", type=Path, help="a service-2.json(.gz) to start from")
    args = parser.parse_args(argv)
    rendered = render(args.source or bundled_model_path())
    if args.check:
        drift = differences(rendered)
        for relative in drift:
            print(f"{relative} differs from what scripts/build_model.py produces")
        return 1 if drift else 0
    for relative, text in rendered.items():
        target = REPO_ROOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m boto3_connectparticipant_ext``: the ``cpx`` command."""

from __future__ import annotations

import sys

from boto3_connectparticipant_ext.cli import main

if __name__ == "__main__":
    sys.exit(main())

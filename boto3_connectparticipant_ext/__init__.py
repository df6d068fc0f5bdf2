"""boto3-connectparticipant-ext: Amazon Connect Participant Service done right from Python.

Importing this package changes nothing. Call :func:`install` to activate it.
"""

from __future__ import annotations

__version__ = "0.1.0"

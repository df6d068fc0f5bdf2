"""The package's version, in a module of its own so that any part can read it cheaply."""

from __future__ import annotations

__version__ = "0.1.0"

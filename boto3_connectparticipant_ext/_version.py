"""The package's version, importable without loading anything else (the transfer User-Agent)."""

from __future__ import annotations

__version__ = "0.1.0"

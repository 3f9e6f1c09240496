"""The project's one checksum: the hex SHA-256 of a file, read in chunks.

Manifests of reference tables and shared sources, the validation memo, data cards and
the site manifest all name files by this digest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_file"]

CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def __dir__() -> list[str]:
    return sorted(__all__)

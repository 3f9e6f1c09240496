"""How a render reads its case list: ``--encoding`` and ``--mapping``.

One :class:`Reading` goes to the three places that read the list, so that they agree:
the check before any kernel starts (``data.load_cases``), the protection of the site's
counts (``data.open_cases``) and every kernel (the environment variables
``paths.DATA_ENCODING_ENV`` and ``paths.DATA_MAPPING_ENV``). Pages that read a case
list also carry it in their fingerprint, so a change of either renders them again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import checksum, paths
from .config import RenderError

__all__ = ["Reading"]


@dataclass(frozen=True)
class Reading:
    """The text encoding of the case list and the mapping file it is read through;
    ``None`` for the defaults (UTF-8 or detected, the canonical column names)."""

    encoding: str | None = None
    mapping: Path | None = None

    @classmethod
    def of(cls, encoding: str | None = None, mapping: str | Path | None = None) -> Reading:
        """The reading a render was asked for; the environment variables (as a kernel
        would see them) stand in for an option not given. Raises :class:`RenderError`
        for a mapping file that is not there (what it says is checked with the data)."""
        encoding = encoding or os.environ.get(paths.DATA_ENCODING_ENV) or None
        mapping = mapping or os.environ.get(paths.DATA_MAPPING_ENV) or None
        if mapping is None:
            return cls(encoding, None)
        mapping = Path(mapping).expanduser().resolve()
        if not mapping.is_file():
            raise RenderError(f"--mapping {mapping}: no such file")
        return cls(encoding, mapping)

    def kwargs(self) -> dict:
        """For ``data.load_cases`` and ``data.open_cases``: ``mapping`` only when given."""
        out: dict = {"encoding": self.encoding}
        if self.mapping is not None:
            out["mapping"] = self.mapping
        return out

    def env(self) -> tuple[tuple[str, str], ...]:
        """The variables a kernel reads them from (none for the defaults)."""
        out = []
        if self.encoding:
            out.append((paths.DATA_ENCODING_ENV, self.encoding))
        if self.mapping is not None:
            out.append((paths.DATA_MAPPING_ENV, str(self.mapping)))
        return tuple(out)

    def fingerprint(self) -> dict:
        """What a page's fingerprint records: empty for the defaults (so sites rendered
        before these options existed stay current), else the encoding and the mapping
        file's checksum."""
        out = {}
        if self.encoding:
            out["encoding"] = self.encoding
        if self.mapping is not None:
            out["mapping"] = "sha256:" + checksum.sha256_file(self.mapping)
        return out

    def describe(self) -> str:
        parts = ([f"encoding {self.encoding}"] if self.encoding else []) + (
            [f"mapping {self.mapping.name}"] if self.mapping else [])
        return f" ({', '.join(parts)})" if parts else ""


def __dir__() -> list[str]:
    return sorted(__all__)

"""Mapping files (YAML): read one as a document, or fail with one clear problem."""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import ValidationError

__all__ = ["read_mapping_file"]


def read_mapping_file(path: Path, *, expected: str, scalars_as_text: bool = False) -> dict:
    """The document of the mapping file ``path``, which must be a YAML mapping.

    With ``scalars_as_text`` every scalar stays text (so ``Y``, ``No`` or ``01`` remain
    codes, not booleans or numbers). ``expected`` says what a document that is not a
    mapping should hold, for the error. Raises :class:`ValidationError` only.
    """
    def fail(message: str) -> ValidationError:
        return ValidationError.one(str(path), "mapping", message)

    if not path.is_file():
        raise fail("no such mapping file")
    loader = yaml.BaseLoader if scalars_as_text else yaml.SafeLoader
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise fail(f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    except UnicodeDecodeError:
        raise fail("not UTF-8 text") from None
    if not isinstance(doc, dict):
        raise fail(f"expected a mapping with {expected}")
    return doc


def __dir__() -> list[str]:
    return sorted(__all__)

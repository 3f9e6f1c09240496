"""How real files spell places and prosecutors, matched to the schema's categories.

:func:`jurisdictions` and :func:`agencies` take the distinct spellings found in a file
and give the canonical value of each they recognise (case, accents and punctuation
ignored; ``City of ...`` and common abbreviations accepted). A community of the City of
Los Angeles (:data:`analysis.schema.LA_CITY_COMMUNITIES`, ``VAN NUYS``) is read as
``Los Angeles``; :func:`communities` says which spellings were read so, for a warning.
"""

from __future__ import annotations

import re
import unicodedata

from . import schema

__all__ = ["agencies", "communities", "jurisdictions", "name_key"]


def name_key(text: str) -> str:
    """Lower-case, strip accents and punctuation, for matching names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9/]+", " ", plain.lower()).strip()


_COMMUNITY_LOOKUP = {name_key(c): c for c in schema.LA_CITY_COMMUNITIES} | {
    "n hollywood": "North Hollywood", "no hollywood": "North Hollywood",
    "w los angeles": "West Los Angeles", "west la": "West Los Angeles",
    "w hills": "West Hills", "pan city": "Panorama City",
}

_JURISDICTION_LOOKUP = {name_key(j): j for j in schema.JURISDICTIONS} | {
    "unincorporated": schema.UNINCORPORATED,
    "unincorporated la county": schema.UNINCORPORATED,
    "los angeles county": schema.UNINCORPORATED,
    "la county": schema.UNINCORPORATED,
    "city of industry": "Industry",
    "la": "Los Angeles",
    "city of los angeles": "Los Angeles",
}


def _key(value: str) -> str:
    key = name_key(value)
    known = key in _JURISDICTION_LOOKUP or key in _COMMUNITY_LOOKUP
    return key if known else re.sub(r"^city of ", "", key)


def jurisdictions(values: list[str]) -> dict[str, str]:
    """Each recognised spelling -> its jurisdiction (a community -> ``Los Angeles``)."""
    out = {}
    for value in values:
        key = _key(value)
        if key in _JURISDICTION_LOOKUP:
            out[value] = _JURISDICTION_LOOKUP[key]
        elif key in _COMMUNITY_LOOKUP:
            out[value] = "Los Angeles"
    return out


def communities(values: list[str]) -> dict[str, str]:
    """Each spelling of a community of the City of Los Angeles -> the community."""
    return {v: _COMMUNITY_LOOKUP[_key(v)] for v in values
            if _key(v) not in _JURISDICTION_LOOKUP and _key(v) in _COMMUNITY_LOOKUP}


def agencies(values: list[str]) -> dict[str, str]:
    """Each recognised spelling -> its prosecuting agency."""
    out = {}
    for value in values:
        key = name_key(value)
        if key in ("da", "lada", "district attorney", "district attorneys office",
                   "los angeles county district attorney", "la county district attorney"):
            out[value] = schema.DISTRICT_ATTORNEY
            continue
        for city in schema.CITY_PROSECUTOR_CITIES:
            # "Long Beach city prosecutor", "City Attorney of Los Angeles", "LA City Attorney"
            c = name_key(city)
            if (c in key or (city == "Los Angeles" and key.startswith("la "))) and (
                "attorney" in key or "prosecutor" in key
            ):
                out[value] = schema.city_prosecutor(city)
                break
    return out


def __dir__() -> list[str]:
    return sorted(__all__)

"""LA Cannabis Relief Analytics: the library behind the notebooks and the report site.

Researchers import the same functions the published reports use::

    import analysis
    cases = analysis.load_cases()          # the synthetic default, validated
    cases = analysis.load_cases("my.csv")  # a real list, validated the same way
"""

from __future__ import annotations

__version__ = "0.1.0"

from .data import describe_source, load_cases, open_cases  # noqa: E402

__all__ = ["__version__", "describe_source", "load_cases", "open_cases"]

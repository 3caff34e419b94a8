"""One word list per option, checked by one helper.

Every analysis function that takes a choice (missing-data handling, interval method,
language...) checks it with :func:`check_option` against the lists below, so the
spelling of each choice is the same across the package and the error lists every
valid value.
"""

from __future__ import annotations

from typing import Collection

from .errors import OptionError

MISSING = ("listwise", "pairwise")
CI_METHODS = ("feldt", "bootstrap", "none")
LANGUAGES = ("nl", "en")
SCOPES = ("national", "situation", "region")


def check_option(name: str, value: object, choices: Collection[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else raise :class:`OptionError`.

    >>> check_option("missing", "listwise", MISSING)
    'listwise'
    """
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise OptionError(f"{name}={value!r} is not a valid choice; use one of {valid}")
    return value  # type: ignore[return-value]

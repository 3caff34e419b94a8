"""Results kept per study object: what several pages or sections of one study need is
computed once (a :class:`~image_synth.Study` is frozen, so the memo lives here, keyed by
the object and dropped with it)."""

from __future__ import annotations

import weakref
from typing import Any, Callable

__all__ = ["memo"]

_MEMO: dict[int, tuple[weakref.ref, dict]] = {}


def memo(study: Any, key: Any, make: Callable[[], Any]) -> Any:
    """``make()`` computed once per ``study`` object and ``key``."""
    entry = _MEMO.get(id(study))
    if entry is None or entry[0]() is not study:
        ident = id(study)
        entry = (weakref.ref(study, lambda _, table=_MEMO: table.pop(ident, None)), {})
        _MEMO[ident] = entry
    store = entry[1]
    if key not in store:
        store[key] = make()
    return store[key]

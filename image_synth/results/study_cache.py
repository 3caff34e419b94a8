"""Study-wide results a batch computes once and every page of it reads.

Some of what a page shows depends on the whole study, not on its scope: which
joint-display rows of a region are hidden to protect its sibling regions
(:func:`image_synth.disclosure.siblings.sibling_pattern`, one decision per partition:
the regions of a situation, the situations of the nation) is the same for every page of
the partition, and deciding it reads every sibling's respondents. The batch runner
decides every partition once (:func:`precompute`) and keeps the decisions in its cache
folder (``<out>.private/cache/``, named by :data:`~image_synth.disclosure.plan.CACHE_ENV`
while the notebooks run); a page reads its partition from there.

The files are content-addressed: one JSON file per wave, named by
:func:`~image_synth.disclosure.plan.cache_key` (the package version, every input file's
hash, the wave and the study's k), so a changed input file gives another name and an
old file is never read for it. A file is input too: one that cannot be read, does not
parse, names another key or holds anything but the expected shape is ignored and the
page decides itself. A notebook run alone (no cache folder) decides itself as well;
both ways give the same decisions, so the same page.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .memo import memo

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["precompute", "cache_file", "sibling_pattern", "partitions", "FORMAT"]

#: Version of the file layout (a file of another layout is ignored).
FORMAT = 1


def partitions(study: "Study") -> list[tuple[str, str | None]]:
    """Every partition a sibling pattern is decided for: ``("situation", None)`` (the
    nation's situations) and ``("region", situation)`` per situation; in a study without
    situations ``("region", None)``, the regions directly under the nation."""
    out: list[tuple[str, str | None]] = []
    if study.config.situations:
        out.append(("situation", None))
        out += [("region", s.id) for s in study.config.situations]
    if any(r.situation is None for r in study.config.regions):
        out.append(("region", None))
    return out


def _key(study: "Study", wave: int) -> str:
    from ..disclosure.plan import cache_key

    return memo(study, ("study_cache_key", int(wave)), lambda: cache_key(study, int(wave)))


def cache_file(study: "Study", wave: int, folder: str | os.PathLike | None = None
               ) -> Path | None:
    """The cache file of ``study`` and ``wave`` in ``folder`` (default: the plan's,
    :func:`~image_synth.disclosure.plan.cache_folder`; ``None`` without one)."""
    from ..disclosure.plan import cache_folder

    folder = folder if folder is not None else cache_folder()
    if not folder:
        return None
    return Path(folder) / f"study-{_key(study, wave)}.json"


def _partition_name(kind: str, parent: str | None) -> str:
    return f"{kind}:{parent or ''}"


def _read(study: "Study", wave: int) -> dict[str, dict[str, set[str]]] | None:
    """The sibling patterns of ``wave`` from the batch's cache, or ``None`` when there is
    no usable file (absent, unreadable, another key or layout, a wrong shape)."""
    path = cache_file(study, wave)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            data.get("key") != _key(study, wave) or data.get("wave") != int(wave):
        return None
    patterns = data.get("sibling_patterns")
    expected = {_partition_name(k, p) for k, p in partitions(study)}
    if not isinstance(patterns, dict) or set(patterns) != expected:
        return None
    out: dict[str, dict[str, set[str]]] = {}
    for name, pattern in patterns.items():
        if not isinstance(pattern, dict):
            return None
        groups: dict[str, set[str]] = {}
        for group, rows in pattern.items():
            if not isinstance(rows, list) or not all(isinstance(r, str) for r in rows):
                return None
            groups[group] = set(rows)
        out[name] = groups
    return out


def sibling_pattern(study: "Study", wave: int, kind: str, parent: str | None
                    ) -> dict[str, set[str]] | None:
    """One partition's sibling pattern from the batch's cache (``None``: not there; the
    caller decides it)."""
    patterns = memo(study, ("study_cache", int(wave)), lambda: _read(study, wave))
    if patterns is None:
        return None
    return patterns.get(_partition_name(kind, parent))


def precompute(study: "Study", wave: int, folder: str | os.PathLike) -> list[Path]:
    """Decide the study-wide results of ``wave`` and of every earlier wave (a page
    compares with the previous one) and write them into ``folder``, one file per wave.
    Returns the files written."""
    from ..atomic import write_atomic
    from ..disclosure.siblings import decide_sibling_pattern

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for w in sorted(int(x) for x in study.config.waves if int(x) <= int(wave)):
        patterns = {}
        for kind, parent in partitions(study):
            decided = decide_sibling_pattern(study, w, kind, parent)
            patterns[_partition_name(kind, parent)] = {
                group: sorted(rows) for group, rows in sorted(decided.items())}
        data: dict[str, Any] = {"format": FORMAT, "key": _key(study, w), "wave": w,
                                "sibling_patterns": patterns}
        path = cache_file(study, w, folder)
        write_atomic(path, json.dumps(data, sort_keys=True, indent=1))
        written.append(path)
    return written

"""Change between waves: new, no longer mentioned, more, less, stable, by stated rules.

Chapter 6 of the IMAGE report compares, per factor, how many project leaders mention
it in 2023 with 2022 ("vaker", "minder", "nieuw", "in vergelijkbare mate"). This module
makes that comparison explicit: it counts k of N sources per wave (a code counts once
per source, see :func:`~image_synth.qual.mentions.mentions`) and classifies the change by
rules whose thresholds are parameters. :func:`change_rules` prints the rules so they
can be shown beside the result; the result carries them in ``df.attrs["rules"]``.

The rules, in order (the first that applies fires):

1. ``new``: no source mentions the code in the earlier wave and at least one does in
   the later wave. ``min_sources`` does **not** apply: the report lists a factor as new
   when a single project leader raised it ("een enkele projectleider ... borging").
2. ``no_longer_mentioned``: the mirror: mentioned earlier, by no source later
   (``min_sources`` does not apply either).
3. ``more`` / ``less``: the share rose / fell, and **all** of

   - the absolute difference ``|share_after - share_before| >= abs_diff`` (default 0.15),
   - the relative difference ``|share_after - share_before| / max(share_before,
     share_after) >= rel_diff`` (default 0.5: the share at least doubled or at least
     halved; measured against the larger share so that rises and falls are treated
     alike),
   - the larger of ``k_before`` and ``k_after`` is at least ``min_sources`` (default 3),
     so that one or two interviews cannot flip a class.
4. ``stable``: everything else, including codes mentioned in neither wave.

Comparisons of shares allow for rounding error (1e-9). A group (e.g. a situation) with
no sources in one of the waves cannot be compared: ``change`` is missing there and
``rule`` says why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import LANGUAGES, ROLLUPS, check_option
from ._checks import check_references, normalise_by, require_columns, select_sources
from .mentions import _tally, _tree

__all__ = ["CHANGE_CLASSES", "change_between_waves", "change_rules", "classify_change"]

#: The change classes, in the order tables show them.
CHANGE_CLASSES = ("new", "more", "stable", "less", "no_longer_mentioned")

# output columns of change_between_waves (beyond the column vocabulary)
WAVE_BEFORE, WAVE_AFTER = "wave_before", "wave_after"
K_BEFORE, N_BEFORE, SHARE_BEFORE = "k_before", "n_before", "share_before"
K_AFTER, N_AFTER, SHARE_AFTER = "k_after", "n_after", "share_after"
SHARE_DIFF, RELATIVE_DIFF = "share_diff", "relative_diff"
CHANGE, RULE = "change", "rule"

_TOL = 1e-9

DEFAULTS = {"min_sources": 3, "abs_diff": 0.15, "rel_diff": 0.5}

_TEXT = {
    "en": {
        "title": "Change between {w0} and {w1} (k of N sources mentioning a code; a code "
                 "counts once per source)",
        "new": "new: no source mentions it in {w0}, at least one does in {w1} "
               "(min_sources does not apply)",
        "gone": "no_longer_mentioned: mentioned in {w0}, by no source in {w1} "
                "(min_sources does not apply)",
        "more": "more: the share rose by at least {abs} (absolute) and by at least {rel:.0%} "
                "of the larger share, and at least {m} sources mention it in the wave with "
                "more mentions",
        "less": "less: the share fell by at least {abs} (absolute) and by at least {rel:.0%} "
                "of the larger share, and at least {m} sources mention it in the wave with "
                "more mentions",
        "stable": "stable: every other case",
        "none": "stable: not mentioned in either wave",
        "small_abs": "absolute difference below {abs}",
        "small_rel": "difference below {rel:.0%} of the larger share",
        "few": "fewer than {m} sources mention it in either wave",
        "same": "no difference in share",
        "kept": "stable: ",
        "no_before": "no sources in {w0} in this group: no comparison",
        "no_after": "no sources in {w1} in this group: no comparison",
        "title_pairs": "Change between {pairs} (each wave against the one before; k of N "
                       "sources mentioning a code; a code counts once per source)",
        "pair": "{w0} and {w1}",
        "between": ", between ",
        "earlier": "the earlier wave",
        "later": "the later wave",
    },
    "nl": {
        "title": "Verandering tussen {w0} en {w1} (k van N bronnen die een code noemen; een "
                 "code telt één keer per bron)",
        "new": "nieuw (new): in {w0} noemt geen bron de code, in {w1} minstens één "
               "(min_sources geldt hier niet)",
        "gone": "niet meer genoemd (no_longer_mentioned): in {w0} genoemd, in {w1} door geen "
                "enkele bron (min_sources geldt hier niet)",
        "more": "vaker (more): het aandeel steeg met minstens {abs} (absoluut) en met minstens "
                "{rel:.0%} van het grootste aandeel, en minstens {m} bronnen noemen de code in "
                "de meting met de meeste vermeldingen",
        "less": "minder (less): het aandeel daalde met minstens {abs} (absoluut) en met "
                "minstens {rel:.0%} van het grootste aandeel, en minstens {m} bronnen noemen de "
                "code in de meting met de meeste vermeldingen",
        "stable": "stabiel (stable): alle andere gevallen",
        "none": "stabiel: in geen van beide metingen genoemd",
        "small_abs": "absoluut verschil kleiner dan {abs}",
        "small_rel": "verschil kleiner dan {rel:.0%} van het grootste aandeel",
        "few": "minder dan {m} bronnen noemen de code in beide metingen",
        "same": "geen verschil in aandeel",
        "kept": "stabiel: ",
        "no_before": "geen bronnen in {w0} in deze groep: geen vergelijking",
        "no_after": "geen bronnen in {w1} in deze groep: geen vergelijking",
        "title_pairs": "Verandering tussen {pairs} (elke meting tegenover de vorige; k van "
                       "N bronnen die een code noemen; een code telt één keer per bron)",
        "pair": "{w0} en {w1}",
        "between": ", tussen ",
        "earlier": "de eerdere meting",
        "later": "de latere meting",
    },
}


def change_rules(*, waves: tuple[int, int] | Sequence[tuple[int, int]], min_sources: int = 3,
                 abs_diff: float = 0.15, rel_diff: float = 0.5, language: str = "en") -> str:
    """The change rules in words, with the given parameters, one rule a line.

    ``waves`` is required: ``(earlier, later)``, whose years the rules name; or a list of
    such pairs (e.g. every consecutive pair of a trend), named all in the first line, the
    rules then speaking of each pair's earlier and later wave.

    >>> print(change_rules(waves=(2031, 2032)).splitlines()[1])
    1. new: no source mentions it in 2031, at least one does in 2032 (min_sources does not apply)
    >>> print(change_rules(waves=[(2031, 2032), (2032, 2033)]).splitlines()[0][:50])
    Change between 2031 and 2032, between 2032 and 203
    """
    check_option("language", language, LANGUAGES)
    t = _TEXT[language]
    many = (not isinstance(waves, (str, bytes)) and len(waves) > 0
            and all(isinstance(p, (tuple, list)) for p in waves))
    pairs = [_check_params(p, min_sources, abs_diff, rel_diff)
             for p in (waves if many else [waves])]
    if len(pairs) == 1:
        w0, w1 = pairs[0]
        fmt = {"w0": w0, "w1": w1, "abs": abs_diff, "rel": rel_diff, "m": min_sources}
        lines = [t["title"].format(**fmt)]
    else:
        fmt = {"w0": t["earlier"], "w1": t["later"], "abs": abs_diff, "rel": rel_diff,
               "m": min_sources}
        named = t["between"].join(t["pair"].format(w0=a, w1=b) for a, b in pairs)
        lines = [t["title_pairs"].format(pairs=named)]
    for i, key in enumerate(("new", "gone", "more", "less", "stable"), start=1):
        lines.append(f"{i}. " + t[key].format(**fmt))
    return "\n".join(lines)


def change_between_waves(segments: pd.DataFrame, sources: pd.DataFrame, *,
                         codebook: Any = None, waves: tuple[int, int] | None = None,
                         by: str | Iterable[str] | None = (), rollup: str = "code",
                         source_types: Iterable[str] | str | None = None,
                         min_sources: int = 3, abs_diff: float = 0.15,
                         rel_diff: float = 0.5, language: str = "en",
                         levels: Mapping[str, Collection[Any]] | None = None
                         ) -> pd.DataFrame:
    """Classify, per code, the change in mentions between two waves.

    Parameters
    ----------
    segments, sources, codebook, rollup, source_types, levels
        As for :func:`~image_synth.qual.mentions.mentions`; ``sources`` needs a
        ``wave`` column. For chapter 6 of the IMAGE report use
        ``source_types=("interview",)``.
    waves
        ``(earlier, later)``, e.g. ``(2022, 2023)``. Default ``None``: the last two
        waves that the sources of the selected types have.
    by
        Extra grouping columns (e.g. ``"situation"``); default: all sources together.
    min_sources
        ``more``/``less`` need at least this many mentioning sources in the wave with
        more mentions (default 3).
    abs_diff
        Minimum absolute difference in share for ``more``/``less`` (default 0.15).
    rel_diff
        Minimum difference relative to the larger share (default 0.5).
    language
        Language of the ``rule`` column and ``attrs["rules"]`` (``"en"`` or ``"nl"``).

    Returns
    -------
    pandas.DataFrame
        One row per code (or category) and group:

        - ``code`` (``category`` when ``rollup="category"``), the ``by`` columns
        - ``wave_before``, ``wave_after``
        - ``k_before``, ``n_before``, ``share_before``: k of N sources in the earlier wave
        - ``k_after``, ``n_after``, ``share_after``: the same in the later wave
        - ``share_diff``: ``share_after - share_before``
        - ``relative_diff``: ``|share_diff| / max(share_before, share_after)`` (missing
          when both shares are 0)
        - ``change``: one of ``new``, ``more``, ``stable``, ``less``,
          ``no_longer_mentioned`` (missing when a wave has no sources in the group)
        - ``rule``: the rule that fired, in words (for ``stable``: why not more/less)

        ``attrs["rules"]`` holds :func:`change_rules` for the parameters used and
        ``attrs["parameters"]`` the parameters.

    Notes
    -----
    The thresholds are conventions, not tests: with 8 interviews in 2022 and 21 in
    2023 no significance test has power. They are parameters so that a reader can see
    how a class depends on them; a factor the report calls "new" but mentioned once
    can be new here too, because ``min_sources`` guards only ``more`` and ``less``.
    """
    check_option("language", language, LANGUAGES)
    if waves is not None:
        _check_params(waves, min_sources, abs_diff, rel_diff)
    by = normalise_by(by)
    if C.WAVE in by:
        raise AnalysisError("by must not contain 'wave': the waves are compared with each "
                            "other; pass them as waves=(before, after)")
    check_option("rollup", rollup, ROLLUPS)
    tree = _tree(codebook)
    if rollup != "code" and tree is None:
        raise AnalysisError(f"rollup={rollup!r} needs a codebook; pass codebook=")
    from ..read.sources import SOURCE_TYPES

    require_columns(sources, (C.SOURCE_ID, C.WAVE), file="sources")
    scope = select_sources(sources, source_types, known_types=SOURCE_TYPES)
    wave_values = pd.to_numeric(scope[C.WAVE], errors="coerce")
    if waves is None:
        present = sorted(int(w) for w in wave_values.dropna().unique())
        if len(present) < 2:
            raise AnalysisError(f"the sources of the selected types have "
                                f"{len(present)} wave(s) ({', '.join(map(str, present))}): "
                                "need two to compare; pass waves=(before, after)")
        waves = (present[-2], present[-1])
    w0, w1 = _check_params(waves, min_sources, abs_diff, rel_diff)
    scope = scope[wave_values.isin([w0, w1])]
    for wave in (w0, w1):
        if not (pd.to_numeric(scope[C.WAVE], errors="coerce") == wave).any():
            raise AnalysisError(f"waves={waves!r}: no source of the selected types has "
                                f"wave {wave}")
    check_references(segments, sources, tree=tree, by=(C.WAVE, *by), scope=scope,
                     levels=levels)
    scope = scope.assign(**{C.WAVE: pd.to_numeric(scope[C.WAVE]).astype("int64")})
    counts = _tally(segments, scope, tree=tree, by=(C.WAVE, *by), rollup=rollup)
    unit = counts.columns[0]
    keys = [unit, *by]
    before = counts[counts[C.WAVE] == w0].drop(columns=C.WAVE)
    after = counts[counts[C.WAVE] == w1].drop(columns=C.WAVE)
    cols = {C.K_SOURCES: "k", C.N_SOURCES: "n", C.SHARE: "share"}
    before = before.rename(columns={k: f"{v}_before" for k, v in cols.items()})
    after = after.rename(columns={k: f"{v}_after" for k, v in cols.items()})
    out = before.drop(columns=C.N_SEGMENTS).merge(after.drop(columns=C.N_SEGMENTS),
                                                  on=keys, how="outer", sort=False)
    order = {u: i for i, u in enumerate(pd.unique(counts[unit]))}
    out = out.sort_values(keys, key=lambda s: s.map(order) if s.name == unit else s,
                          kind="stable").reset_index(drop=True)
    for column in (K_BEFORE, N_BEFORE, K_AFTER, N_AFTER):
        out[column] = out[column].fillna(0).astype("int64")
    out[WAVE_BEFORE] = w0
    out[WAVE_AFTER] = w1
    out[SHARE_DIFF] = out[SHARE_AFTER] - out[SHARE_BEFORE]
    larger = np.fmax(out[SHARE_BEFORE], out[SHARE_AFTER])
    with np.errstate(invalid="ignore", divide="ignore"):
        out[RELATIVE_DIFF] = (out[SHARE_DIFF].abs() / larger).where(larger > 0)
    fmt = {"w0": w0, "w1": w1, "abs": abs_diff, "rel": rel_diff, "m": min_sources}
    classes, rules = zip(*(_classify(r, fmt, _TEXT[language])
                           for r in out.itertuples(index=False))) if len(out) else ((), ())
    out[CHANGE] = pd.array(list(classes), dtype="string")
    out[RULE] = list(rules)
    out = out[[*keys, WAVE_BEFORE, WAVE_AFTER, K_BEFORE, N_BEFORE, SHARE_BEFORE, K_AFTER,
               N_AFTER, SHARE_AFTER, SHARE_DIFF, RELATIVE_DIFF, CHANGE, RULE]]
    out.attrs["rules"] = change_rules(waves=(w0, w1), min_sources=min_sources,
                                      abs_diff=abs_diff, rel_diff=rel_diff, language=language)
    out.attrs["parameters"] = {"waves": (w0, w1), "min_sources": min_sources,
                               "abs_diff": abs_diff, "rel_diff": rel_diff,
                               "source_types": None if source_types is None
                               else tuple([source_types] if isinstance(source_types, str)
                                          else source_types),
                               "rollup": rollup, "by": by}
    return out


def classify_change(k_before: int, n_before: int, k_after: int, n_after: int, *,
                    min_sources: int = 3, abs_diff: float = 0.15,
                    rel_diff: float = 0.5) -> str | None:
    """The change class for one code from its k of N in two waves (see module rules).

    >>> classify_change(2, 8, 19, 21)
    'more'
    >>> classify_change(0, 8, 1, 21)
    'new'
    >>> classify_change(1, 8, 2, 21)  # too few sources to call it 'more'
    'stable'
    """
    _check_params((0, 1), min_sources, abs_diff, rel_diff)
    row = pd.Series({K_BEFORE: k_before, N_BEFORE: n_before, K_AFTER: k_after,
                     N_AFTER: n_after,
                     SHARE_BEFORE: k_before / n_before if n_before else np.nan,
                     SHARE_AFTER: k_after / n_after if n_after else np.nan})
    fmt = {"w0": "before", "w1": "after", "abs": abs_diff, "rel": rel_diff,
           "m": min_sources}
    return _classify(row, fmt, _TEXT["en"])[0]


def _classify(row: Any, fmt: dict, text: dict) -> tuple[str | None, str]:
    get = (lambda name: row[name]) if isinstance(row, pd.Series) else \
        (lambda name: getattr(row, name))
    k0, n0, k1, n1 = (int(get(c)) for c in (K_BEFORE, N_BEFORE, K_AFTER, N_AFTER))
    if n0 == 0:
        return None, text["no_before"].format(**fmt)
    if n1 == 0:
        return None, text["no_after"].format(**fmt)
    if k0 == 0 and k1 == 0:
        return "stable", text["none"].format(**fmt)
    if k0 == 0:
        return "new", text["new"].format(**fmt)
    if k1 == 0:
        return "no_longer_mentioned", text["gone"].format(**fmt)
    s0, s1 = k0 / n0, k1 / n1
    diff = s1 - s0
    if diff == 0:
        return "stable", text["kept"] + text["same"].format(**fmt)
    reasons = []
    if abs(diff) < fmt["abs"] - _TOL:
        reasons.append(text["small_abs"].format(**fmt))
    if abs(diff) / max(s0, s1) < fmt["rel"] - _TOL:
        reasons.append(text["small_rel"].format(**fmt))
    if max(k0, k1) < fmt["m"]:
        reasons.append(text["few"].format(**fmt))
    if reasons:
        return "stable", text["kept"] + "; ".join(reasons)
    key = "more" if diff > 0 else "less"
    return key, text[key].format(**fmt)


def _check_params(waves: Any, min_sources: Any, abs_diff: Any,
                  rel_diff: Any) -> tuple[int, int]:
    try:
        w0, w1 = waves
    except (TypeError, ValueError):
        raise AnalysisError(f"waves={waves!r} must be two waves: (earlier, later)") from None
    if w0 == w1:
        raise AnalysisError(f"waves={waves!r} names the same wave twice")
    if isinstance(min_sources, bool) or not isinstance(min_sources, (int, np.integer)) \
            or min_sources < 1:
        raise AnalysisError(f"min_sources={min_sources!r} must be a whole number >= 1")
    for name, value in (("abs_diff", abs_diff), ("rel_diff", rel_diff)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not 0 <= value <= 1:
            raise AnalysisError(f"{name}={value!r} must be a number between 0 and 1")
    return int(w0), int(w1)

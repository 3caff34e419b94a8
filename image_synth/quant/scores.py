"""Scale scores per respondent: the mean of a scale's items, every scale at once.

:func:`scale_scores` turns the survey's answer codes into one score per respondent and
scale. Codes become numbers through :func:`image_synth.quant.numeric.numeric_items`
("don't know" is not a number, so it is not an answered item), reverse-keyed items are
reversed, and a score is missing when the respondent answered fewer items of the scale
than the scale's ``min_items``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..study.models import Instrument
from .numeric import _item_names, _item_values

__all__ = ["scale_scores"]


def scale_scores(survey: pd.DataFrame, *, instrument: Instrument,
                 scales: Iterable[str] | str | None = None,
                 min_items: int | Mapping[str, int] | None = None) -> pd.DataFrame:
    """Score every scale of the instrument for every respondent.

    Parameters
    ----------
    survey
        The survey table: key columns, then one column of answer codes per item
        (:attr:`image_synth.Study.survey`).
    instrument
        The study's instrument: which items make up each scale, which are
        reverse-keyed, which codes are "don't know".
    scales
        Scale ids to score, in this order. ``None`` scores every scale of the
        instrument.
    min_items
        The smallest number of answered items for a score. ``None`` uses each
        scale's own ``min_items`` from the instrument; an int applies to every
        scale; a mapping sets it per scale id (scales not named keep the
        instrument's value).

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``, with the key columns of ``survey``
        (``respondent_id``, ``wave``, ``region``, ``situation``, ``sector``; those
        present) followed by one float64 column per scale, named by scale id: the
        respondent's mean over the scale's answered items after reverse keying, NaN
        when fewer than ``min_items`` items were answered or when the scale is not
        reported in the respondent's wave (a scale whose ``waves`` in the
        instrument leave that wave out). ``frame.attrs["min_items"]`` records the
        rule used per scale.

    Raises
    ------
    AnalysisError
        A scale that is not in the instrument, an item of a scale that is not a
        column of ``survey`` or holds codes its response set does not have, a
        ``min_items`` below 1 or above the number of items of the scale, a scale id
        that clashes with a key column.

    Notes
    -----
    For respondent :math:`i` and scale :math:`s` with items :math:`J_s`, let
    :math:`A_i` be the items answered with a numeric code (missing answers and
    "don't know"/"not applicable" codes excluded) and :math:`x'_{ij}` the answer
    after reverse keying (:math:`\\min + \\max - x` for reverse-keyed items, with the
    extreme numeric codes of the item's response set). Then

    .. math::

        score_{is} = \\frac{1}{|A_i|} \\sum_{j \\in A_i} x'_{ij}
        \\quad \\text{if } |A_i| \\ge min\\_items_s, \\text{ else missing.}

    This is SPSS ``COMPUTE score = MEAN.m(x1, x2, ...)`` with *m* = ``min_items``
    after ``RECODE`` of the reverse-keyed items and with the "don't know" codes
    declared missing, and R's ``ifelse(rowSums(!is.na(x)) >= m, rowMeans(x,
    na.rm = TRUE), NA)``. The computation is vectorised over respondents (one pass
    per item).

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> scores = scale_scores(study.survey, instrument=study.instrument)
    >>> list(scores.columns)
    ['respondent_id', 'wave', 'region', 'situation', 'sector', 'communicatie', 'vertrouwen']
    >>> scores.loc[0, ["communicatie", "vertrouwen"]].tolist()   # com_3 reversed: 4 -> 2
    [2.3333333333333335, 2.5]
    """
    chosen = _chosen_scales(instrument, scales)
    rules = _min_items(instrument, chosen, min_items)
    keys = [k for k in C.SURVEY_KEYS if k in survey.columns]
    clash = [s for s in chosen if s in keys]
    if clash:
        raise AnalysisError(f"scale ids clash with key columns of the survey: {clash}")

    needed = list(dict.fromkeys(i.id for s in chosen for i in instrument.scale_items(s)))
    _item_names(survey, instrument, needed)       # every unknown/absent/nominal item at once

    waves = None
    if C.WAVE in survey.columns:
        waves = survey[C.WAVE].to_numpy(dtype="float64", na_value=np.nan)
    problems: list[str] = []
    scores: dict[str, np.ndarray] = {}
    n = len(survey)
    for scale_id in chosen:
        total = np.zeros(n)
        count = np.zeros(n)
        for item in instrument.scale_items(scale_id):
            # one item at a time: memory stays at a few columns however many items
            values = _item_values(survey, instrument, item.id, reverse=True,
                                  problems=problems)
            if values is None:
                continue
            answered = ~np.isnan(values)
            np.add(total, values, out=total, where=answered)
            count += answered
        with np.errstate(invalid="ignore", divide="ignore"):
            score = total / count
        score[count < rules[scale_id]] = np.nan
        reported = _scale(instrument, scale_id).waves
        if reported and waves is not None:
            score[~np.isin(waves, reported)] = np.nan
        scores[scale_id] = score
    if problems:
        raise AnalysisError("cannot score the scales: " + "; ".join(problems))
    out = pd.concat([survey[keys], pd.DataFrame(scores, index=survey.index)], axis=1)
    out.attrs["min_items"] = rules
    return out


def _scale(instrument: Instrument, scale_id: str):
    for scale in instrument.scales:
        if scale.id == scale_id:
            return scale
    raise KeyError(scale_id)


def _chosen_scales(instrument: Instrument, scales: Iterable[str] | str | None) -> list[str]:
    known = [s.id for s in instrument.scales]
    if scales is None:
        if not known:
            raise AnalysisError(f"the instrument {instrument.name!r} defines no scales")
        return known
    chosen = [scales] if isinstance(scales, str) else list(dict.fromkeys(scales))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise AnalysisError(f"not a scale of the instrument {instrument.name!r}: "
                            f"{', '.join(map(repr, unknown))}; its scales are "
                            f"{', '.join(map(repr, known)) or 'none'}")
    if not chosen:
        raise AnalysisError("scales is empty; name at least one scale or pass None")
    return chosen


def _min_items(instrument: Instrument, chosen: list[str],
               min_items: int | Mapping[str, int] | None) -> dict[str, int]:
    rules = {s: _scale(instrument, s).min_items for s in chosen}
    if isinstance(min_items, Mapping):
        unknown = [s for s in min_items if s not in rules]
        if unknown:
            raise AnalysisError(f"min_items names scales that are not scored: "
                                f"{', '.join(map(repr, unknown))}")
        rules.update(min_items)
    elif min_items is not None:
        rules = {s: min_items for s in chosen}
    problems = []
    for scale_id, rule in rules.items():
        k = len(instrument.scale_items(scale_id))
        if isinstance(rule, bool) or not isinstance(rule, (int, np.integer)):
            problems.append(f"scale {scale_id!r}: min_items must be a whole number, "
                            f"got {rule!r}")
        elif not 1 <= rule <= k:
            problems.append(f"scale {scale_id!r}: min_items={rule} is outside 1..{k} "
                            f"(the scale has {k} items)")
    if problems:
        raise AnalysisError("; ".join(problems))
    return {s: int(r) for s, r in rules.items()}

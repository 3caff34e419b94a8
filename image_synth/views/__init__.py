"""What the analyst notebooks show beyond the supplement's sections.

The supplement's sections (:mod:`image_synth.render.sections`) show what a page may
publish. The analyst notebooks (``notebooks/survey.ipynb``, ``interviews.ipynb``,
``networks.ipynb``, ``synthesis.ipynb``) show those sections and, for the analyses a page
does not show, one :class:`View` each: a heading, a styled table of its frame (and a
figure or the rules in words), with the frame one attribute away (``view.frame``)::

    results = compute("", scope="situation", scope_value="po_vo")
    views.cooccurrence(results, lang="nl").frame

Every view function has the signature ``name(results, *, lang="nl")`` and computes from
``results`` (one scope and wave of a study); numbers stay at full precision in the
frame, rounding happens only in the table. With ``results.publish`` the survey
statistics of groups with fewer than k respondents are marked ``hidden`` in the frame
and blanked in the table, as on a page.
"""

from __future__ import annotations

from .interviews import agreement, case_by_code, cooccurrence, interview_trend, mentions, quotes
from .networks import network_classes, network_measures
from .survey import group_comparison, wave_trend
from .synthesis import convergence, joint_displays, themes
from .view import View

__all__ = ["View", "wave_trend", "group_comparison", "mentions", "interview_trend",
           "cooccurrence", "case_by_code", "quotes", "agreement", "network_measures",
           "network_classes", "joint_displays", "convergence", "themes"]

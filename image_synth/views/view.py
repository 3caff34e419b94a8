"""A :class:`View`: one analysis of an analyst notebook, its frame and how it looks."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["View", "MAX_ROWS"]

#: Rows a view's table shows in a notebook (the frame keeps them all).
MAX_ROWS = 60


@dataclass
class View:
    """One analysis shown in a notebook.

    Attributes
    ----------
    id, title
        The view's name and its heading in the notebook's language.
    frame
        The tidy frame at full precision (ids, not words), with ``hidden`` where the
        publication rules hide a row's statistics.
    note
        The rules or parameters behind the numbers, in words.
    parts
        Figures or tables shown under the frame's table (objects with ``to_html``).
    min_n
        The study's k: a row hidden because it rests on fewer than k respondents
        (``hidden == "primary"``) shows ``<k``, one hidden to protect another ``†``, as
        on a page.
    """

    id: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    parts: list[Any] = field(default_factory=list)
    min_n: int | None = None

    def table_html(self) -> str:
        frame = self.frame
        if frame is None or frame.empty:
            return '<p class="isx-note">–</p>'
        shown = frame.head(MAX_ROWS).copy()
        if "hidden" in shown.columns:
            numbers = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])
                       and not pd.api.types.is_bool_dtype(shown[c])
                       and c not in ("wave", "wave_1", "wave_2")]
            states = shown["hidden"].astype(str)
            shown[numbers] = shown[numbers].astype(object)
            primary = f"<{self.min_n}" if self.min_n else "†"
            shown.loc[states == "primary", numbers] = primary
            shown.loc[(states != "") & (states != "primary"), numbers] = "†"
        styler = (shown.style.hide(axis="index")
                  .format(precision=2, na_rep="–", thousands=None, escape="html")
                  .format_index(escape="html", axis=1)
                  .set_table_attributes('class="isx-view-table"'))
        more = (f'<p class="isx-note">{len(frame) - MAX_ROWS} more rows in '
                f'<code>.frame</code></p>' if len(frame) > MAX_ROWS else "")
        return f'<div class="isx-scroll">{styler.to_html()}</div>{more}'

    def to_html(self) -> str:
        parts = [f'<h3 id="view-{self.id}">{html.escape(self.title)}</h3>', self.table_html()]
        parts += [p.to_html() for p in self.parts if p is not None]
        if self.note:
            parts.append(f'<p class="isx-note">{html.escape(self.note)}</p>')
        return f'<section class="isx-view" data-view="{self.id}">\n' + "\n".join(parts) + \
            "\n</section>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<View {self.id}: {len(self.frame)} rows>"

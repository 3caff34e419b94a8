"""Figures of a supplement, drawn from the same frames as the tables beside them.

Every figure is a matplotlib figure wrapped in :class:`FigureOutput`: an SVG (or PNG)
with a text alternative and a visible caption saying what it shows and its n.

A figure never shows more than its table: hidden cells are pooled into one grey "not
shown" segment, and every bar uses the table's denominator (the respondents asked), so
shown, "don't know" and "not shown" segments add up to 100%. Each bar patch carries a gid
``"<item>|<column>"`` (``|hidden`` for the pooled segment) so tests can read the plotted
values back and compare them with the table.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import FIGURE_FORMATS, check_option
from .labels import number
from .words import word

if TYPE_CHECKING:
    from matplotlib.figure import Figure


__all__ = ["FigureOutput", "likert_bars", "HIDDEN_COLOUR", "DONT_KNOW_COLOUR"]

HIDDEN_COLOUR = "#bdbdbd"
DONT_KNOW_COLOUR = "#7f7f7f"


class FigureOutput:
    """A matplotlib figure as an SVG (or PNG) image with its text alternative and a
    visible caption.

    Parameters
    ----------
    fig
        A :class:`matplotlib.figure.Figure`.
    alt
        What the figure shows, for screen readers. Defaults to the description attached
        with :func:`image_synth.network.plot.set_alt_text`; one of the two is required.
    caption
        Visible caption under the figure (what it shows and its n).
    format
        ``"svg"`` (default: vector, text kept as text) or ``"png"``.
    dpi
        Resolution of a PNG.
    """

    #: matplotlib settings for SVG: text as ``<text>`` and element ids from a fixed salt,
    #: so the same figure gives the same bytes.
    SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "image_synth"}

    def __init__(self, fig: Any, *, alt: str | None = None, caption: str | None = None,
                 format: str = "svg", dpi: int = 80):
        check_option("format", format, FIGURE_FORMATS)
        if alt is None:
            from ..network.plot import get_alt_text

            alt = get_alt_text(fig)
        if not alt or not str(alt).strip():
            raise AnalysisError("a figure in a supplement needs alt text: pass alt='what the "
                                "figure shows'")
        self.alt = str(alt).strip()
        self.caption = caption
        self.figure = fig
        self.mime = "image/svg+xml" if format == "svg" else "image/png"
        _drop_finished_layout(fig)
        buffer = io.BytesIO()
        if format == "svg":
            import matplotlib

            with matplotlib.rc_context(self.SVG_RC):
                fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        self.data = buffer.getvalue()
        try:  # a pyplot figure would otherwise be shown a second time by the inline backend
            import matplotlib.pyplot as plt

            plt.close(fig)
        except Exception:  # pragma: no cover - closing is a courtesy
            pass

    @property
    def b64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def to_html(self) -> str:
        caption = (f"<figcaption>{html.escape(self.caption)}</figcaption>"
                   if self.caption else "")
        return (f'<figure class="isx-figure"><img src="data:{self.mime};base64,{self.b64}" '
                f'alt="{html.escape(self.alt, quote=True)}">{caption}</figure>')

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None):
        if self.mime == "image/png":
            return ({"image/png": self.b64, "text/plain": self.alt},
                    {"image/png": {"alt": self.alt}})
        return {"text/html": self.to_html(), "text/plain": self.alt}, {}


def _drop_finished_layout(fig: Any) -> None:
    """``fig.tight_layout()`` leaves a placeholder layout engine behind, for which
    ``savefig`` draws the whole figure once more; the layout is done, so it goes."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)


def _diverging(k: int) -> list[str]:
    """k colours from disagreement (red) through neutral grey to agreement (blue)."""
    fixed = {1: ["#2166ac"], 2: ["#b2182b", "#2166ac"], 3: ["#b2182b", "#d9d9d9", "#2166ac"],
             4: ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac"],
             5: ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"],
             6: ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"],
             7: ["#b2182b", "#ef8a62", "#fddbc7", "#d9d9d9", "#d1e5f0", "#67a9cf", "#2166ac"]}
    if k in fixed:
        return fixed[k]
    import matplotlib

    cmap = matplotlib.colormaps["RdBu"]
    return [matplotlib.colors.to_hex(cmap(x)) for x in np.linspace(0.05, 0.95, max(k, 1))]


def likert_bars(dist: pd.DataFrame, *, item_labels: dict[str, str],
                column_labels: Sequence[str], non_numeric_labels: Sequence[str],
                lang: str, min_n: int, title: str | None = None) -> "Figure | None":
    """Diverging stacked bars of one answer table, with the table's denominators.

    ``dist`` is one :meth:`~image_synth.results.ScopeResults.distribution` frame. Numeric
    answers diverge around zero (the middle answer split over both sides); "don't know"
    and the pooled "not shown" share are drawn in a second panel on the same scale, so
    every bar adds up to 100% of the respondents asked. Items asked of fewer than
    ``min_n`` respondents, or with no shown answer above zero (only "not shown" would be
    drawn), are left out; ``None`` when nothing is left to draw (the caller writes a
    sentence instead).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..network.plot import set_alt_text

    answers = dist[dist["column"] > 0]
    totals = dist[dist["column"] == 0].set_index(C.ITEM)
    items = [i for i in dict.fromkeys(dist[C.ITEM])
             if totals.at[i, C.N_ASKED] > 0 and not totals.at[i, "hidden"]
             and ((answers.loc[answers[C.ITEM] == i, "hidden"] == "")
                  & (answers.loc[answers[C.ITEM] == i, C.COUNT] > 0)).any()]
    if not items:
        return None
    numeric_cols = sorted(answers.loc[answers[C.NON_NUMERIC].isna(), "column"].unique())
    other_cols = sorted(answers.loc[answers[C.NON_NUMERIC].notna(), "column"].unique())
    colours = _diverging(len(numeric_cols))
    main_bars, side_bars = [], []   # (y, width, left, colour, gid, hatch)
    side_max = 0.0
    for y, item in enumerate(items):
        part = answers[answers[C.ITEM] == item].set_index("column")
        n = float(totals.at[item, C.N_ASKED])
        shares = [0.0 if part.at[j, "hidden"] else part.at[j, C.COUNT] / n
                  for j in numeric_cols]
        k = len(shares)
        mid = k // 2
        left = -(sum(shares[:mid]) + (shares[mid] / 2 if k % 2 else 0))
        for j, share, colour in zip(numeric_cols, shares, colours):
            if share:
                main_bars.append((y, share, left, colour, f"{item}|{j}", None))
            left += share
        right = 0.0
        for j in other_cols:
            if not part.at[j, "hidden"] and part.at[j, C.COUNT]:
                share = part.at[j, C.COUNT] / n
                side_bars.append((y, share, right, DONT_KNOW_COLOUR, f"{item}|{j}", None))
                right += share
        hidden = part.loc[part["hidden"] != "", C.COUNT].sum() / n
        if hidden > 0:
            side_bars.append((y, hidden, right, HIDDEN_COLOUR, f"{item}|hidden", "////"))
            right += hidden
        side_max = max(side_max, right)
    side_span = max(0.5, float(np.ceil(side_max * 4) / 4))
    fig, (ax, side) = plt.subplots(
        1, 2, figsize=(10, 0.55 * len(items) + 2.3), sharey=True,
        gridspec_kw={"width_ratios": [2.0, side_span], "wspace": 0.06})
    for axis, bars in ((ax, main_bars), (side, side_bars)):
        if not bars:
            continue
        ys, widths, lefts, fills, gids, hatches = zip(*bars)
        # one call per panel (each call builds its own container)
        patches = axis.barh(ys, widths, left=lefts, color=fills, edgecolor="white", height=0.7)
        for patch, gid, hatch in zip(patches, gids, hatches):
            patch.set_gid(gid)
            if hatch:
                patch.set_hatch(hatch)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([textwrap.fill(f"{item_labels.get(i, i)} (n = {int(totals.at[i, C.N_ASKED])})",
                                      46) for i in items], fontsize=8)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ticks = [-1, -0.5, 0, 0.5, 1]
    ax.set_xticks(ticks)
    ax.set_xticklabels([_pct(abs(t), lang) for t in ticks], fontsize=8)
    side.set_xlim(0, side_span)
    side_ticks = [t for t in (0.25, 0.5, 0.75, 1.0) if t <= side_span]
    side.set_xticks(side_ticks)
    side.set_xticklabels([_pct(t, lang) for t in side_ticks], fontsize=8)
    side.tick_params(axis="y", left=False)
    side.set_title("\n".join(textwrap.shorten(x, 22, placeholder="…") for x in
                             [*non_numeric_labels, word("not_shown", lang)]), fontsize=7)
    ax.invert_yaxis()
    if title:
        ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    labels = list(column_labels)
    if other_cols:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=DONT_KNOW_COLOUR))
        labels.append(" / ".join(non_numeric_labels))
    handles.append(plt.Rectangle((0, 0), 1, 1, facecolor=HIDDEN_COLOUR, hatch="////",
                                 edgecolor="white"))
    labels.append(word("not_shown_mark", lang, k=min_n))
    fig.legend(handles, [textwrap.shorten(x, 40, placeholder="…") for x in labels],
               fontsize=7, ncol=3, loc="lower center", frameon=False)
    fig.subplots_adjust(left=0.34, right=0.98, top=0.9 if title else 0.95,
                        bottom=0.42 / (0.55 * len(items) + 2.3) * 2 + 0.05)
    set_alt_text(fig, word("likert_alt", lang) + " " + "; ".join(
        f"{item_labels.get(i, i)}" for i in items))
    return fig


def _pct(value: float, lang: str) -> str:
    return number(100 * value, lang, 0) + "%"

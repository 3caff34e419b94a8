"""The one table renderer: every table of a supplement goes through :class:`Table`.

A :class:`Table` holds what a reader sees — a header, rows of cells already formatted in
the page's language, which cells are hidden and why — and writes it as HTML through
pandas' :class:`~pandas.io.formats.style.Styler` with this package's template
(``image_synth/data/templates/isx_table.tpl``, an extension of pandas' own
``html_table.tpl``). Why Styler: it ships with pandas (no new dependency), renders
through jinja2 templates we can extend for accessibility (``scope`` on every header,
``data-hidden`` on hidden cells, a caption), takes a fixed table id
(:meth:`~pandas.io.formats.style.Styler.set_uuid`) so the same table gives the same
bytes, and needs no script or font from the internet.

Every table sits in ``<div class="isx-table-wrap" role="region" tabindex="0">``: a wide
table scrolls inside its own box, the page never pans sideways (the page CSS,
``image_synth/data/css/page.css``, does the rest).

Hidden cells carry ``data-hidden="primary"`` (rests on fewer than k respondents) or
``data-hidden="complementary"`` (hidden so that a primary cell cannot be recovered);
:meth:`Table.hidden` counts them from the cells, not from the HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

__all__ = ["Cell", "Row", "Table", "page_style"]


@dataclass(frozen=True)
class Cell:
    """One body cell: its HTML (already escaped and formatted), whether it is a number
    (right-aligned), and its disclosure state (``""``, ``"primary"``, ``"complementary"``)."""

    html: str
    numeric: bool = True
    state: str = ""
    cls: str = ""
    #: states of hidden parts inside a shown cell (each an inline
    #: ``<span data-hidden="...">``, e.g. the n of a mean whose n is hidden)
    inner: tuple[str, ...] = ()

    @staticmethod
    def text(value: Any, *, numeric: bool = False, cls: str = "") -> "Cell":
        """A cell showing plain text (escaped here)."""
        return Cell(html.escape("" if value is None else str(value)), numeric=numeric, cls=cls)


@dataclass
class Row:
    """One body row: the row header (HTML) and its cells; ``level`` indents the header,
    ``parent`` makes it bold (a total above its parts)."""

    label: str
    cells: list[Cell]
    level: int = 0
    parent: bool = False
    cls: str = ""
    #: HTML of a full-width row below this one (a quote, details), or ``""``
    detail: str = ""


@dataclass
class Table:
    """A table as the reader sees it.

    Parameters
    ----------
    id
        Fixed id of the table on the page (``T_<id>``): the same table, the same bytes.
    header
        The column heads, first the head of the row-header column (plain text).
    rows
        The body rows.
    caption
        What the table shows (plain text), shown above it.
    kind
        Extra class of the ``<table>`` (``isx-dist``, ``isx-joint``...).
    notes
        Plain-text notes under the table (one ``<p class="isx-note">`` each).
    """

    id: str
    header: Sequence[str]
    rows: list[Row]
    caption: str | None = None
    kind: str = ""
    notes: list[str] = field(default_factory=list)

    def hidden(self) -> dict[str, int]:
        """How many cells of each disclosure state the table shows."""
        out = {"primary": 0, "complementary": 0}
        for row in self.rows:
            for cell in row.cells:
                if cell.state:
                    out[cell.state] += 1
                for state in cell.inner:
                    out[state] += 1
        return out

    def to_html(self) -> str:
        import pandas as pd

        width = len(self.header) - 1
        for row in self.rows:
            if len(row.cells) != width:
                raise ValueError(f"table {self.id!r}: a row has {len(row.cells)} cells, the "
                                 f"header {width} columns")
        body = pd.DataFrame([[c.html for c in r.cells] for r in self.rows],
                            index=pd.Index([r.label for r in self.rows]),
                            columns=pd.Index([html.escape(h) for h in self.header[1:]]))
        if body.columns.has_duplicates:  # Styler needs unique columns; the heads stay as given
            body.columns = pd.Index([f"{h}\u200b" * i if i else h
                                     for i, h in _numbered(list(body.columns))])
        styler = _styler_class()(body, cell_ids=False)
        styler.set_uuid(self.id)
        row_classes = []
        for r in self.rows:
            classes = [f"isx-level-{r.level}"] if r.level else []
            if r.parent:
                classes.append("isx-parent")
            if r.cls:
                classes.append(r.cls)
            row_classes.append(" ".join(classes))
        cell_classes = [[" ".join(x for x in ("isx-num" if c.numeric else "", c.cls) if x)
                         for c in r.cells] for r in self.rows]
        states = [[c.state for c in r.cells] for r in self.rows]
        text = styler.to_html(
            table_class=" ".join(x for x in ("isx-table", self.kind) if x),
            caption=html.escape(self.caption) if self.caption else "",
            aria_label=html.escape(self.caption or self.header[0], quote=True),
            first_header=html.escape(self.header[0]),
            row_classes=row_classes, cell_classes=cell_classes, cell_states=states,
            row_details=[r.detail for r in self.rows], ncols=len(self.header))
        notes = "".join(f'\n<p class="isx-note">{html.escape(n)}</p>' for n in self.notes if n)
        return text.strip() + notes

    def _repr_html_(self) -> str:
        return self.to_html()


def _numbered(values: list[str]) -> list[tuple[int, str]]:
    seen: dict[str, int] = {}
    out = []
    for v in values:
        out.append((seen.get(v, 0), v))
        seen[v] = seen.get(v, 0) + 1
    return out


@lru_cache(maxsize=1)
def _styler_class():
    from pandas.io.formats.style import Styler

    folder = resources.files("image_synth") / "data" / "templates"
    return Styler.from_custom_template(str(folder), html_table="isx_table.tpl",
                                      html_style="isx_style.tpl")


def page_style() -> str:
    """The page's CSS as a ``<style>`` element, for notebooks (the published page has it
    in its ``<head>``; the notebook's cell that shows it is left out of the page)."""
    from ..publish.html import CSS

    return f'<style data-isx="page-css">{CSS}</style>'

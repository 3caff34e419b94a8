"""The sections of the HTML supplement: one function per section of the report.

The supplement notebook (``image_synth/notebooks/supplement.ipynb``) holds no logic: its
first cell after the parameters calls :func:`prepare`, and every other cell calls one
function of this module and shows what it returns::

    data = sections.prepare(study, scope="region", scope_value="C", wave=2023)
    sections.response(data, lang="nl", publish=True)

Every section function has the signature ``name(data, *, lang="nl", publish=True)`` and
returns a :class:`Section`, an object Jupyter shows as HTML (``_repr_html_``). A section
starts with an ``<h2>`` heading whose ``id`` is the section's name (the HTML supplement
builds its table of contents from the ``<h2>``/``<h3>`` headings that carry an ``id``).

The analysis sections (mechanisms to networks) take their bodies from
:mod:`image_synth.render.strands`.

Figures and alt text
--------------------
A figure in a supplement always carries a text alternative. Wrap a matplotlib figure in
:class:`FigureOutput` (``FigureOutput(fig, alt="...")``; when ``alt`` is not given the
description attached by :func:`image_synth.network.plot.get_alt_text` is used, and a
figure without any description is refused). Put it in a section with
``Section(..., body=... + figure.to_html())``, which embeds ``<img alt="...">`` in the
section's HTML, or display it on its own (the same ``<figure>`` as ``text/html``; with
``format="png"`` the mime bundle is ``image/png`` with the alt text in the output
metadata, ``{"image/png": {"alt": "..."}}``, which the HTML exporter
(:mod:`image_synth.publish.html`) writes into the ``alt`` attribute). Figures are SVG
by default, written without time stamps or version and with fixed element ids, so the
same figure gives the same bytes.

Disclosure control
------------------
In publish mode (``publish=True``, the default) no breakdown based on fewer than the
study's minimum *n* respondents is shown, and complementary cells are hidden so that
none can be recovered by subtraction (see
:func:`image_synth.publish.disclosure.hierarchy_pattern`). Every hidden
cell is counted in ``data.suppressions`` and reported by :func:`run_info`, which the
notebook's last cell hands to :func:`image_synth.publish.record_run_info`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import columns as C
from ..errors import AnalysisError
from ..options import FIGURE_FORMATS, LANGUAGES, SCOPES, check_option
from ..publish.disclosure import table_pattern

if TYPE_CHECKING:
    import pandas as pd

    from ..study.load import Study

__all__ = [
    "SECTIONS",
    "FigureOutput",
    "ScopedStudy",
    "Section",
    "added_value",
    "conditions",
    "integration",
    "mechanisms",
    "methods",
    "networks",
    "policy",
    "prepare",
    "qualitative",
    "response",
    "run_info",
    "situations",
    "title",
]

#: The sections in the order of the report (and of the notebook).
SECTIONS = ("response", "situations", "mechanisms", "conditions", "added_value", "policy",
            "qualitative", "integration", "networks", "methods")

#: Seed of the global random generators, fixed by :func:`prepare`.
SEED = 20230101

#: What a hidden cell shows.
SUPPRESSED_MARK = "×"

_WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "response": "Respons en schoolkenmerken",
        "situations": "Samenwerkingssituaties",
        "situation": "Samenwerkingssituatie",
        "mechanisms": "Werkzame mechanismen en betrouwbaarheid",
        "conditions": "Condities",
        "added_value": "Ervaren meerwaarde",
        "policy": "Beleidsniveau en stimulering",
        "qualitative": "Factoren uit de interviews en verandering sinds de vorige meting",
        "integration": "Joint display, CMO-tabel en evidence map",
        "networks": "Netwerktekeningen",
        "methods": "Methode en herkomst",
        "pending": "Dit onderdeel volgt.",
        "supplement": "Bijlage",
        "national": "landelijk",
        "region": "regio",
        "wave": "meting",
        "not_for_publication": "Niet voor publicatie: alle aantallen worden getoond, ook "
                               "die op minder dan {k} respondenten rusten.",
        "synthetic": "De gegevens van deze studie zijn synthetisch.",
        "group": "groep",
        "n": "respondenten (n)",
        "total": "totaal",
        "no_respondents": "Voor deze selectie zijn geen vragenlijsten ingevuld.",
        "suppressed_note": "{mark} = niet getoond: rust op minder dan {k} respondenten, of "
                           "zou een niet getoonde cel via aftrekken prijsgeven.",
        "suppressed_count": "In deze tabel zijn {n} cellen niet getoond.",
        "response_intro": "Aantal scholen dat de vragenlijst invulde in meting {wave}, met "
                          "de stand van de samenwerking.",
        "sector": "sector",
        "regions": "regio's",
        "sectors": "sectoren",
        "respondents": "respondenten",
        "situation_of": "Regio {region} hoort bij de samenwerkingssituatie {situation}.",
        "sources": "Gegevensbronnen",
        "source_type": "soort bron",
        "count": "aantal",
        "no_sources": "Voor deze selectie zijn geen bronnen vastgelegd.",
        "study": "Studie",
        "scope": "Reikwijdte",
        "software": "Software",
        "disclosure": "Publicatieregel",
        "disclosure_text": "Geen aantal, aandeel, gemiddelde of figuur op minder dan {k} "
                           "respondenten; aanvullende cellen worden verborgen zodat geen "
                           "verborgen cel terug te rekenen is.",
        "disclosure_off": "Uitgeschakeld (--no-publish): alle aantallen worden getoond.",
        "inputs": "Invoerbestanden",
        "file": "bestand",
        "sha256": "sha256 (eerste 12 tekens)",
        "method_text": "Deze bijlage is gemaakt met image_synth: een notebook met "
                       "parameters, uitgevoerd met papermill en omgezet naar HTML met "
                       "nbconvert. Dezelfde invoer geeft dezelfde bijlage.",
    },
    "en": {
        "response": "Response and school characteristics",
        "situations": "Collaboration situations",
        "situation": "Collaboration situation",
        "mechanisms": "Working mechanisms and reliability",
        "conditions": "Conditions",
        "added_value": "Perceived added value",
        "policy": "Policy level and stimulation",
        "qualitative": "Factors from the interviews and change since the last wave",
        "integration": "Joint display, CMO table and evidence map",
        "networks": "Network drawings",
        "methods": "Methods and provenance",
        "pending": "This section will follow.",
        "supplement": "Supplement",
        "national": "national",
        "region": "region",
        "wave": "wave",
        "not_for_publication": "Not for publication: every number is shown, including "
                               "those resting on fewer than {k} respondents.",
        "synthetic": "The data of this study are synthetic.",
        "group": "group",
        "n": "respondents (n)",
        "total": "total",
        "no_respondents": "No questionnaires were returned for this selection.",
        "suppressed_note": "{mark} = not shown: rests on fewer than {k} respondents, or "
                           "would reveal a hidden cell by subtraction.",
        "suppressed_count": "{n} cells of this table are not shown.",
        "response_intro": "Number of schools that returned the questionnaire in wave "
                          "{wave}, with the state of their collaboration.",
        "sector": "sector",
        "regions": "regions",
        "sectors": "sectors",
        "respondents": "respondents",
        "situation_of": "Region {region} belongs to the collaboration situation {situation}.",
        "sources": "Sources",
        "source_type": "type of source",
        "count": "count",
        "no_sources": "No sources are recorded for this selection.",
        "study": "Study",
        "scope": "Scope",
        "software": "Software",
        "disclosure": "Publication rule",
        "disclosure_text": "No count, share, mean or chart based on fewer than {k} "
                           "respondents; complementary cells are hidden so that no hidden "
                           "cell can be recovered.",
        "disclosure_off": "Switched off (--no-publish): every number is shown.",
        "inputs": "Input files",
        "file": "file",
        "sha256": "sha256 (first 12 characters)",
        "method_text": "This supplement was made with image_synth: a parameterised "
                       "notebook executed by papermill and converted to HTML by nbconvert. "
                       "The same inputs give the same supplement.",
    },
}


# --------------------------------------------------------------------------------------
# displayable objects
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """One section of the supplement: an ``<h2>`` heading and an HTML body.

    Attributes
    ----------
    id
        The section's name; also the ``id`` of its heading (the TOC anchor).
    title
        The heading text (plain text; escaped on output).
    body
        HTML below the heading. Sub-headings are ``<h3 id="...">``.
    pending
        True while the section's analysis has not landed ("Dit onderdeel volgt.").
    """

    id: str
    title: str
    body: str = ""
    pending: bool = False

    def to_html(self) -> str:
        cls = "isx-section isx-pending" if self.pending else "isx-section"
        return (f'<section class="{cls}" data-section="{self.id}">\n'
                f'<h2 id="{self.id}">{html.escape(self.title)}</h2>\n{self.body}\n</section>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Section {self.id}: {self.title}{' (pending)' if self.pending else ''}>"


class FigureOutput:
    """A matplotlib figure as an SVG (or PNG) image with its text alternative (see the
    module docstring).

    Parameters
    ----------
    fig
        A :class:`matplotlib.figure.Figure`.
    alt
        What the figure shows, for screen readers. Defaults to the description attached
        with :func:`image_synth.network.plot.get_alt_text`; one of the two is required.
    caption
        Optional visible caption under the figure.
    format
        ``"svg"`` (default: vector, text kept as text, about twice as fast to write as a
        PNG) or ``"png"``.
    dpi
        Resolution of a PNG.
    """

    #: matplotlib settings for SVG: text as ``<text>`` (the viewer's sans-serif font, no
    #: glyph outlines) and element ids from a fixed salt, so the same figure gives the
    #: same bytes.
    SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "image_synth"}

    def __init__(self, fig: Any, *, alt: str | None = None, caption: str | None = None,
                 format: str = "svg", dpi: int = 80):
        check_option("format", format, FIGURE_FORMATS)
        if alt is None:
            alt = getattr(fig, "_image_synth_alt_text", None)
            if alt is None:
                from ..network.plot import get_alt_text

                alt = get_alt_text(fig)
        if not alt or not str(alt).strip():
            raise AnalysisError("a figure in a supplement needs alt text: pass alt='what the "
                                "figure shows'")
        self.alt = str(alt).strip()
        self.caption = caption
        self.mime = "image/svg+xml" if format == "svg" else "image/png"
        _drop_finished_layout(fig)
        buffer = io.BytesIO()
        if format == "svg":
            import matplotlib

            # no Date/Creator: the bytes do not depend on the day or matplotlib's version
            with matplotlib.rc_context(self.SVG_RC):
                fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            # no Software/CreationDate chunks: the same figure gives the same bytes
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
        # an SVG goes in an <img> (its ids and styles stay out of the page; real alt text)
        return {"text/html": self.to_html(), "text/plain": self.alt}, {}


def _drop_finished_layout(fig: Any) -> None:
    """``fig.tight_layout()`` leaves a placeholder layout engine behind, for which
    ``savefig`` draws the whole figure once more before the real draw; the layout is
    done, so the placeholder goes (a real engine, e.g. constrained layout, stays)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)


# --------------------------------------------------------------------------------------
# the scope a supplement describes
# --------------------------------------------------------------------------------------

@dataclass
class ScopedStudy:
    """A study seen from one scope: what every section function takes first.

    Attributes
    ----------
    study
        The whole study (all regions, situations, waves).
    data
        The study limited to the scope and wave (:meth:`Study.subset`).
    scope, scope_value, wave
        The notebook's parameters.
    suppressions
        One record per section (or table) of this supplement in which cells are shown
        as hidden: ``section``, ``table``, ``cells``, ``reason``; see :func:`run_info`.
    """

    study: Study
    data: Study
    scope: str
    scope_value: str
    wave: int
    suppressions: list[dict[str, Any]] = field(default_factory=list)
    #: results shared by several sections of one supplement (computed once)
    cache: dict[str, Any] = field(default_factory=dict)

    def label(self, lang: str = "nl") -> str:
        """``landelijk`` / the situation's label / ``regio C``."""
        w = _WORDS[lang]
        if self.scope == "national":
            return w["national"]
        if self.scope == "situation":
            return self.study.config.situation_label(self.scope_value, lang)
        return f"{w['region']} {_region_label(self.study, self.scope_value, lang)}"


def prepare(study: str | Path | Study = "", *, scope: str = "national",
            scope_value: str = "", wave: int | None = None) -> ScopedStudy:
    """Load the study (``""``: the embedded example) and limit it to one scope and wave.

    Also fixes the seeds of Python's and numpy's global random generators, so anything
    that still draws from them gives the same supplement on every run.

    Parameters
    ----------
    study
        A study folder, its ``study.yaml``, a loaded :class:`~image_synth.Study`, or
        ``""`` for the embedded example study.
    scope
        ``"national"``, ``"situation"`` or ``"region"``.
    scope_value
        The situation or region id; ``""`` for the national scope.
    wave
        The measurement wave; ``None`` takes the latest wave that has survey data.

    Raises
    ------
    OptionError
        ``scope`` is not one of the scopes.
    DataValidationError
        The study has no such situation, region or wave.
    """
    import numpy as np

    check_option("scope", scope, SCOPES)
    random.seed(SEED)
    np.random.seed(SEED % 2**32)
    if isinstance(study, (str, Path)):
        from ..study.load import load_study

        study = load_study(study or None)
    if scope == "national":
        if scope_value:
            raise AnalysisError(f"scope_value={scope_value!r} must be '' for the national "
                                "scope")
    elif not scope_value:
        raise AnalysisError(f"scope={scope!r} needs a scope_value (a {scope} id of the "
                            "study)")
    if wave is None:
        wave = latest_wave(study)
    subset = study.subset(wave=wave,
                          situation=scope_value if scope == "situation" else None,
                          region=scope_value if scope == "region" else None)
    return ScopedStudy(study=study, data=subset, scope=scope, scope_value=scope_value,
                       wave=int(wave))


def latest_wave(study: Study) -> int:
    """The latest wave with survey data (else the study's latest wave)."""
    with_data = [wf.wave for wf in study.config.survey]
    return int(max(with_data or study.config.waves))


# --------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------

def title(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> HTMLBlock:
    """The page title: study, scope and wave, and the not-for-publication banner."""
    check_option("lang", lang, LANGUAGES)
    w = _WORDS[lang]
    cfg = data.study.config
    subtitle = f'{w["supplement"]}: {data.label(lang)} · {w["wave"]} {data.wave}'
    parts = [f'<h1 class="isx-title">{html.escape(cfg.name)}</h1>',
             f'<p class="isx-subtitle">{html.escape(subtitle)}</p>']
    if not publish:
        # the HTML page has its own banner (image_synth.publish.html); this one is for
        # the notebook in JupyterLab and is hidden by the page's stylesheet
        parts.append(f'<p class="isx-banner isx-notebook-only" role="note">'
                     f'{html.escape(w["not_for_publication"].format(k=data.study.min_n))}</p>')
    if cfg.synthetic:
        parts.append(f'<p class="isx-note">{html.escape(w["synthetic"])}</p>')
    return HTMLBlock("\n".join(parts))


def response(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Response and school characteristics: schools per group and their collaboration status.

    National: one row per situation and per region; a situation: one row per region; a
    region: one row per sector. Each row gives ``n`` and the count per answer of the
    instrument's status item (the item in block ``status``).
    """
    check_option("lang", lang, LANGUAGES)
    w = _WORDS[lang]
    table = _response_table(data, lang=lang)
    if table is None:
        return Section("response", w["response"], f"<p>{w['no_respondents']}</p>")
    rows, columns, hidden = table
    if not publish:
        hidden = set()
    body = [f"<p>{html.escape(w['response_intro'].format(wave=data.wave))}</p>"]
    body.append(_html_table(rows, columns, hidden, lang=lang))
    n_hidden = len(hidden)
    _record_hidden(data, "response", n_hidden, table="status")
    if n_hidden:
        note = w["suppressed_note"].format(mark=SUPPRESSED_MARK, k=data.study.min_n)
        count = w["suppressed_count"].format(n=n_hidden)
        body.append(f'<p class="isx-note">{html.escape(note)} {html.escape(count)}</p>')
    return Section("response", w["response"], "\n".join(body))


def situations(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """The collaboration situation(s) of the scope, with their regions and sectors."""
    check_option("lang", lang, LANGUAGES)
    w = _WORDS[lang]
    cfg = data.study.config
    if data.scope == "region":
        region = cfg.region(data.scope_value)
        text = w["situation_of"].format(region=_region_label(data.study, region.id, lang),
                                        situation=cfg.situation_label(region.situation, lang))
        body = f"<p>{html.escape(text)}</p>"
        if region.sectors:
            names = ", ".join(_sector_label(data.study, s, lang) for s in region.sectors)
            body += f"<p>{html.escape(w['sectors'].capitalize())}: {html.escape(names)}</p>"
        return Section("situations", w["situation"], body)
    levels = [s for s in cfg.situations
              if data.scope == "national" or s.id == data.scope_value]
    items = []
    for level in levels:
        regions = [_region_label(data.study, r.id, lang) for r in cfg.regions
                   if r.situation == level.id]
        items.append(f"<li><strong>{html.escape(cfg.situation_label(level.id, lang))}</strong>"
                     f" ({len(regions)} {w['regions']}: {html.escape(', '.join(regions))})</li>")
    heading = w["situations"] if data.scope == "national" else w["situation"]
    return Section("situations", heading, "<ul>\n" + "\n".join(items) + "\n</ul>")


def mechanisms(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Working mechanisms: scale scores with their reliabilities."""
    return _strand_section("mechanisms", data, lang=lang, publish=publish)


def conditions(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Conditions: the single condition items."""
    return _strand_section("conditions", data, lang=lang, publish=publish)


def added_value(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Perceived added value: satisfaction and yields, and their association with mechanisms."""
    return _strand_section("added_value", data, lang=lang, publish=publish)


def policy(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Policy level and stimulation: school board and samenwerkingsverband."""
    return _strand_section("policy", data, lang=lang, publish=publish)


def qualitative(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Qualitative factors (k of N sources) with change since the last wave."""
    return _strand_section("qualitative", data, lang=lang, publish=publish)


def integration(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Joint display, context-mechanism-outcome table and evidence map."""
    return _strand_section("integration", data, lang=lang, publish=publish)


def networks(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Network drawings of the reflection meetings."""
    return _strand_section("networks", data, lang=lang, publish=publish)


def methods(data: ScopedStudy, *, lang: str = "nl", publish: bool = True) -> Section:
    """Methods and provenance: study, scope, sources, publication rule, input file hashes."""
    check_option("lang", lang, LANGUAGES)
    w = _WORDS[lang]
    from .. import __version__

    cfg = data.study.config
    rule = (w["disclosure_text"].format(k=data.study.min_n) if publish
            else w["disclosure_off"])
    facts = [(w["study"], f"{cfg.name} ({cfg.id})"),
             (w["scope"], f"{data.label(lang)} · {w['wave']} {data.wave}"),
             (w["disclosure"], rule),
             (w["software"], f"image_synth {__version__}")]
    body = [f"<p>{html.escape(w['method_text'])}</p>", '<dl class="isx-facts">']
    body += [f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts]
    body.append("</dl>")

    body.append(f'<h3 id="methods-sources">{html.escape(w["sources"])}</h3>')
    sources = data.data.sources
    if len(sources):
        counts = sources.groupby(C.SOURCE_TYPE).size().sort_index()
        rows = [{"key": t, "label": str(t), "values": [int(n)], "level": 0}
                for t, n in counts.items()]
        body.append(_html_table(rows, [w["count"]], set(), lang=lang,
                                first=w["source_type"]))
    else:
        body.append(f"<p>{html.escape(w['no_sources'])}</p>")

    body.append(f'<h3 id="methods-inputs">{html.escape(w["inputs"])}</h3>')
    rows = [{"key": rel, "label": rel, "values": [digest[:12]], "level": 0}
            for rel, digest in input_hashes(data.study.root).items()]
    body.append(_html_table(rows, [w["sha256"]], set(), lang=lang, first=w["file"],
                            code=True))
    return Section("methods", w["methods"], "\n".join(body))


def run_info(data: ScopedStudy, *, publish: bool = True) -> dict[str, Any]:
    """What the batch runner records in ``manifest.json`` for this supplement.

    ``suppressed_cells`` counts the cells shown as hidden in this supplement's tables
    (marked ``isx-suppressed`` in its HTML), over the sections made from ``data`` so
    far; ``suppressions`` lists them per section. Figures leave hidden cells out and do
    not count.
    """
    records = [r for r in data.suppressions if r["cells"]]
    cells = sum(int(r["cells"]) for r in records)
    return {"scope": data.scope, "scope_value": data.scope_value, "wave": data.wave,
            "publish": bool(publish), "min_n": data.study.min_n,
            "suppressed_cells": cells if publish else 0,
            "suppressions": records if publish else []}


def _record_hidden(data: ScopedStudy, section: str, cells: int, *,
                   table: str | None = None) -> None:
    """Record how many cells ``section`` shows as hidden (replacing an earlier record of
    the same section and table: a section made twice is counted once)."""
    data.suppressions[:] = [r for r in data.suppressions
                            if (r["section"], r.get("table")) != (section, table)]
    data.suppressions.append({"section": section, "table": table, "cells": int(cells),
                              "reason": f"n < {data.study.min_n} or complementary"})


#: How a hidden cell is marked in a section's HTML (``class="isx-suppressed"``).
_HIDDEN_CELL = re.compile(r"""class=["']isx-suppressed["']""")


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HTMLBlock:
    """Plain HTML without a section heading (the page title)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "<HTMLBlock>"


def _strand_section(section_id: str, data: ScopedStudy, *, lang: str,
                    publish: bool) -> Section:
    """A section whose body comes from :mod:`image_synth.render.strands`."""
    from . import strands

    check_option("lang", lang, LANGUAGES)
    body = getattr(strands, f"{section_id}_body")(data, lang=lang, publish=publish)
    _record_hidden(data, section_id, len(_HIDDEN_CELL.findall(body)) if publish else 0)
    return Section(section_id, _WORDS[lang][section_id], body)


def input_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file of a study folder, by path relative to it (sorted, ``/``).

    Hidden files and folders (``.name``) and ``__pycache__`` are skipped.
    """
    root = Path(root)
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        if path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(out.items()))


def _region_label(study: Study, region_id: str, lang: str) -> str:
    region = study.config.region(region_id)
    return region.label.get(lang) if region.label else region.id


def _sector_label(study: Study, sector_id: str, lang: str) -> str:
    for level in study.config.sectors:
        if level.id == sector_id:
            return level.label.get(lang) if level.label else level.id
    return sector_id


def _status_item(study: Study):
    items = study.instrument.items_in_block("status")
    return items[0] if items else None


def _response_table(data: ScopedStudy, *, lang: str):
    """Rows (dicts) and columns of the response table for the scope, plus hidden rows.

    The suppression pattern is computed once on the whole study (all situations,
    regions and sectors of the wave) and applied to the rows this scope shows, so that
    supplements of different scopes never reveal each other's hidden cells.
    """
    study = data.study
    survey = study.survey[study.survey[C.WAVE] == data.wave]
    if not len(survey):
        return None
    status = _status_item(study)
    codes = []
    columns = []
    if status is not None:
        rs = study.instrument.response_set(status.id)
        codes = rs.allowed
        columns = [rs.label(c, lang) for c in codes]
    w = _WORDS[lang]
    cfg = study.config

    def counts(frame: pd.DataFrame) -> tuple[int, list[int]]:
        values = [int((frame[status.id] == c).sum()) for c in codes] if status else []
        return len(frame), values

    # the full hierarchy: total > situation > region > sector
    nodes: dict[tuple, dict] = {}
    parents: list[tuple[tuple, list[tuple]]] = []
    total_key = ("total",)
    n, values = counts(survey)
    nodes[total_key] = {"n": n, "values": values}
    sit_keys = []
    for s in cfg.situations:
        s_frame = survey[survey[C.SITUATION] == s.id]
        key = ("situation", s.id)
        sit_keys.append(key)
        nodes[key] = dict(zip(("n", "values"), counts(s_frame)))
        reg_keys = []
        for r in (r for r in cfg.regions if r.situation == s.id):
            r_frame = s_frame[s_frame[C.REGION] == r.id]
            rkey = ("region", r.id)
            reg_keys.append(rkey)
            nodes[rkey] = dict(zip(("n", "values"), counts(r_frame)))
            sec_ids = list(r.sectors) or sorted(r_frame[C.SECTOR].dropna().unique())
            sec_keys = []
            for sec in sec_ids:
                skey = ("sector", r.id, sec)
                sec_keys.append(skey)
                nodes[skey] = dict(zip(("n", "values"), counts(r_frame[r_frame[C.SECTOR] == sec])))
            parents.append((rkey, sec_keys))
        parents.append((key, reg_keys))
    parents.append((total_key, sit_keys))
    # cell-level pattern: cell (row, 0) is the row's n, (row, j) its j-th status count.
    # Every status count of 1 to min_n - 1 is hidden, and enough complementary cells
    # with it that no hidden cell can be recovered, along the row (counts add up to n)
    # or down the hierarchy (children add up to their parent, column by column).
    hidden_cells = (table_pattern({k: [node["n"], *node["values"]] for k, node in nodes.items()},
                                  parents, min_n=study.min_n) if columns else set())

    def row(key, label, level):
        parent = level == 0 or (data.scope == "national" and level == 1)
        return {"key": key, "label": label, "n": nodes[key]["n"],
                "values": [nodes[key]["n"], *nodes[key]["values"]], "level": level,
                "parent": parent}

    rows = []
    if data.scope == "national":
        rows.append(row(total_key, w["total"], 0))
        for key in sit_keys:
            rows.append(row(key, cfg.situation_label(key[1], lang), 1))
            for rkey in dict(parents)[key]:
                rows.append(row(rkey, f"{w['region']} {_region_label(study, rkey[1], lang)}", 2))
    elif data.scope == "situation":
        key = ("situation", data.scope_value)
        rows.append(row(key, cfg.situation_label(data.scope_value, lang), 0))
        rows += [row(c, f"{w['region']} {_region_label(study, c[1], lang)}", 1)
                 for c in dict(parents)[key]]
    else:
        key = ("region", data.scope_value)
        rows.append(row(key, f"{w['region']} {_region_label(study, data.scope_value, lang)}", 0))
        rows += [row(c, f"{w['sector']} {_sector_label(study, c[2], lang)}", 1)
                 for c in dict(parents)[key]]
    shown = {r["key"] for r in rows}
    return rows, [w["n"], *columns], {c for c in hidden_cells if c[0] in shown}


def _html_table(rows: list[dict], columns: list[str], hidden: set, *, lang: str,
                first: str | None = None, code: bool = False) -> str:
    """A plain, deterministic HTML table; every cell of a hidden row shows the mark."""
    w = _WORDS[lang]
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in [first or w["group"],
                                                                      *columns])
    out = ['<table class="isx-table">', f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for r in rows:
        cells = []
        for j, value in enumerate(r["values"]):
            if r["key"] in hidden or (r["key"], j) in hidden:
                cells.append(f'<td class="isx-suppressed">{SUPPRESSED_MARK}</td>')
            elif code:
                cells.append(f"<td><code>{html.escape(str(value))}</code></td>")
            else:
                cells.append(f'<td class="isx-num">{html.escape(str(value))}</td>')
        label = html.escape(str(r["label"]))
        classes = [f"isx-level-{r.get('level', 0)}"]
        if r.get("parent"):
            classes.append("isx-parent")
        elif r.get("level"):
            classes.append("isx-child")
        cls = f' class="{" ".join(classes)}"'
        out.append(f'<tr{cls}><th scope="row">{label}</th>{"".join(cells)}</tr>')
    out += ["</tbody>", "</table>"]
    return "\n".join(out)

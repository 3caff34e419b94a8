"""Drawing network drawings in the report's colours.

Ties are coloured as in the drawing instruction (red intensive contact, green decision
making, blue initiative; extra kinds in the colour their vocabulary gives), with an
arrow head on directed ties. Several ties between the same two parties are drawn as
arcs bent apart, so each kind stays visible. Parties get a marker shape and fill by
type, and their label underneath.

The layout is deterministic (no random seed involved):

* a drawing classified as a ``star`` is drawn radially: the hub in the centre, its
  partners on a ring, parties linked only through them on an outer ring next to
  their partner, parties without ties in a row underneath;
* any other drawing is drawn per component with Kamada-Kawai (which starts from a
  circular layout, so it gives the same picture every time), components side by side,
  largest first, parties without ties in a row underneath; parties closer than a label
  width are then pushed apart.

Each label goes below its party unless another side covers fewer labels, markers and
ties (so that a label never hides an arrow head). The hub of a star or network has a
thick outline.

Every figure carries a one-paragraph description for screen readers: see
:func:`alt_text` and :func:`get_alt_text`. Save it with the image, for example
``fig.savefig(path, metadata={"Description": get_alt_text(fig)})`` for PNG.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from ..options import LANGUAGES, check_option
from ..render.words import word
from .drawings import Drawing, _iter_drawings, party_label
from .measures import measures

__all__ = [
    "PARTY_STYLES",
    "STRUCTURE_LABELS",
    "alt_text",
    "drawing_place",
    "get_alt_text",
    "layout",
    "plot_drawing",
    "plot_drawings",
]

#: Marker shape and fill of each default party type (matplotlib marker codes).
PARTY_STYLES: dict[str, tuple[str, str]] = {
    "swv": ("H", "#fed976"),
    "school": ("s", "#f0f0f0"),
    "school_po": ("s", "#e5d8bd"),
    "school_vo": ("s", "#decbe4"),
    "school_vso": ("s", "#fddaec"),
    "school_board": ("p", "#d9d9d9"),
    "municipality": ("D", "#bdbdbd"),
    "childcare": ("^", "#ffffcc"),
    "youth_care": ("v", "#f1e2cc"),
    "parents": ("o", "#ececec"),
    "pupil": ("o", "#ffffff"),
    "expertise_team": ("8", "#d9c7a7"),
    "project_leader": ("*", "#fec44f"),
    "support_coordinator": ("P", "#e5d8bd"),
    "teacher": ("d", "#e5d8bd"),
    "provision": (">", "#f2f2f2"),
    "other": ("o", "#f2f2f2"),
}
_EXTRA_STYLE = ("o", "#f2f2f2")
_MARKER_SIZE = {"*": 520}  # the star marker looks small at the common size
_NODE_SIZE = 330
_EDGE_WIDTH = {"intensive_contact": 2.4}

#: The structure classes' names and the rules' reasons are catalogue words
#: (``structure_<class>``, ``net_reason_<rule>`` in ``image_synth/data/words/<lang>/``).
STRUCTURE_LABELS = {s: f"structure_{s}" for s in ("star", "network", "fragmented")}

_ALT_ATTR = "_image_synth_alt_text"


# --------------------------------------------------------------------------- text

def _type_label(drawing: Drawing, ptype: str | None, lang: str) -> str:
    spec = drawing.party_types.get(ptype or "", {})
    return spec.get(lang) or str(ptype).replace("_", " ")


def _kind_label(drawing: Drawing, kind: str, lang: str) -> str:
    spec = drawing.tie_kinds.get(kind, {})
    return spec.get(lang) or kind.replace("_", " ")


def _labels(drawing: Drawing, ids: str, lang: str) -> str:
    return ", ".join(party_label(drawing, p, lang) for p in ids.split(",") if p)


def drawing_place(drawing: Drawing, lang: str = "nl") -> str:
    """Where a drawing comes from, for its panel title and description, when the caller
    gives no names from the study: the drawing's ``title``, else its region, situation
    and wave as written in the file (the meeting id only when the file says nothing
    else). :func:`image_synth.render.sections.networks` passes the study's names."""
    if drawing.title:
        return drawing.title
    parts = [str(drawing.situation).replace("_", " ") if drawing.situation else None,
             word("net_title_region", lang, region=drawing.region) if drawing.region else None,
             str(drawing.wave) if getattr(drawing, "wave", None) else None]
    return " · ".join(p for p in parts if p) or drawing.meeting


def alt_text(drawing: Drawing, lang: str = "nl", *, row: Any = None,
             place: str | None = None) -> str:
    """A description of one drawing for screen readers, in Dutch or English.

    Names the meeting, the number of parties and lines per kind, the structure class
    and why, the hub, the parties without lines, and who takes initiative and decides.

    Parameters
    ----------
    drawing
        The drawing.
    lang
        ``"nl"`` or ``"en"``.
    row
        The drawing's ``"all"`` row from :func:`~image_synth.network.measures.measures`
        (computed when not given, with the default classification).
    place
        Where the drawing comes from, in the reader's words (for example ``binnen po ·
        regio C · 2023`` from the study's labels); default :func:`drawing_place`.
    """
    check_option("lang", lang, LANGUAGES)
    if row is None:
        row = measures([drawing]).iloc[0]
    counts = []
    for kind in drawing.tie_kinds:
        n = len(drawing.ties(kind))
        if n:
            counts.append(f"{n} {_kind_label(drawing, kind, lang)}")
    head = f"{word('net_drawing', lang)} {place or drawing_place(drawing, lang)}"
    text = (f"{head}: {row['n_parties']} {word('net_parties', lang)}, {row['n_ties']} "
            f"{word('net_ties', lang)}" + (f" ({'; '.join(counts)})" if counts else "") + ". ")
    structure = row["structure"]
    reason = word(f"net_reason_{row['structure_rule']}", lang,
                  core=_kind_label(drawing, "intensive_contact", lang),
                  k=row["n_linked_components"])
    text += (f"{word('net_structure', lang)}: {word(STRUCTURE_LABELS[structure], lang)} "
             f"({reason}). ")
    if row["hub"] is not None and not (isinstance(row["hub"], float) and math.isnan(row["hub"])):
        hub = party_label(drawing, row["hub"], lang)
        a = round(row["hub_share"] * row["n_pairs"])
        text += (f"{word('net_hub', lang)}: {hub} "
                 f"({word('net_of_pairs', lang, a=a, b=row['n_pairs'])}). ")
    text += (f"{word('net_isolated', lang)}: "
             f"{_labels(drawing, row['isolated'], lang) or word('net_none', lang)}. ")
    if row["initiators"]:
        text += f"{word('net_initiative', lang)}: {_labels(drawing, row['initiators'], lang)}. "
    if row["deciders"]:
        text += f"{word('net_decision', lang)}: {_labels(drawing, row['deciders'], lang)}."
    return text.strip()


def get_alt_text(artist: Figure | Axes) -> str | None:
    """The description stored by :func:`plot_drawing` / :func:`plot_drawings`."""
    return getattr(artist, _ALT_ATTR, None)


def set_alt_text(artist: Figure | Axes, text: str) -> None:
    setattr(artist, _ALT_ATTR, text)


# --------------------------------------------------------------------------- layout

def _normalise(pos: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    if not pos:
        return pos
    xy = np.array(list(pos.values()), dtype=float)
    centre = (xy.max(axis=0) + xy.min(axis=0)) / 2
    span = max(float((xy.max(axis=0) - xy.min(axis=0)).max()), 1e-9)
    return {k: (np.asarray(v, dtype=float) - centre) * (2 / span) for k, v in pos.items()}


def _spread(pos: dict[str, np.ndarray], rx: float, ry: float, rounds: int = 80
            ) -> dict[str, np.ndarray]:
    """Push apart parties whose label boxes would overlap; deterministic.

    Two parties overlap when ``hypot(dx / rx, dy / ry) < 1``: labels are wider than
    tall, so parties side by side need more room than parties above each other.
    """
    keys = list(pos)
    xy = np.array([pos[k] for k in keys], dtype=float)
    radii = np.array([rx, ry])
    for _ in range(rounds):
        moved = False
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                delta = (xy[j] - xy[i]) / radii
                dist = float(np.hypot(*delta))
                if dist >= 1:
                    continue
                direction = delta / dist if dist > 1e-9 else np.array([1.0, 0.0])
                push = (1 - dist) / 2 + 1e-3
                xy[i] -= direction * push * radii
                xy[j] += direction * push * radii
                moved = True
        if not moved:
            break
    return {k: xy[n] for n, k in enumerate(keys)}


def _row_below(nodes: list[str], y: float, width: float) -> dict[str, np.ndarray]:
    if not nodes:
        return {}
    xs = np.linspace(-width / 2, width / 2, len(nodes)) if len(nodes) > 1 else [0.0]
    return {n: np.array([x, y]) for n, x in zip(nodes, xs)}


def _radial(drawing: Drawing, g: nx.Graph, hub: str) -> dict[str, np.ndarray]:
    order = drawing.parties
    ring1 = [p for p in order if g.has_edge(hub, p)]
    reach = nx.node_connected_component(g, hub)
    ring2 = [p for p in order if p in reach and p != hub and p not in ring1]
    rest = [p for p in order if p not in reach]
    pos = {hub: np.array([0.0, 0.0])}
    angle = {}
    for i, p in enumerate(ring1):
        a = math.pi / 2 - 2 * math.pi * i / max(len(ring1), 1)
        if len(ring1) == 2:
            a += math.pi / 4  # two partners: not straight above each other
        angle[p] = a
        pos[p] = np.array([math.cos(a), math.sin(a)])
    used: list[float] = []
    for p in ring2:
        anchors = [angle[q] for q in ring1 if g.has_edge(p, q)]
        if anchors:
            a = math.atan2(sum(math.sin(x) for x in anchors), sum(math.cos(x) for x in anchors))
        else:
            a = math.pi / 2 - 2 * math.pi * (len(used) + 0.5) / max(len(ring2), 1)
        while any(abs(math.remainder(a - u, 2 * math.pi)) < 0.35 for u in used):
            a -= 0.35
        used.append(a)
        angle[p] = a
        pos[p] = np.array([1.9 * math.cos(a), 1.9 * math.sin(a)])
    bottom = min(v[1] for v in pos.values()) - 0.9
    pos.update(_row_below(rest, bottom, 2.4))
    return pos


def _components(drawing: Drawing, g: nx.Graph) -> dict[str, np.ndarray]:
    order = {p: i for i, p in enumerate(drawing.parties)}
    comps = [sorted(c, key=order.get) for c in nx.connected_components(g) if len(c) >= 2]
    comps.sort(key=lambda c: (-len(c), order[c[0]]))
    isolated = [p for p in drawing.parties if g.degree(p) == 0]
    pos: dict[str, np.ndarray] = {}
    x = 0.0
    for comp in comps:
        sub = g.subgraph(comp)
        if len(comp) == 2:
            local = {comp[0]: np.array([-0.5, 0.0]), comp[1]: np.array([0.5, 0.0])}
        else:
            ordered = nx.Graph()  # nodes in file order: the start layout, so the result
            ordered.add_nodes_from(comp)  # does not depend on set iteration order
            ordered.add_edges_from(sub.edges)
            local = nx.kamada_kawai_layout(ordered)
        radius = math.sqrt(len(comp)) / 2
        local = {k: v * radius for k, v in _normalise(local).items()}
        if pos:
            x += radius + 0.6
        for k, v in local.items():
            pos[k] = v + np.array([x, 0.0])
        x += radius
    if not pos:
        return _row_below(isolated, 0.0, 2.4)
    xs = [v[0] for v in pos.values()]
    shift = (max(xs) + min(xs)) / 2
    pos = {k: v - np.array([shift, 0.0]) for k, v in pos.items()}
    bottom = min(v[1] for v in pos.values()) - 0.9
    width = max(2.4, (max(xs) - min(xs)) * 0.9)
    pos.update(_row_below(isolated, bottom, width))
    return pos


def layout(drawing: Drawing, *, row: Any = None) -> dict[str, np.ndarray]:
    """Positions of the parties, in a box of about [-1, 1] x [-1, 1].

    Radial around the hub for a drawing classified as ``star``; Kamada-Kawai per
    component otherwise. Parties without ties go in a row underneath. Deterministic.
    """
    if row is None:
        row = measures([drawing]).iloc[0]
    g = nx.Graph()
    g.add_nodes_from(drawing.parties)
    g.add_edges_from((u, v) for u, v, _ in drawing.ties())
    if row["structure"] == "star" and isinstance(row["hub"], str):
        pos = _radial(drawing, g, row["hub"])
    else:
        pos = _spread(_normalise(_components(drawing, g)), rx=0.75, ry=0.3)
    return _normalise(pos)


# --------------------------------------------------------------------------- drawing

def _style(drawing: Drawing, ptype: str | None) -> tuple[str, str]:
    if ptype in PARTY_STYLES:
        return PARTY_STYLES[ptype]
    spec = drawing.party_types.get(ptype or "", {})
    return spec.get("shape", _EXTRA_STYLE[0]), spec.get("colour", _EXTRA_STYLE[1])


def _kind_colour(drawing: Drawing, kind: str) -> str:
    return drawing.tie_kinds.get(kind, {}).get("colour", "#555555")


def _draw_ties(ax: Axes, drawing: Drawing, pos: dict[str, np.ndarray], scale: float) -> None:
    order = {p: i for i, p in enumerate(drawing.parties)}
    pairs: dict[tuple[str, str], list[tuple[str, str, dict]]] = {}
    for u, v, d in drawing.ties():
        key = (u, v) if order[u] < order[v] else (v, u)
        pairs.setdefault(key, []).append((u, v, d))
    shrink = math.sqrt(_NODE_SIZE * scale) / 2 + 1.5
    kinds = list(drawing.tie_kinds)
    for (a, _b), ties in pairs.items():
        ties.sort(key=lambda t: (kinds.index(t[2]["kind"]), t[0] != a))
        m = len(ties)
        for i, (u, v, d) in enumerate(ties):
            rad = (i - (m - 1) / 2) * 0.28
            if u != a:
                rad = -rad  # same side of the line whichever way the tie was written
            patch = FancyArrowPatch(
                posA=tuple(pos[u]), posB=tuple(pos[v]),
                arrowstyle="-|>" if d["directed"] else "-",
                mutation_scale=11 * math.sqrt(scale) + 3,
                connectionstyle=f"arc3,rad={rad:.3f}",
                color=_kind_colour(drawing, d["kind"]),
                linewidth=_EDGE_WIDTH.get(d["kind"], 1.5) * math.sqrt(scale),
                shrinkA=shrink, shrinkB=shrink + (1 if d["directed"] else 0),
                zorder=1, alpha=0.95)
            ax.add_patch(patch)


#: characters per line of a legend entry of the small multiples
_LEGEND_WRAP = 28


def _legend_handles(drawings: list[Drawing], lang: str) -> list[Line2D]:
    handles = []
    first = drawings[0]
    seen_kinds = []
    for drawing in drawings:
        for k in drawing.tie_kinds:
            if k not in seen_kinds and drawing.ties(k):
                seen_kinds.append(k)
    for k in [k for k in first.tie_kinds if k in seen_kinds] + [
            k for k in seen_kinds if k not in first.tie_kinds]:
        owner = next(d for d in drawings if k in d.tie_kinds)
        handles.append(Line2D([], [], color=_kind_colour(owner, k),
                              linewidth=_EDGE_WIDTH.get(k, 1.5),
                              label=_kind_label(owner, k, lang)))
    if any(d2["directed"] for d in drawings for _, _, d2 in d.ties()):
        handles.append(Line2D([], [], color="#333333", marker=">", markersize=6,
                              linewidth=1.2, label=word("net_directed", lang)))
    handles.append(Line2D([], [], linestyle="", marker="o", markersize=9,
                          markerfacecolor="white", markeredgecolor="#333333",
                          markeredgewidth=2.2, label=word("net_hub_mark", lang)))
    seen_types: list[tuple[str, Drawing]] = []
    for drawing in drawings:
        for p in drawing.parties:
            t = drawing.graph.nodes[p]["party_type"]
            if t not in [s[0] for s in seen_types]:
                seen_types.append((t, drawing))
    for t, owner in seen_types:
        marker, fill = _style(owner, t)
        size = 12 if marker == "*" else 9
        handles.append(Line2D([], [], linestyle="", marker=marker, markersize=size,
                              markerfacecolor=fill, markeredgecolor="#333333",
                              label=_type_label(owner, t, lang)))
    return handles


# label below, above, right or left of the party: (offset direction, ha, va)
_SIDES = (((0, -1), "center", "top"), ((0, 1), "center", "bottom"),
          ((1, 0), "left", "center"), ((-1, 0), "right", "center"))


def _overlap(a: tuple, b: tuple) -> float:
    """Overlapping area of two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(ax: Axes, drawing: Drawing, pos: dict[str, np.ndarray],
                  texts: dict[str, str], font: float, offset: float
                  ) -> dict[str, tuple[tuple[int, int], str, str]]:
    """Choose for every label the side (below, above, right, left) that covers least.

    Greedy, in file order. A side costs the area it shares with labels already placed
    and with parties' markers, plus the stretches of ties running under it (so a label
    never hides an arrow head arriving from that side); below is preferred on a tie.
    Sizes are estimated from the font size, in display units of the axes as they are.
    """
    ax.apply_aspect()
    px = ax.figure.dpi / 72
    disp = {p: ax.transData.transform(tuple(pos[p])) for p in drawing.parties}
    r = offset * px
    node_boxes = {p: (x - r, y - r, x + r, y + r) for p, (x, y) in disp.items()}
    samples = []
    for u, v, _ in drawing.ties():
        for t in np.linspace(0.0, 1.0, 24)[1:-1]:
            samples.append(disp[u] * (1 - t) + disp[v] * t)
    points = np.array(samples) if samples else np.zeros((0, 2))
    placed: list[tuple] = []
    choice = {}
    for p in drawing.parties:
        lines = texts[p].split("\n")
        w = max(len(line) for line in lines) * font * 0.56 * px
        h = len(lines) * font * 1.15 * px
        x, y = disp[p]
        best = None
        for rank, ((dx, dy), ha, va) in enumerate(_SIDES):
            cx, cy = x + dx * (r + w / 2 if dx else 0), y + dy * (r + h / 2 if dy else 0)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            area = w * h
            cost = sum(_overlap(box, q) for q in placed) / area * 4
            cost += sum(_overlap(box, q) for o, q in node_boxes.items() if o != p) / area * 3
            if len(points):
                inside = ((points[:, 0] > box[0]) & (points[:, 0] < box[2])
                          & (points[:, 1] > box[1]) & (points[:, 1] < box[3]))
                cost += 0.08 * int(inside.sum())
            cost += 0.05 * rank
            if best is None or cost < best[0]:
                best = (cost, ((dx, dy), ha, va), box)
        choice[p] = best[1]
        placed.append(best[2])
    return choice


def plot_drawing(drawing: Drawing, *, ax: Axes | None = None, lang: str = "nl",
                 legend: bool = True, title: str | None = None, place: str | None = None,
                 label_width: int = 16, scale: float = 1.0) -> Axes:
    """Draw one network drawing.

    Parameters
    ----------
    drawing
        The drawing.
    ax
        Axes to draw on; a new figure (6 x 6 inches) when ``None``.
    lang
        ``"nl"`` or ``"en"``: the parties' labels (where the drawings file gives them per
        language), and the labels of tie kinds and party types in the legend.
    legend
        Draw a legend of the tie kinds and party types present.
    title
        Panel title; default ``place``.
    place
        Where the drawing comes from, in the reader's words (the study's names of its
        situation and region, and the wave); default :func:`drawing_place`. Used in the
        title and the description.
    label_width
        Wrap party labels at this many characters.
    scale
        Size of markers, lines and labels (``plot_drawings`` uses less than 1).

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with the description for screen readers stored on it (and on the
        figure when this function made it): read it with :func:`get_alt_text`. The
        axes' gid is ``network-<meeting>``. Never calls ``show()``.
    """
    check_option("lang", lang, LANGUAGES)
    made = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    row = measures([drawing]).iloc[0]
    pos = layout(drawing, row=row)
    _draw_ties(ax, drawing, pos, scale)
    by_style: dict[tuple[str, str], list[str]] = {}
    for p in drawing.parties:
        by_style.setdefault(_style(drawing, drawing.graph.nodes[p]["party_type"]), []).append(p)
    # the thick outline marks the hub of a star or a network (not of a fragmented drawing)
    hub = row["hub"] if isinstance(row["hub"], str) and row["structure"] != "fragmented" else None
    for (marker, fill), nodes in by_style.items():
        xy = np.array([pos[p] for p in nodes])
        size = _MARKER_SIZE.get(marker, _NODE_SIZE) * scale
        ax.scatter(xy[:, 0], xy[:, 1], s=size, marker=marker, c=fill,
                   edgecolors="#333333",
                   linewidths=[2.2 if p == hub else 0.9 for p in nodes], zorder=3)
    xy = np.array(list(pos.values())) if pos else np.zeros((1, 2))
    low = xy.min(axis=0) - np.array([0.45, 0.5])   # room for labels
    high = xy.max(axis=0) + np.array([0.45, 0.35])
    side = float((high - low).max())
    centre = (high + low) / 2
    ax.set_xlim(centre[0] - side / 2, centre[0] + side / 2)
    ax.set_ylim(centre[1] - side / 2, centre[1] + side / 2)
    ax.set_aspect("equal", adjustable="box")
    font = max(5.5, 8 * scale)
    offset = math.sqrt(_NODE_SIZE * scale) / 2 + 2
    texts = {p: textwrap.fill(party_label(drawing, p, lang), label_width,
                              break_long_words=False, break_on_hyphens=True)
             for p in drawing.parties}
    sides = _place_labels(ax, drawing, pos, texts, font, offset)
    for p in drawing.parties:
        (dx, dy), ha, va = sides[p]
        ax.annotate(texts[p], xy=tuple(pos[p]), xytext=(dx * offset, dy * offset),
                    textcoords="offset points", ha=ha, va=va, fontsize=font, zorder=4,
                    linespacing=0.95,
                    bbox={"boxstyle": "round,pad=0.12", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.8})
    ax.set_axis_off()
    place = place or drawing_place(drawing, lang)
    ax.set_title(title if title is not None else place, fontsize=max(8, 11 * scale))
    if legend:
        ax.legend(handles=_legend_handles([drawing], lang), loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    description = alt_text(drawing, lang, row=row, place=place)
    ax.set_gid(f"network-{drawing.meeting}")
    set_alt_text(ax, description)
    if made:
        set_alt_text(ax.figure, description)
    return ax


def plot_drawings(drawings: Drawing | Iterable[Drawing], *, ncols: int = 4, lang: str = "nl",
                  panel_size: float = 3.6, legend: bool = True,
                  places: Mapping[str, str] | None = None) -> Figure:
    """Small multiples: every drawing in its own panel, one shared legend underneath.

    Parameters
    ----------
    drawings
        The drawings, drawn in the order given.
    ncols
        Panels per row.
    lang
        ``"nl"`` or ``"en"``.
    panel_size
        Width and height of one panel, in inches.
    legend
        Draw the shared legend below the panels.
    places
        Where each drawing comes from, in the reader's words, by meeting id (see
        :func:`plot_drawing`); drawings not in it get :func:`drawing_place`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (gid ``network-drawings``), with a description for screen readers
        joining the description of every drawing (see :func:`get_alt_text`). Never
        calls ``show()``.
    """
    check_option("lang", lang, LANGUAGES)
    items = _iter_drawings(drawings)
    if not items:
        raise ValueError("plot_drawings() needs at least one drawing")
    ncols = max(1, min(int(ncols), len(items)))
    nrows = math.ceil(len(items) / ncols)
    handles = _legend_handles(items, lang) if legend else []
    for handle in handles:   # a long label on two lines rather than past the edge
        handle.set_label(textwrap.fill(handle.get_label(), _LEGEND_WRAP))
    # as many columns as the widest entry allows in the figure's width (8 pt text is
    # about 0.065 in a character, the marker and gaps about 0.6 in)
    widest = max((len(line) for h in handles for line in h.get_label().splitlines()),
                 default=0)
    fit = int(panel_size * ncols // (0.6 + 0.065 * widest)) if handles else 1
    legend_cols = max(1, min(len(handles), 6, fit))
    legend_rows = math.ceil(len(handles) / legend_cols) if handles else 0
    # matplotlib fills the legend column by column: row r holds entries r, r + rows, ...;
    # each row is as tall as its tallest entry
    lines = sum(max(h.get_label().count("\n") + 1 for h in handles[r::legend_rows])
                for r in range(legend_rows))
    legend_h = 0.4 + 0.2 * lines if legend else 0.0
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(panel_size * ncols, panel_size * nrows + legend_h))
    places = places or {}
    texts = [word("net_figure", lang, n=len(items)) if len(items) > 1
             else word("net_figure_one", lang)]
    for ax, drawing in zip(axes.flat, items):
        plot_drawing(drawing, ax=ax, lang=lang, legend=False, scale=0.75,
                     place=places.get(drawing.meeting))
        texts.append(get_alt_text(ax))
    for ax in list(axes.flat)[len(items):]:
        ax.set_axis_off()
    if legend:
        fig.legend(handles=handles, loc="lower center", ncol=legend_cols,
                   fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, legend_h / (panel_size * nrows + legend_h), 1, 1))
    fig.set_gid("network-drawings")
    set_alt_text(fig, " ".join(texts))
    return fig

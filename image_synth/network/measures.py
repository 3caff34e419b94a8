"""Structure measures of network drawings, the star / network / fragmented classification,
and the comparison across drawings and situations.

All measures are computed from the drawing itself; nothing here knows about IMAGE.
Degree-based measures use the *undirected simple graph* of the ties in question: two
parties are linked when at least one tie (of the kind, or of any kind) joins them, in
either direction, however many ties were drawn between them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import LANGUAGES, check_option
from .drawings import Drawing, _iter_drawings

__all__ = [
    "CLASSIFICATION_DEFAULTS",
    "MEASURE_COLUMNS",
    "STRUCTURES",
    "classification_rules",
    "classify",
    "compare",
    "measures",
]

# Column names of the measures table beyond the shared vocabulary in columns.py.
# (Candidates for columns.py; kept here until the lead moves them.)
N_PARTIES = "n_parties"
N_TIES = "n_ties"
N_PAIRS = "n_pairs"
DENSITY = "density"
DEGREE_CENTRALISATION = "degree_centralisation"
HUB = "hub"
HUB_TYPE = "hub_type"
HUB_SHARE = "hub_share"
N_COMPONENTS = "n_components"
N_LINKED_COMPONENTS = "n_linked_components"
N_ISOLATED = "n_isolated"
ISOLATED = "isolated"
INITIATORS = "initiators"
DECIDERS = "deciders"
INITIATIVE_RECIPROCITY = "initiative_reciprocity"
KINDS = "kinds"
STRUCTURE = "structure"
STRUCTURE_RULE = "structure_rule"

#: Columns of :func:`measures`, in order.
MEASURE_COLUMNS = (
    C.MEETING, C.REGION, C.SITUATION, C.WAVE, C.TIE_KIND, N_PARTIES, N_TIES, N_PAIRS,
    DENSITY, DEGREE_CENTRALISATION, HUB, HUB_TYPE, HUB_SHARE, N_COMPONENTS,
    N_LINKED_COMPONENTS, N_ISOLATED, ISOLATED, INITIATORS, DECIDERS, INITIATIVE_RECIPROCITY,
    KINDS, STRUCTURE, STRUCTURE_RULE,
)

#: The structure classes, in the order the rules try them.
STRUCTURES = ("fragmented", "star", "network")

#: Defaults of :func:`classify` (also used by :func:`measures`).
CLASSIFICATION_DEFAULTS: dict[str, Any] = {
    "fragmented_components": 2,
    "fragmented_isolated_share": 0.25,
    "core_kind": "intensive_contact",
    "star_centralisation": 0.5,
    "star_hub_share": 0.5,
}

ALL = "all"


# --------------------------------------------------------------------------- measures

def _simple(drawing: Drawing, kind: str | None) -> nx.Graph:
    """Undirected simple graph over all parties, linking pairs with a tie of ``kind``."""
    g = nx.Graph()
    g.add_nodes_from(drawing.graph.nodes)
    for u, v, _ in drawing.ties(kind):
        g.add_edge(u, v)
    return g


def freeman_centralisation(degrees: list[int]) -> float:
    """Freeman's degree centralisation of an undirected simple graph.

    ``sum(max(d) - d_i) / ((n - 1) * (n - 2))``: 1 for a star, 0 when all parties have
    the same degree; ``nan`` for fewer than three parties (the maximum is 0 there).
    """
    n = len(degrees)
    if n < 3:
        return math.nan
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def _hub(drawing: Drawing, g: nx.Graph, kind: str | None) -> str | None:
    """The party with most linked partners; ties broken by number of ties, then file order."""
    if g.number_of_edges() == 0:
        return None
    n_ties = {p: 0 for p in g.nodes}
    for u, v, _ in drawing.ties(kind):
        n_ties[u] += 1
        n_ties[v] += 1
    order = {p: i for i, p in enumerate(drawing.parties)}
    return min(g.nodes, key=lambda p: (-g.degree(p), -n_ties[p], order[p]))


def _joined(parties: Iterable[str], drawing: Drawing) -> str:
    wanted = set(parties)
    return ",".join(p for p in drawing.parties if p in wanted)


def _actors(drawing: Drawing, kind: str) -> set[str]:
    """Sources of directed ties of ``kind`` and both ends of undirected ones."""
    result: set[str] = set()
    for u, v, d in drawing.ties(kind):
        result.add(u)
        if not d["directed"]:
            result.add(v)
    return result


def _reciprocity(drawing: Drawing, kind: str) -> float:
    """Share of dyads with a tie of ``kind`` in which it runs both ways.

    A dyad runs both ways when it has an undirected tie of the kind (a joint
    initiative) or directed ties in both directions.
    """
    ways: dict[frozenset, set] = {}
    for u, v, d in drawing.ties(kind):
        dyad = frozenset((u, v))
        if d["directed"]:
            ways.setdefault(dyad, set()).add((u, v))
        else:
            ways.setdefault(dyad, set()).update({(u, v), (v, u)})
    if not ways:
        return math.nan
    return sum(len(w) == 2 for w in ways.values()) / len(ways)


def _row(drawing: Drawing, kind: str | None, initiative_kind: str, decision_kind: str
         ) -> dict[str, Any]:
    g = _simple(drawing, kind)
    n = g.number_of_nodes()
    pairs = g.number_of_edges()
    degrees = [g.degree(p) for p in drawing.parties]
    hub = _hub(drawing, g, kind)
    components = list(nx.connected_components(g))
    isolated = [p for p in drawing.parties if g.degree(p) == 0]
    present = {d["kind"] for _, _, d in drawing.ties()}
    return {
        C.MEETING: drawing.meeting,
        C.REGION: drawing.region,
        C.SITUATION: drawing.situation,
        C.WAVE: drawing.wave,
        C.TIE_KIND: ALL if kind is None else kind,
        N_PARTIES: n,
        N_TIES: len(drawing.ties(kind)),
        N_PAIRS: pairs,
        DENSITY: pairs / (n * (n - 1) / 2) if n >= 2 else math.nan,
        DEGREE_CENTRALISATION: freeman_centralisation(degrees),
        HUB: hub,
        HUB_TYPE: None if hub is None else drawing.graph.nodes[hub]["party_type"],
        HUB_SHARE: math.nan if hub is None else g.degree(hub) / pairs,
        N_COMPONENTS: len(components),
        N_LINKED_COMPONENTS: sum(len(c) >= 2 for c in components),
        N_ISOLATED: len(isolated),
        ISOLATED: ",".join(isolated),
        INITIATORS: _joined(_actors(drawing, initiative_kind), drawing),
        DECIDERS: _joined(_actors(drawing, decision_kind), drawing),
        INITIATIVE_RECIPROCITY: _reciprocity(drawing, initiative_kind),
        KINDS: ",".join(k for k in drawing.tie_kinds if k in present),
    }


def measures(drawings: Drawing | Iterable[Drawing], *, kind: str | None = None,
             by_kind: bool = False, initiative_kind: str = "initiative",
             decision_kind: str = "decision",
             classification: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Structure measures per drawing, and per tie kind.

    Parameters
    ----------
    drawings
        One :class:`~image_synth.network.drawings.Drawing` or several (from
        :func:`~image_synth.network.drawings.read_drawings`).
    kind
        Measure only the ties of this kind (``tie_kind`` is then the kind); ``None``
        measures all ties together (``tie_kind`` is ``"all"``).
    by_kind
        Also give one row per tie kind of the drawing's vocabulary (kinds not drawn
        give rows with no ties), after the ``"all"`` row. Cannot be combined with
        ``kind``.
    initiative_kind, decision_kind
        Which tie kinds mean initiative and decision making.
    classification
        Keyword arguments for :func:`classify` (thresholds); defaults in
        :data:`CLASSIFICATION_DEFAULTS`.

    Returns
    -------
    pandas.DataFrame
        One row per drawing (and tie kind), columns:

        ``meeting``, ``region``, ``situation``, ``wave``
            the drawing.
        ``tie_kind``
            ``"all"`` or the kind measured.
        ``n_parties``
            parties in the drawing (all of them, also those without ties of the kind).
        ``n_ties``
            ties drawn (of the kind); two kinds between one pair are two ties.
        ``n_pairs``
            pairs of parties linked by at least one tie (the simple graph's edges).
        ``density``
            ``n_pairs / (n (n - 1) / 2)``.
        ``degree_centralisation``
            Freeman: ``sum(max deg - deg_i) / ((n - 1)(n - 2))`` on the simple graph;
            1 for a star, 0 for a regular graph, ``nan`` below three parties.
        ``hub``, ``hub_type``
            the party with most linked partners (ties broken by most ties, then by
            file order) and its type; ``None`` without ties.
        ``hub_share``
            share of the linked pairs that include the hub.
        ``n_components``, ``n_linked_components``
            connected components (an isolated party is one), and those of two or more
            parties.
        ``n_isolated``, ``isolated``
            parties without ties (of the kind), and their ids comma-joined in file order
            (empty text when none).
        ``initiators``, ``deciders``
            parties that take initiative / decide: the source of a directed tie of
            ``initiative_kind`` / ``decision_kind``, both ends of an undirected one.
            Drawing-level: the same on every row of a drawing.
        ``initiative_reciprocity``
            share of the pairs with an initiative tie where initiative runs both ways
            (an undirected initiative tie or directed ties both ways); ``nan`` without
            initiative ties. Drawing-level.
        ``kinds``
            the tie kinds drawn, comma-joined in vocabulary order. Drawing-level.
        ``structure``, ``structure_rule``
            the class of the whole drawing (from its ``"all"`` measures, by
            :func:`classify`) and the rule that decided it; repeated on per-kind rows.

    Notes
    -----
    Density, components and degrees follow networkx on ``networkx.Graph`` built from
    the ties; Freeman centralisation is computed here (networkx has none). R ``igraph``
    gives the same number with
    ``centr_degree(simplify(as.undirected(g)), loops = FALSE, normalized = TRUE)$centralization``
    (its theoretical maximum without loops is ``(n - 1)(n - 2)``).

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.network import measures
    >>> frame = measures(image_synth.load_study().drawings)
    >>> frame.loc[frame["region"] == "P", ["structure", "hub"]].to_numpy().tolist()
    [['star', 'swv_po']]
    """
    items = _iter_drawings(drawings)
    if kind is not None and by_kind:
        raise AnalysisError("measures(): give kind= or by_kind=True, not both")
    for drawing in items:
        if kind is not None and kind not in drawing.tie_kinds:
            raise AnalysisError(f"measures(): kind={kind!r} is not a tie kind of meeting "
                                f"{drawing.meeting}; use one of " + ", ".join(drawing.tie_kinds))
    rows = []
    overall = []
    for drawing in items:
        overall.append(_row(drawing, None, initiative_kind, decision_kind))
        if kind is not None:
            rows.append(_row(drawing, kind, initiative_kind, decision_kind))
        else:
            rows.append(overall[-1])
            if by_kind:
                rows.extend(_row(drawing, k, initiative_kind, decision_kind)
                            for k in drawing.tie_kinds)
    classes = classify(pd.DataFrame(overall, columns=list(MEASURE_COLUMNS[:-2])),
                       **dict(classification or {}))
    by_meeting = dict(zip(classes[C.MEETING], zip(classes[STRUCTURE], classes[STRUCTURE_RULE])))
    for row in rows:
        row[STRUCTURE], row[STRUCTURE_RULE] = by_meeting[row[C.MEETING]]
    frame = pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))
    frame.attrs["classification_rules"] = classes.attrs["classification_rules"]
    return frame


# --------------------------------------------------------------------------- classify

_RULE_TEXT = {
    "en": {
        "intro": "Each drawing is classified by the first rule that applies:",
        "no_core": "fragmented: no tie of kind {core_kind} at all",
        "components": "fragmented: the drawing falls apart into {fragmented_components} or "
                      "more components of at least two parties each",
        "isolated": "fragmented: more than {pct_isolated} of the parties have no tie",
        "star": "star: Freeman degree centralisation >= {star_centralisation} and the hub "
                "takes part in >= {pct_hub} of the linked pairs",
        "network": "network: otherwise (connected enough, no dominant hub)",
        "note": "Centralisation is undefined below three parties, so such a drawing is "
                "never a star.",
    },
    "nl": {
        "intro": "Elke tekening krijgt de klasse van de eerste regel die van toepassing is:",
        "no_core": "gefragmenteerd: geen enkele lijn van soort {core_kind}",
        "components": "gefragmenteerd: de tekening valt uiteen in {fragmented_components} of "
                      "meer delen van elk minstens twee partijen",
        "isolated": "gefragmenteerd: meer dan {pct_isolated} van de partijen heeft geen lijn",
        "star": "ster: Freeman-centralisatie >= {star_centralisation} en de spil zit in "
                ">= {pct_hub} van de verbonden paren",
        "network": "netwerk: anders (voldoende verbonden, geen overheersende spil)",
        "note": "Onder drie partijen is centralisatie niet gedefinieerd; zo'n tekening is "
                "nooit een ster.",
    },
}


def _params(**params: Any) -> dict[str, Any]:
    unknown = sorted(set(params) - set(CLASSIFICATION_DEFAULTS))
    if unknown:
        raise AnalysisError("unknown classification parameter(s) " + ", ".join(unknown)
                            + "; use " + ", ".join(CLASSIFICATION_DEFAULTS))
    merged = {**CLASSIFICATION_DEFAULTS, **params}
    for name in ("fragmented_isolated_share", "star_centralisation", "star_hub_share"):
        value = merged[name]
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise AnalysisError(f"{name}={value!r} must be a number between 0 and 1")
    comps = merged["fragmented_components"]
    if isinstance(comps, bool) or not isinstance(comps, int) or comps < 2:
        raise AnalysisError(f"fragmented_components={comps!r} must be a whole number >= 2")
    return merged


def classification_rules(*, lang: str = "en", **params: Any) -> str:
    """The classification rules as text, with the thresholds filled in.

    >>> print(classification_rules())  # doctest: +NORMALIZE_WHITESPACE
    Each drawing is classified by the first rule that applies:
    1. fragmented: no tie of kind intensive_contact at all
    2. fragmented: the drawing falls apart into 2 or more components of at least two parties each
    3. fragmented: more than 25% of the parties have no tie
    4. star: Freeman degree centralisation >= 0.5 and the hub takes part in >= 50% of the linked pairs
    5. network: otherwise (connected enough, no dominant hub)
    Centralisation is undefined below three parties, so such a drawing is never a star.
    """
    check_option("lang", lang, LANGUAGES)
    p = _params(**params)
    text = _RULE_TEXT[lang]
    values = {**p, "pct_isolated": f"{p['fragmented_isolated_share']:.0%}",
              "pct_hub": f"{p['star_hub_share']:.0%}"}
    keys = (["no_core"] if p["core_kind"] is not None else []) + [
        "components", "isolated", "star", "network"]
    lines = [text["intro"]]
    lines += [f"{i}. " + text[key].format(**values) for i, key in enumerate(keys, start=1)]
    lines.append(text["note"])
    return "\n".join(lines)


def classify(measures_frame: pd.DataFrame, **params: Any) -> pd.DataFrame:
    """Classify drawings as ``star``, ``network`` or ``fragmented`` by stated rules.

    Parameters
    ----------
    measures_frame
        Rows from :func:`measures` (meant for ``tie_kind == "all"`` rows); needs
        ``n_parties``, ``degree_centralisation``, ``hub_share``,
        ``n_linked_components``, ``n_isolated`` and ``kinds``.
    fragmented_components : int, default 2
        Fragmented when the drawing has at least this many components of two or more
        parties.
    fragmented_isolated_share : float, default 0.25
        Fragmented when more than this share of the parties has no tie.
    core_kind : str or None, default "intensive_contact"
        Fragmented when no tie of this kind was drawn at all (``None`` switches the
        rule off).
    star_centralisation : float, default 0.5
        Star when Freeman degree centralisation is at least this ...
    star_hub_share : float, default 0.5
        ... and the hub takes part in at least this share of the linked pairs.

    Returns
    -------
    pandas.DataFrame
        A copy of ``measures_frame`` with ``structure`` (``fragmented``, ``star`` or
        ``network``) and ``structure_rule`` (``no_core_ties``, ``components``,
        ``isolated``, ``star``, ``network``: which rule decided). The rules as text,
        thresholds filled in, are in ``.attrs["classification_rules"]``; see also
        :func:`classification_rules`.

    Notes
    -----
    Rules are tried in order: the three fragmentation rules, then star, then network.
    A star needs both a high centralisation and a hub that carries much of the
    drawing: a dense network with one very active party (high centralisation, but
    most pairs elsewhere) stays a network.
    """
    p = _params(**params)
    needed = [N_PARTIES, DEGREE_CENTRALISATION, HUB_SHARE, N_LINKED_COMPONENTS, N_ISOLATED,
              KINDS]
    missing = [c for c in needed if c not in measures_frame.columns]
    if missing:
        raise AnalysisError("classify() needs the columns " + ", ".join(missing)
                            + " (as made by measures())")
    structures, rules = [], []
    for row in measures_frame.itertuples(index=False):
        r = row._asdict()
        kinds = [k for k in str(r[KINDS] or "").split(",") if k]
        n = r[N_PARTIES]
        if p["core_kind"] is not None and p["core_kind"] not in kinds:
            found = ("fragmented", "no_core_ties")
        elif r[N_LINKED_COMPONENTS] >= p["fragmented_components"]:
            found = ("fragmented", "components")
        elif n and r[N_ISOLATED] / n > p["fragmented_isolated_share"]:
            found = ("fragmented", "isolated")
        elif (not pd.isna(r[DEGREE_CENTRALISATION]) and not pd.isna(r[HUB_SHARE])
              and r[DEGREE_CENTRALISATION] >= p["star_centralisation"]
              and r[HUB_SHARE] >= p["star_hub_share"]):
            found = ("star", "star")
        else:
            found = ("network", "network")
        structures.append(found[0])
        rules.append(found[1])
    out = measures_frame.copy()
    out[STRUCTURE] = structures
    out[STRUCTURE_RULE] = rules
    out.attrs["classification_rules"] = classification_rules(**p)
    return out


# --------------------------------------------------------------------------- compare

_COMPARE_COLUMNS = [C.SITUATION, C.REGION, C.MEETING, C.WAVE, STRUCTURE, STRUCTURE_RULE,
                    N_PARTIES, N_TIES, DENSITY, DEGREE_CENTRALISATION, HUB, HUB_TYPE,
                    HUB_SHARE, N_LINKED_COMPONENTS, N_ISOLATED, ISOLATED, INITIATORS,
                    DECIDERS]


def compare(measures_frame: pd.DataFrame, situation_stats: pd.DataFrame | None = None, *,
            on: str = C.SITUATION) -> pd.DataFrame:
    """Compare drawings across situations, with the other strands beside them.

    Parameters
    ----------
    measures_frame
        Output of :func:`measures`; only ``tie_kind == "all"`` rows are used.
    situation_stats
        Optional: one row per situation (per value of ``on``) with, for example,
        ``satisfaction_mean`` and the mechanism means from the survey strand. Its other
        columns are joined beside the structure class.
    on
        The column to join on (default ``situation``).

    Returns
    -------
    pandas.DataFrame
        One row per drawing, ordered by situation (in order of first appearance) and
        region, with ``situation``, ``region``, ``meeting``, ``wave``, ``structure``,
        ``structure_rule``, ``n_parties``, ``n_ties``, ``density``,
        ``degree_centralisation``, ``hub``, ``hub_type``, ``hub_share``,
        ``n_linked_components``, ``n_isolated``, ``isolated``, ``initiators``,
        ``deciders``; then ``n_drawings`` (drawings in the situation) and
        ``situation_structures`` (their classes, comma-joined); then every column of
        ``situation_stats`` except ``on`` (missing where a situation has no stats).

    Raises
    ------
    AnalysisError
        When columns are missing, ``situation_stats`` repeats a situation, or shares a
        column name with the comparison table.
    """
    missing = [c for c in _COMPARE_COLUMNS if c not in measures_frame.columns]
    if missing:
        raise AnalysisError("compare() needs the columns " + ", ".join(missing)
                            + " (as made by measures())")
    frame = measures_frame
    if C.TIE_KIND in frame.columns:
        frame = frame[frame[C.TIE_KIND] == ALL]
    if frame.empty:
        raise AnalysisError("compare() found no rows with tie_kind 'all'; "
                            "call measures() without kind=")
    table = frame[_COMPARE_COLUMNS].copy()
    order = {s: i for i, s in enumerate(pd.unique(table[C.SITUATION]))}
    table = (table.assign(_order=table[C.SITUATION].map(order))
             .sort_values(["_order", C.REGION, C.MEETING], kind="stable")
             .drop(columns="_order").reset_index(drop=True))
    grouped = table.groupby(C.SITUATION, sort=False, dropna=False)[STRUCTURE]
    table["n_drawings"] = grouped.transform("size")
    table["situation_structures"] = grouped.transform(lambda s: ", ".join(s))
    if situation_stats is None:
        return table
    if on not in situation_stats.columns or on not in table.columns:
        raise AnalysisError(f"compare(): on={on!r} must be a column of both tables; "
                            "situation_stats has " + ", ".join(map(str, situation_stats.columns)))
    dupes = situation_stats[on][situation_stats[on].duplicated()].unique().tolist()
    if dupes:
        raise AnalysisError(f"compare(): situation_stats has more than one row for {on} "
                            + ", ".join(map(str, dupes)))
    clash = sorted(set(situation_stats.columns) & set(table.columns) - {on})
    if clash:
        raise AnalysisError("compare(): situation_stats repeats the column(s) "
                            + ", ".join(clash) + "; rename them first")
    return table.merge(situation_stats, on=on, how="left", validate="many_to_one")

"""Network drawings from reflection meetings: file format, reading and validation.

In a reflection meeting the participants draw their collaboration: the parties
(nodes) and coloured lines between them (ties). This module reads such drawings from
a YAML file (or from a REFI-QDA ``<Graph>``) into :class:`Drawing` objects, each
holding a :class:`networkx.MultiDiGraph`, and refuses a file that breaks the rules
with one :class:`~image_synth.errors.DataValidationError` listing every problem.

File format
-----------
A drawings file is YAML (read with :func:`image_synth.study.models.parse_yaml`, which
refuses a key given twice in one mapping)::

    synthetic: true                 # optional: the drawings are made up (example study)
    description: "..."              # optional free text
    party_types:                    # optional: extra party types for this study
      care_practice: {nl: "Particuliere praktijk", en: "Private practice", shape: "v"}
      interpreter                   # ... or a plain list of ids: [interpreter, ...]
    tie_kinds:                      # optional: extra tie kinds (colour is a matplotlib colour)
      contact: {nl: "contact", en: "contact", colour: "#8c8c8c"}
    kind_synonyms: {sporadisch: contact}   # optional: extra spellings of tie kinds
    drawings:
      - meeting: RB2023_K           # required: id of the meeting (a source_id of the study)
        region: K                   # optional (text)
        situation: po_kinderopvang  # optional (text)
        wave: 2023                  # optional (whole number)
        title: "..."                # optional: a caption for plots
        note: "..."                 # optional free text
        parties:                    # required, at least one
          - {id: swv, type: swv, label: "Samenwerkingsverband", group: "expertisepunt"}
          - {id: gem, type: municipality, label: {nl: "Gemeente", en: "Municipality"}}
        ties:                       # optional (a drawing may have no lines)
          - {from: swv, to: school_1, kind: intensive_contact}            # undirected
          - {from: swv, to: school_1, kind: initiative, directed: true}   # swv -> school_1

Parties
    ``id`` (required; text or whole number, unique within the drawing), ``type``
    (required; one of :data:`DEFAULT_PARTY_TYPES` or the file's ``party_types``),
    ``label`` (optional, defaults to the id: a text, or a text per language
    ``{nl: ..., en: ...}`` as the instrument gives its labels, the Dutch required; a
    plain text is the party's name in every language), ``group`` (optional: a block the
    participants drew around several parties) and ``note`` (optional).
Ties
    ``from`` and ``to`` (required party ids, different from each other), ``kind``
    (required: a tie kind or one of its synonyms), ``directed`` (optional ``true`` /
    ``false``, default ``false``) and ``note`` (optional). A directed tie runs from
    ``from`` to ``to``; an undirected initiative or decision tie means both parties take
    the initiative or decide together. Several ties of different kinds between the same
    two parties are allowed; the same tie twice is not.
Tie kinds
    The report's drawing instruction has three: ``intensive_contact`` (red),
    ``decision`` (green) and ``initiative`` (blue), see :data:`DEFAULT_TIE_KINDS`. A
    file may declare more (the example study adds ``contact`` for lines the report calls
    sporadic or less intensive). Kinds are matched after lower-casing and treating
    spaces, hyphens and underscores alike; :data:`DEFAULT_KIND_SYNONYMS` gives the Dutch
    and colour spellings (``rood``, ``red``, ``groen``, ``#00ff00``...), and both the
    file's ``kind_synonyms`` and the ``kind_synonyms`` argument add to them.

Every key not listed here is refused, so that a typo (``lable``) is not silently lost.
Problems name the drawing and element by position, 0-based, for example
``drawings[2] (meeting RB2023_O) ties[5]``, with the field as the column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from ..errors import AnalysisError, DataValidationError, Problem, StudyError, UnsafeInputError
from ..study.models import (
    YamlDuplicateKey,
    YamlTooLarge,
    check_yaml_size,
    duplicate_key_problem,
    parse_yaml,
)

__all__ = [
    "DEFAULT_KIND_SYNONYMS",
    "DEFAULT_PARTY_TYPES",
    "DEFAULT_TIE_KINDS",
    "TIE_KINDS",
    "Drawing",
    "drawings_from_refi_graph",
    "normalise_kind",
    "party_label",
    "party_label_language",
    "read_drawings",
]

#: The three tie kinds of the report's drawing instruction, in its order.
TIE_KINDS = ("intensive_contact", "decision", "initiative")

#: Tie kinds with their colour (as in the report: red, green, blue) and labels.
DEFAULT_TIE_KINDS: dict[str, dict[str, str]] = {
    "intensive_contact": {"nl": "intensief contact", "en": "intensive contact",
                          "colour": "#d7191c"},
    "decision": {"nl": "besluitvorming", "en": "decision making", "colour": "#1a9641"},
    "initiative": {"nl": "initiatief", "en": "initiative", "colour": "#2c7bb6"},
}

#: Other spellings of the tie kinds (matched after :func:`normalise_kind`).
DEFAULT_KIND_SYNONYMS: dict[str, str] = {
    "red": "intensive_contact", "rood": "intensive_contact", "rode lijn": "intensive_contact",
    "intensive": "intensive_contact", "intensief": "intensive_contact",
    "intensief contact": "intensive_contact", "#ff0000": "intensive_contact",
    "#f00": "intensive_contact",
    "green": "decision", "groen": "decision", "groene lijn": "decision",
    "decision making": "decision", "beslissing": "decision", "beslissen": "decision",
    "besluitvorming": "decision", "#00ff00": "decision", "#0f0": "decision",
    "#008000": "decision",
    "blue": "initiative", "blauw": "initiative", "blauwe lijn": "initiative",
    "initiatief": "initiative", "initiative taking": "initiative",
    "#0000ff": "initiative", "#00f": "initiative",
}

#: Party types known to every study, with Dutch and English labels. A drawings file
#: adds its own under ``party_types``.
DEFAULT_PARTY_TYPES: dict[str, dict[str, str]] = {
    "swv": {"nl": "samenwerkingsverband", "en": "partnership for inclusive education"},
    "school": {"nl": "school", "en": "school"},
    "school_po": {"nl": "po-school", "en": "primary school"},
    "school_vo": {"nl": "vo-school", "en": "secondary school"},
    "school_vso": {"nl": "vso-school", "en": "special secondary school"},
    "school_board": {"nl": "schoolbestuur", "en": "school board"},
    "municipality": {"nl": "gemeente", "en": "municipality"},
    "childcare": {"nl": "kinderopvang", "en": "childcare"},
    "youth_care": {"nl": "jeugdhulp", "en": "youth care"},
    "parents": {"nl": "ouders", "en": "parents"},
    "pupil": {"nl": "leerling", "en": "pupil"},
    "expertise_team": {"nl": "expertiseteam", "en": "expertise team"},
    "project_leader": {"nl": "projectleider", "en": "project leader"},
    "support_coordinator": {"nl": "ondersteuningscoördinator / ib", "en": "support coordinator"},
    "teacher": {"nl": "leraar / mentor", "en": "teacher / mentor"},
    "provision": {"nl": "voorziening", "en": "provision"},
    "other": {"nl": "overig", "en": "other"},
}

_TOP_KEYS = {"synthetic", "description", "party_types", "tie_kinds", "kind_synonyms",
             "drawings"}
_DRAWING_KEYS = {"meeting", "region", "situation", "wave", "title", "note", "parties", "ties"}
_PARTY_KEYS = {"id", "type", "label", "group", "note"}
_TIE_KEYS = {"from", "to", "kind", "directed", "note"}
_VOCAB_KEYS = {"nl", "en", "shape", "colour"}


@dataclass(eq=False)
class Drawing:
    """One network drawing of one reflection meeting.

    Attributes
    ----------
    meeting
        Id of the meeting (a ``source_id`` in the study's sources).
    region, situation, wave
        Where and when; ``None`` when the file does not say.
    graph
        A :class:`networkx.MultiDiGraph`. Nodes are party ids in file order, with
        attributes ``party_type``, ``label`` (the plain label, or the Dutch one),
        ``labels`` (the label by language where the file gives one per language, else
        empty; see :func:`party_label`), ``group`` and ``note``. Each tie is one
        edge (written ``from`` -> ``to``) with attributes ``kind``, ``directed`` and
        ``note``; an undirected tie is still stored once, in the written orientation.
        ``graph.graph`` holds ``party_types`` and ``tie_kinds`` (the vocabularies in
        force, with labels and colours) and ``file``.
    title
        Optional caption.
    """

    meeting: str
    region: str | None
    situation: str | None
    wave: int | None
    graph: nx.MultiDiGraph
    title: str | None = None

    @property
    def parties(self) -> list[str]:
        """Party ids in the order of the file."""
        return list(self.graph.nodes)

    @property
    def party_types(self) -> dict[str, dict[str, str]]:
        return self.graph.graph.get("party_types", DEFAULT_PARTY_TYPES)

    @property
    def tie_kinds(self) -> dict[str, dict[str, str]]:
        return self.graph.graph.get("tie_kinds", DEFAULT_TIE_KINDS)

    def ties(self, kind: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """``(from, to, attributes)`` of every tie, or of one kind, in file order."""
        return [(u, v, d) for u, v, d in self.graph.edges(data=True)
                if kind is None or d["kind"] == kind]

    def __repr__(self) -> str:
        return (f"Drawing(meeting={self.meeting!r}, region={self.region!r}, "
                f"situation={self.situation!r}, wave={self.wave!r}, "
                f"parties={self.graph.number_of_nodes()}, ties={self.graph.number_of_edges()})")


# --------------------------------------------------------------------------- helpers

def normalise_kind(text: str) -> str:
    """Lower-case, trim, and treat runs of spaces, hyphens and underscores as one space.

    >>> normalise_kind(" Intensive_Contact ")
    'intensive contact'
    """
    return re.sub(r"[\s_\-]+", " ", str(text).strip().lower())


def _is_id(value: Any) -> bool:
    return (isinstance(value, str) and value.strip() != "") or (
        isinstance(value, int) and not isinstance(value, bool))


class _Context:
    """The vocabularies in force while validating one file, and the problems found."""

    def __init__(self, file: str, party_types: dict, tie_kinds: dict, synonyms: dict):
        self.file = file
        self.party_types = party_types
        self.tie_kinds = tie_kinds
        self.lookup: dict[str, str] = {normalise_kind(k): k for k in tie_kinds}
        for word, kind in synonyms.items():
            self.lookup.setdefault(normalise_kind(word), kind)
        self.problems: list[Problem] = []

    def add(self, message: str, row: str | None = None, column: str | None = None,
            value: Any = None, expected: str | None = None) -> None:
        self.problems.append(Problem(file=self.file, message=message, row=row, column=column,
                                     value=value, expected=expected))

    def kind_of(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        return self.lookup.get(normalise_kind(value))

    def kinds_expected(self) -> str:
        return "one of " + ", ".join(self.tie_kinds) + " (or a synonym such as rood, groen, blauw)"


def _check_keys(ctx: _Context, item: Mapping, allowed: set[str], row: str) -> None:
    for key in item:
        if key not in allowed:
            ctx.add("unknown field", row=row, column=str(key), value=item[key],
                    expected="one of the fields " + ", ".join(sorted(allowed)))


def _vocabulary(ctx: _Context, raw: Any, defaults: dict, section: str) -> dict:
    """Merge a file's ``party_types`` / ``tie_kinds`` (list or mapping) into the defaults."""
    merged = {k: dict(v) for k, v in defaults.items()}
    if raw is None:
        return merged
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if not _is_id(item):
                ctx.add("not a valid id", row=f"{section}[{i}]", value=item,
                        expected="a text id")
        raw = {str(item): {} for item in raw if _is_id(item)}
    if not isinstance(raw, Mapping):
        ctx.add(f"{section} must be a list of ids or a mapping of id to labels",
                row=section, value=raw, expected="a list or a mapping")
        return merged
    for key, spec in raw.items():
        row = f"{section}.{key}"
        spec = spec or {}
        if not isinstance(spec, Mapping):
            ctx.add("labels must be a mapping", row=row, value=spec,
                    expected="a mapping with nl, en" + (", colour" if section == "tie_kinds"
                                                        else ", shape"))
            continue
        _check_keys(ctx, spec, _VOCAB_KEYS, row)
        entry = merged.setdefault(str(key), {})
        entry.update({k: str(v) for k, v in spec.items() if k in _VOCAB_KEYS})
        entry.setdefault("nl", str(key).replace("_", " "))
        entry.setdefault("en", str(key).replace("_", " "))
    return merged


def _synonyms(ctx: _Context | None, raw: Any, kinds: Mapping, origin: str) -> dict[str, str]:
    """Check a synonym mapping: every target must be a known kind."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        if ctx is None:
            raise AnalysisError(f"kind_synonyms must be a mapping, got {type(raw).__name__}")
        ctx.add("kind_synonyms must be a mapping of word to tie kind", row=origin, value=raw)
        return {}
    good: dict[str, str] = {}
    for word, kind in raw.items():
        if kind in kinds:
            good[str(word)] = kind
            continue
        message = f"synonym {word!r} points to an unknown tie kind"
        if ctx is None:
            raise AnalysisError(f"{message} {kind!r}; use one of " + ", ".join(kinds))
        ctx.add(message, row=origin, column=str(word), value=kind,
                expected="one of " + ", ".join(kinds))
    return good


# --------------------------------------------------------------------------- building

def _party_labels(ctx: _Context, raw: Any, row: str) -> tuple[str | None, dict[str, str]]:
    """A party's ``label``: a plain text (its name in every language) or a text per
    language, ``{nl: ..., en: ...}``, as the instrument gives its labels (Dutch
    required). Returns the label (the Dutch one of a text per language) and the labels
    by language (empty for a plain text)."""
    if raw is None:
        return None, {}
    if isinstance(raw, Mapping):
        from pydantic import ValidationError

        from ..study.models import Text

        try:
            text = Text.model_validate(dict(raw))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                ctx.add(err["msg"], row=row, column=f"label.{where}" if where else "label",
                        value=err.get("input") if not isinstance(err.get("input"), Mapping)
                        else None, expected="a text per language: {nl: ..., en: ...}")
            return None, {}
        labels = {lang: value for lang, value in (("nl", text.nl), ("en", text.en)) if value}
        return text.nl, labels
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        ctx.add("not a text", row=row, column="label", value=raw,
                expected="a text, or a text per language: {nl: ..., en: ...}")
        return None, {}
    return str(raw), {}


def party_label(drawing: "Drawing", party: str, lang: str) -> str:
    """What the page calls ``party`` in ``lang``: its label in that language where the
    drawings file gives one per language, else its only label (or its id)."""
    node = drawing.graph.nodes[party]
    return (node.get("labels") or {}).get(lang) or node["label"]


def party_label_language(drawing: "Drawing", party: str, lang: str) -> str | None:
    """The language of :func:`party_label` for ``lang``: ``lang`` itself, ``"nl"``
    where a text per language has no English, or ``None`` for a plain label (in the
    language of its study, which the drawings file does not say)."""
    labels = drawing.graph.nodes[party].get("labels") or {}
    if not labels:
        return None
    return lang if lang in labels else "nl"

def _build_drawing(ctx: _Context, raw: Any, index: int, where: str | None = None,
                   party_row: Any = None, tie_row: Any = None) -> Drawing | None:
    """Validate one drawing mapping and build it; record problems in ``ctx``."""
    base = where or f"drawings[{index}]"
    if not isinstance(raw, Mapping):
        ctx.add("a drawing must be a mapping", row=base, value=raw,
                expected="a mapping with meeting, parties, ties")
        return None
    n_before = len(ctx.problems)
    meeting = raw.get("meeting")
    if meeting is None:
        ctx.add("missing field", row=base, column="meeting", expected="the meeting id")
    elif not _is_id(meeting):
        ctx.add("not a valid meeting id", row=base, column="meeting", value=meeting,
                expected="a text id such as RB2023_K")
        meeting = None
    else:
        meeting = str(meeting)
        if where is None:
            base = f"{base} (meeting {meeting})"
    _check_keys(ctx, raw, _DRAWING_KEYS, base)

    for column in ("region", "situation", "title", "note"):
        value = raw.get(column)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            ctx.add("must be text", row=base, column=column, value=value, expected="text")
    wave = raw.get("wave")
    if wave is not None and (isinstance(wave, bool) or not isinstance(wave, int)):
        ctx.add("not a whole number", row=base, column="wave", value=wave,
                expected="a year such as 2023")
        wave = None

    graph = nx.MultiDiGraph()
    parties = raw.get("parties")
    if parties is None:
        ctx.add("missing field", row=base, column="parties", expected="a list of parties")
        parties = []
    elif not isinstance(parties, list) or not parties:
        ctx.add("parties must be a non-empty list", row=base, column="parties", value=parties,
                expected="a list of {id, type, label}")
        parties = []
    for k, party in enumerate(parties):
        row = party_row(k) if party_row else f"{base} parties[{k}]"
        if not isinstance(party, Mapping):
            ctx.add("a party must be a mapping", row=row, value=party,
                    expected="a mapping with id, type, label")
            continue
        _check_keys(ctx, party, _PARTY_KEYS, row)
        pid = party.get("id")
        if pid is None:
            ctx.add("missing field", row=row, column="id", expected="a party id")
        elif not _is_id(pid):
            ctx.add("not a valid party id", row=row, column="id", value=pid,
                    expected="a text id")
            pid = None
        else:
            pid = str(pid)
            if pid in graph:
                ctx.add("duplicate party id", row=row, column="id", value=pid,
                        expected="an id not used by another party of this drawing")
                pid = None
        ptype = party.get("type")
        if ptype is None:
            ctx.add("missing field", row=row, column="type",
                    expected="one of the party types: " + ", ".join(ctx.party_types))
        elif ptype not in ctx.party_types:
            ctx.add("unknown party type", row=row, column="type", value=ptype,
                    expected="one of the party types: " + ", ".join(ctx.party_types)
                    + " (or declare it under party_types)")
        label, labels = _party_labels(ctx, party.get("label"), row)
        if pid is not None:
            graph.add_node(pid, party_type=ptype if ptype in ctx.party_types else None,
                           label=label if label is not None else pid, labels=labels,
                           group=party.get("group"), note=party.get("note"))

    ties = raw.get("ties") or []
    if not isinstance(ties, list):
        ctx.add("ties must be a list", row=base, column="ties", value=ties,
                expected="a list of {from, to, kind}")
        ties = []
    seen: set[tuple] = set()
    known = ", ".join(graph.nodes) or "(none)"
    for j, tie in enumerate(ties):
        row = tie_row(j) if tie_row else f"{base} ties[{j}]"
        if not isinstance(tie, Mapping):
            ctx.add("a tie must be a mapping", row=row, value=tie,
                    expected="a mapping with from, to, kind")
            continue
        _check_keys(ctx, tie, _TIE_KEYS, row)
        ends = []
        for column in ("from", "to"):
            value = tie.get(column)
            if value is None:
                ctx.add("missing field", row=row, column=column,
                        expected="one of the parties: " + known)
                ends.append(None)
            elif not _is_id(value) or str(value) not in graph:
                ctx.add("unknown party", row=row, column=column, value=value,
                        expected="one of the parties: " + known)
                ends.append(None)
            else:
                ends.append(str(value))
        raw_kind = tie.get("kind")
        kind = ctx.kind_of(raw_kind)
        if raw_kind is None:
            ctx.add("missing field", row=row, column="kind", expected=ctx.kinds_expected())
        elif kind is None:
            ctx.add("unknown tie kind", row=row, column="kind", value=raw_kind,
                    expected=ctx.kinds_expected())
        directed = tie.get("directed", False)
        if not isinstance(directed, bool):
            ctx.add("not true or false", row=row, column="directed", value=directed,
                    expected="true or false")
            directed = False
        u, v = ends
        if u is not None and u == v:
            ctx.add("a tie from a party to itself", row=row, column="to", value=v,
                    expected="a party other than " + repr(u))
            continue
        if u is None or v is None or kind is None:
            continue
        key = (u, v, kind, True) if directed else (*sorted((u, v)), kind, False)
        if key in seen:
            ctx.add("the same tie twice", row=row, value=f"{u} - {v} ({kind})",
                    expected="each tie once")
            continue
        seen.add(key)
        graph.add_edge(u, v, kind=kind, directed=directed, note=tie.get("note"))

    if len(ctx.problems) > n_before or meeting is None:
        return None
    graph.graph.update(meeting=meeting, party_types=ctx.party_types, tie_kinds=ctx.tie_kinds,
                       file=ctx.file)
    return Drawing(meeting=meeting,
                   region=None if raw.get("region") is None else str(raw["region"]),
                   situation=None if raw.get("situation") is None else str(raw["situation"]),
                   wave=wave, graph=graph,
                   title=None if raw.get("title") is None else str(raw["title"]))


def _load(path_or_mapping: Any, file: str | None) -> tuple[Any, str]:
    if isinstance(path_or_mapping, Mapping):
        return path_or_mapping, file or "<drawings>"
    if isinstance(path_or_mapping, (str, os.PathLike)):
        path = Path(path_or_mapping)
        name = file or str(path_or_mapping)
        try:
            check_yaml_size(path, file=name)
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StudyError(f"cannot read the drawings file {name}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise DataValidationError([Problem(
                file=name, message="not UTF-8 text", value=exc.object[exc.start:exc.end],
                expected="a UTF-8 encoded YAML file")]) from None
        try:
            return parse_yaml(text), name
        except YamlTooLarge as exc:
            raise UnsafeInputError(name, f"YAML refused: {exc.problem}") from None
        except YamlDuplicateKey as exc:
            raise DataValidationError([duplicate_key_problem(exc, file=name)]) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            row = f"line {mark.line + 1}" if mark is not None else None
            raise DataValidationError([Problem(
                file=name, message="not valid YAML: " + str(getattr(exc, "problem", exc)),
                row=row, expected="a YAML file as described in image_synth.network.drawings")]
            ) from None
    raise AnalysisError("read_drawings needs a path or a mapping, got "
                        f"{type(path_or_mapping).__name__}")


def read_drawings(path_or_mapping: str | os.PathLike | Mapping, *, file: str | None = None,
                  kind_synonyms: Mapping[str, str] | None = None,
                  source_ids: Collection[str] | None = None) -> list[Drawing]:
    """Read and validate the network drawings of a study.

    Parameters
    ----------
    path_or_mapping
        A YAML file in the format of this module's docstring, or the mapping it holds.
    file
        The name to use in problem reports (default: the path as given, or
        ``"<drawings>"`` for a mapping).
    kind_synonyms
        Extra spellings of tie kinds, ``{"word": "kind"}``; added to
        :data:`DEFAULT_KIND_SYNONYMS` and the file's ``kind_synonyms``.
    source_ids
        When given, every ``meeting`` must be one of these (the study's source ids).

    Returns
    -------
    list of Drawing
        In file order.

    Raises
    ------
    DataValidationError
        With one :class:`~image_synth.errors.Problem` per problem in the file: unknown
        party in a tie, unknown tie kind or party type, duplicate party or meeting id,
        a tie from a party to itself, the same tie twice, missing or unknown fields.
    StudyError
        When the file cannot be read.

    Examples
    --------
    >>> drawings = read_drawings({"drawings": [{"meeting": "M1", "parties": [
    ...     {"id": "a", "type": "swv"}, {"id": "b", "type": "school_po"}],
    ...     "ties": [{"from": "a", "to": "b", "kind": "rood"}]}]})
    >>> drawings[0].ties()
    [('a', 'b', {'kind': 'intensive_contact', 'directed': False, 'note': None})]
    """
    data, name = _load(path_or_mapping, file)
    ctx = _Context(name, {}, {}, {})
    if not isinstance(data, Mapping):
        raise DataValidationError([Problem(file=name, message="the file must hold a mapping",
                                           value=type(data).__name__,
                                           expected="a mapping with a 'drawings' list")])
    _check_keys(ctx, data, _TOP_KEYS, "(top level)")
    ctx.party_types = _vocabulary(ctx, data.get("party_types"), DEFAULT_PARTY_TYPES,
                                  "party_types")
    ctx.tie_kinds = _vocabulary(ctx, data.get("tie_kinds"), DEFAULT_TIE_KINDS, "tie_kinds")
    synonyms = dict(DEFAULT_KIND_SYNONYMS)
    synonyms.update(_synonyms(ctx, data.get("kind_synonyms"), ctx.tie_kinds, "kind_synonyms"))
    synonyms.update(_synonyms(None, kind_synonyms, ctx.tie_kinds, "kind_synonyms"))
    ctx = _rebind(ctx, synonyms)

    raw_drawings = data.get("drawings")
    if raw_drawings is None:
        ctx.add("missing field", row="(top level)", column="drawings",
                expected="a list of drawings")
        raw_drawings = []
    elif not isinstance(raw_drawings, list):
        ctx.add("drawings must be a list", row="(top level)", column="drawings",
                value=raw_drawings, expected="a list of drawings")
        raw_drawings = []

    result: list[Drawing] = []
    meetings: dict[str, int] = {}
    wanted = None if source_ids is None else {str(s) for s in source_ids}
    for i, raw in enumerate(raw_drawings):
        drawing = _build_drawing(ctx, raw, i)
        meeting = raw.get("meeting") if isinstance(raw, Mapping) else None
        if _is_id(meeting):
            meeting = str(meeting)
            row = f"drawings[{i}] (meeting {meeting})"
            if meeting in meetings:
                ctx.add("duplicate meeting id", row=row, column="meeting", value=meeting,
                        expected=f"an id not used by drawings[{meetings[meeting]}]")
            else:
                meetings[meeting] = i
            if wanted is not None and meeting not in wanted:
                ctx.add("meeting is not one of the study's sources", row=row, column="meeting",
                        value=meeting, expected="a source_id of the study's sources")
        if drawing is not None:
            result.append(drawing)
    if ctx.problems:
        raise DataValidationError(ctx.problems)
    return result


def _rebind(ctx: _Context, synonyms: dict) -> _Context:
    """A fresh context with the final synonyms that keeps the problems found so far."""
    fresh = _Context(ctx.file, ctx.party_types, ctx.tie_kinds, synonyms)
    fresh.problems = ctx.problems
    return fresh


# --------------------------------------------------------------------------- REFI-QDA

#: REFI-QDA edge directions and whether they make a directed tie.
REFI_DIRECTIONS = {"OneWay": True, "Associative": False, "Bidirectional": False}


def drawings_from_refi_graph(graph: Mapping[str, Any], *, meeting: str,
                             region: str | None = None, situation: str | None = None,
                             wave: int | None = None,
                             party_types: Mapping[str, str] | None = None,
                             default_party_type: str | None = None,
                             kind_names: Mapping[str, str] | None = None,
                             extra_party_types: Mapping[str, Mapping[str, str]] | None = None,
                             extra_tie_kinds: Mapping[str, Mapping[str, str]] | None = None,
                             file: str | None = None) -> Drawing:
    """Turn one REFI-QDA ``<Graph>`` (as a dict) into a :class:`Drawing`.

    Parameters
    ----------
    graph
        ``{"guid", "name", "vertices": [...], "edges": [...]}`` as a REFI reader
        supplies it. A vertex is ``{"guid", "name", "representedGUID"?}``; an edge is
        ``{"guid", "source", "target", "name", "direction", "color"?}`` where
        ``source``/``target`` are vertex guids (REFI's own attribute names
        ``sourceVertex``/``targetVertex`` are accepted too).
    meeting, region, situation, wave
        What the REFI file does not say: which meeting the graph belongs to.
    party_types
        The party type of each vertex, looked up by vertex ``guid``, then
        ``representedGUID``, then ``name``. REFI vertices carry no type.
    default_party_type
        The type of a vertex not in ``party_types``; ``None`` makes such a vertex a
        problem.
    kind_names
        Edge name -> tie kind, for example ``{"rood": "intensive_contact"}``; added to
        :data:`DEFAULT_KIND_SYNONYMS`. An edge without a name gets its kind from its
        ``color`` through the same mapping (``#ff0000`` is intensive contact).
    extra_party_types, extra_tie_kinds
        Extra vocabulary, as under ``party_types`` / ``tie_kinds`` in a drawings file.
    file
        The name to use in problem reports.

    Returns
    -------
    Drawing
        Party ids are the vertex names (the guid when a vertex has no name), labels the
        names. ``OneWay`` edges are directed source -> target; ``Associative`` and
        ``Bidirectional`` edges are undirected (for an initiative or decision tie:
        both parties).

    Raises
    ------
    DataValidationError
        Listing every edge with an unknown vertex or kind, every vertex without a type,
        duplicate names and self-loops; rows are named ``Graph 'name' Edge guid``.
    """
    name = file or "<REFI graph>"
    ctx = _Context(name, {}, {}, {})
    ctx.party_types = _vocabulary(ctx, dict(extra_party_types or {}), DEFAULT_PARTY_TYPES,
                                  "party_types")
    ctx.tie_kinds = _vocabulary(ctx, dict(extra_tie_kinds or {}), DEFAULT_TIE_KINDS,
                                "tie_kinds")
    synonyms = dict(DEFAULT_KIND_SYNONYMS)
    synonyms.update(_synonyms(None, kind_names, ctx.tie_kinds, "kind_names"))
    ctx = _rebind(ctx, synonyms)
    gname = graph.get("name") or graph.get("guid") or "?"
    base = f"Graph {gname!r}"
    types = dict(party_types or {})

    vertices = list(graph.get("vertices") or [])
    by_guid: dict[str, str] = {}
    parties = []
    for vertex in vertices:
        guid = vertex.get("guid")
        pid = (vertex.get("name") or "").strip() or guid
        ptype = None
        for key in (guid, vertex.get("representedGUID"), vertex.get("name")):
            if key is not None and key in types:
                ptype = types[key]
                break
        ptype = ptype or default_party_type
        if guid is not None:
            by_guid[guid] = pid
        parties.append({"id": pid, "type": ptype, "label": vertex.get("name") or pid})

    for vertex, party in zip(vertices, parties):
        if party["type"] is None:
            ctx.add("no party type for this vertex", row=f"{base} Vertex {vertex.get('guid')}",
                    column="name", value=vertex.get("name"),
                    expected="a type in party_types (by guid, representedGUID or name) "
                    "or a default_party_type")
            party["type"] = "other"  # reported above; keeps the other checks going
    ties = []
    for edge in graph.get("edges") or []:
        direction = edge.get("direction") or "Associative"
        if direction not in REFI_DIRECTIONS:
            ctx.add("unknown edge direction", row=f"{base} Edge {edge.get('guid')}",
                    column="direction", value=direction,
                    expected="one of " + ", ".join(REFI_DIRECTIONS))
        kind_word = edge.get("name") or edge.get("color")
        source = edge.get("source", edge.get("sourceVertex"))
        target = edge.get("target", edge.get("targetVertex"))
        ties.append({
            "from": by_guid.get(source, source),
            "to": by_guid.get(target, target),
            "kind": kind_word,
            "directed": REFI_DIRECTIONS.get(direction, False),
        })
    raw = {"meeting": meeting, "region": region, "situation": situation, "wave": wave,
           "title": graph.get("name"), "parties": parties, "ties": ties}
    vguids = [v.get("guid") for v in vertices]
    eguids = [e.get("guid") for e in graph.get("edges") or []]
    drawing = _build_drawing(ctx, raw, 0, where=base,
                             party_row=lambda k: f"{base} Vertex {vguids[k]}",
                             tie_row=lambda j: f"{base} Edge {eguids[j]}")
    if ctx.problems or drawing is None:
        raise DataValidationError(ctx.problems or [Problem(file=name, message="no drawing")])
    return drawing


def _iter_drawings(drawings: Drawing | Iterable[Drawing]) -> list[Drawing]:
    """Accept one drawing or several; refuse anything else with a clear message."""
    if isinstance(drawings, Drawing):
        return [drawings]
    result = list(drawings)
    for item in result:
        if not isinstance(item, Drawing):
            raise AnalysisError("expected Drawing objects (from read_drawings), got "
                                f"{type(item).__name__}")
    return result

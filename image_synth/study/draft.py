"""A first draft of a study folder from the files a study starts with (``image-synth init``).

:func:`draft_study` reads one or more SPSS survey files (``.sav``/``.zsav``/``.por``,
through the survey reader's own SPSS code) and, optionally, a REFI-QDA project and a
``.qdc`` codebook, and writes a study folder that validates as written:

- ``instrument.yaml``: one item per labelled numeric variable (its variable label as
  text, block ``other``), one response set per distinct set of labels (shared where
  identical); SPSS user-missing values and ranges become non-numeric codes
  (``dont_know`` for labels such as "weet niet"/"don't know", else ``not_applicable``),
  so a declared-missing code is never a point of a scale;
- ``codebook.yaml``: the project's (or the ``.qdc``'s) code tree with parents;
- ``sources.csv``: one row per source of the project, its attributes mapped onto the
  study's groups where ``groups`` names them;
- ``study.yaml``: waves, the groups found in the survey (``columns`` naming the file's
  key columns), the files copied into ``survey/`` and ``qual/``.

What a person still has to decide (scales, blocks, the crosswalk, which groups nest in
which, what was left out) is returned as :attr:`Draft.decisions` and printed by the
command.
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .. import columns as C
from ..errors import DataValidationError, Problem, StudyError

__all__ = ["GROUP_LEVELS", "Draft", "draft_study"]

#: The levels a ``--group`` may name (the study's own names go under ``levels``).
GROUP_LEVELS = (C.REGION, C.SITUATION, C.SECTOR)

#: Labels of declared-missing codes read as "don't know" (compared in lower case).
DONT_KNOW = re.compile(r"weet\s*niet|geen\s+(idee|zicht|mening)|don'?t\s+know|do\s+not\s+know|"
                       r"unknown|onbekend|no\s+opinion|kan\s+ik\s+niet\s+beoordelen")

#: SPSS print formats of date and time variables.
_DATE_FORMATS = ("DATE", "ADATE", "EDATE", "SDATE", "JDATE", "DATETIME", "YMDHMS", "TIME",
                 "DTIME", "MTIME", "WKDAY", "MONTH", "MOYR", "QYR", "WKYR")

#: A declared-missing range spanning at most this many whole numbers is enumerated.
_MAX_RANGE = 100


@dataclass
class Draft:
    """What :func:`draft_study` wrote and what is left to decide.

    Attributes
    ----------
    folder
        The study folder.
    files
        The files written or copied, relative to the folder.
    decisions
        Sentences: what a person still has to decide or check.
    left_out
        ``(file, variable, reason)`` of every survey variable that is not an item.
    non_numeric
        ``(response set, code, label, kind)`` of every declared-missing code.
    """

    folder: Path
    files: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    non_numeric: list[tuple[str, int, str, str]] = field(default_factory=list)

    def report(self) -> str:
        """The text ``image-synth init`` prints."""
        lines = [f"draft study written to {self.folder}: " + ", ".join(self.files)]
        if self.non_numeric:
            lines.append("SPSS user-missing codes, read as answers that are never a number:")
            lines += [f"  {rs}: {code} = {label!r} -> {kind}"
                      for rs, code, label, kind in self.non_numeric]
        if self.left_out:
            lines.append("survey variables left out (not items):")
            lines += [f"  {file}: {name} ({reason})" for file, name, reason in self.left_out]
        lines.append("still to decide:")
        lines += [f"  - {text}" for text in self.decisions]
        return "\n".join(lines)


def draft_study(folder: str | Path, *, surveys: list[str | Path], waves: list[int] | None = None,
                id_column: str | None = None, groups: dict[str, str] | None = None,
                segments: str | Path | None = None, codebook: str | Path | None = None,
                name: str | None = None, overwrite: bool = False) -> Draft:
    """Write a draft study into ``folder`` (see the module docstring).

    Parameters
    ----------
    folder
        The study folder to write; it must not hold a study.yaml unless ``overwrite``.
    surveys
        SPSS files, one per wave.
    waves
        The wave of each survey file (one wave for all, or one per file); default: a
        ``wave`` column of the files must say it.
    id_column
        The column holding the respondent id (default ``respondent_id``).
    groups
        Level (``region``, ``situation``, ``sector``) -> the survey column holding it;
        also the name of the QDA source attribute holding it. ``region`` is required.
    segments
        A REFI-QDA project (``.qdpx``/``.qde``): its code tree and sources.
    codebook
        A REFI-QDA codebook (``.qdc``); its codes are the codebook instead of the
        project's.
    name
        The study's name (default: the folder's name).

    Raises
    ------
    StudyError
        A wrong combination of options, or a folder that already holds a study.
    DataValidationError
        A file that cannot be read, or columns the options name that are not there.
    """
    folder = Path(folder)
    groups, own_names = _group_roles(dict(groups or {}))
    if C.REGION not in groups:
        raise StudyError("--group region=COLUMN is required: the survey column that groups "
                         "the respondents (a municipality, a region, a school board...)")
    if not surveys:
        raise StudyError("give at least one --survey FILE")
    waves = list(waves or [])
    if len(waves) not in (0, 1, len(surveys)):
        raise StudyError(f"{len(waves)} --wave for {len(surveys)} --survey files: give one "
                         "wave for all files, or one per file in the same order")
    if (folder / "study.yaml").exists() and not overwrite:
        raise StudyError(f"{folder / 'study.yaml'} exists; init writes a new study folder")
    id_column = id_column or C.RESPONDENT_ID
    draft = Draft(folder=folder)

    survey_parts = [_read_spss_file(Path(p)) for p in surveys]
    file_waves = _file_waves(survey_parts, waves)
    names = [part.path.name for part in survey_parts]
    for part, wave in zip(survey_parts, file_waves):   # two files of one name: wave first
        part.target = part.path.name if names.count(part.path.name) == 1 \
            else f"{wave}_{part.path.name}"
    keys = {C.RESPONDENT_ID: id_column, **groups}
    _check_columns(survey_parts, keys, own_names)
    instrument, sets_used = _instrument(survey_parts, keys, draft, name or folder.name)
    group_values = _group_values(survey_parts, groups)

    project = None
    qda_codebook = None
    if segments is not None:
        from ..read.refi import read_qdpx

        project = read_qdpx(segments)
    if codebook is not None:
        from ..read.refi import read_qdc

        qda_codebook = read_qdc(codebook)
    elif project is not None:
        from ..read.refi import QdaCodebook

        qda_codebook = QdaCodebook(file=Path(segments).name, origin=project.origin,
                                   codes=project.codes, code_groups=project.code_groups)
    sources = _sources(project, groups, group_values, file_waves[-1], draft) \
        if project else None

    study = _study_yaml(folder, name, survey_parts, file_waves, groups, group_values,
                        id_column, has_codebook=qda_codebook is not None,
                        segments=Path(segments) if segments else None,
                        wave_of_segments=file_waves[-1], draft=draft,
                        own_names=own_names)

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "survey").mkdir(exist_ok=True)
    for part in survey_parts:
        shutil.copyfile(part.path, folder / "survey" / part.target)
        draft.files.append(f"survey/{part.target}")
    _write_yaml(folder / "instrument.yaml", instrument)
    draft.files.append("instrument.yaml")
    if qda_codebook is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # "codes without a category": a decision below
            book = qda_codebook.to_codebook(name=f"{name or folder.name} codebook")
        _write_yaml(folder / "codebook.yaml", book.model_dump(mode="json", exclude_defaults=True))
        draft.files.append("codebook.yaml")
        draft.decisions.append(f"codebook.yaml: {len(book.codes)} codes; give each a category "
                               "(working_factor, hindering_factor, condition, process_yield, "
                               "result_yield) and the crosswalk (links: scale:<id> / item:<id>)")
    if project is not None:
        (folder / "qual").mkdir(exist_ok=True)
        shutil.copyfile(segments, folder / "qual" / Path(segments).name)
        draft.files.append(f"qual/{Path(segments).name}")
        sources.to_csv(folder / "qual" / "sources.csv", index=False)
        draft.files.append("qual/sources.csv")
        draft.decisions.append("qual/sources.csv: every source is drafted as an interview of "
                               f"wave {file_waves[-1]}; set source_type, wave and role, and "
                               "the region of sources whose project attributes did not say it")
    _write_yaml(folder / "study.yaml", study)
    draft.files.insert(0, "study.yaml")
    draft.decisions += [
        ("instrument.yaml: every item is in block 'other'; set each item's block (mechanism, "
         "condition, satisfaction, yield, ...) and group the items into scales "
         "(scales: and each item's scale)"),
        (f"instrument.yaml: {sets_used} response set(s); check 'ordered' (drafted true for "
         "three or more consecutive codes) and the non-numeric codes listed above"),
        ("study.yaml: levels (what the study calls its groups: drafted in Dutch from the "
         "group columns' labels; check them and add English names) and, when regions belong "
         "to larger groups, situations (which group nests in which)"),
    ]
    return draft


# --------------------------------------------------------------------------- survey


@dataclass
class _SpssFile:
    path: Path
    data: pd.DataFrame
    meta: Any
    #: the file's name in the study's survey/ folder
    target: str = ""


def _read_spss_file(path: Path) -> _SpssFile:
    from ..read.survey import SPSS_SUFFIXES, _spss_data

    if path.suffix.lower() not in SPSS_SUFFIXES:
        raise DataValidationError([Problem(file=str(path), message="init drafts from SPSS "
                                           "files", value=path.suffix,
                                           expected=", ".join(SPSS_SUFFIXES))])
    data, meta = _spss_data(path, path.name)
    return _SpssFile(path, data, meta)


def _column(part: _SpssFile, name: str) -> str | None:
    """The file's column matching ``name`` whatever its case."""
    exact = [c for c in part.data.columns if c == name]
    loose = [c for c in part.data.columns if str(c).casefold() == name.casefold()]
    return (exact or loose or [None])[0]


def _check_columns(parts: list[_SpssFile], keys: dict[str, str],
                   own_names: dict[str, str] | None = None) -> None:
    problems = []
    for part in parts:
        for key, name in keys.items():
            if _column(part, name) is None:
                typed = (own_names or {}).get(key, key)   # as the user wrote the option
                option = "--id" if key == C.RESPONDENT_ID else f"--group {typed}="
                what = key if typed == key else f"{typed} (the {key} level)"
                problems.append(Problem(file=part.path.name, column=name,
                                        message=f"no column {name!r} for the {what} "
                                                f"({option}...)",
                                        expected="one of " + ", ".join(map(str,
                                                                           part.data.columns))))
    if problems:
        raise DataValidationError(problems, title="init cannot draft this study")


def _file_waves(parts: list[_SpssFile], waves: list[int]) -> list[int]:
    if len(waves) == 1:
        return waves * len(parts)
    if waves:
        return waves
    found = []
    for part in parts:
        column = _column(part, C.WAVE)
        values = part.data[column].dropna().unique() if column else []
        if len(values) != 1:
            raise StudyError(f"{part.path.name}: give --wave N (the file has "
                             + ("no wave column" if column is None else
                                f"{len(values)} waves in its wave column") + ")")
        found.append(int(values[0]))
    return found


def _is_date(meta, name: str) -> bool:
    fmt = str((meta.original_variable_types or {}).get(name, "")).upper()
    return fmt.rstrip("0123456789.").startswith(_DATE_FORMATS) and \
        fmt.rstrip("0123456789.") in _DATE_FORMATS


def _declared_codes(missing: list[dict], values: np.ndarray, labels: dict) -> list[int]:
    """Whole-number codes a variable declares missing: discrete values, the whole numbers
    of small ranges, and of any range the codes the data or the labels hold."""
    out: set[int] = set()
    present = {float(v) for v in values if not np.isnan(v)} | {float(k) for k in labels}
    for declared in missing:
        try:
            lo, hi = float(declared["lo"]), float(declared["hi"])
        except (TypeError, ValueError, KeyError):
            continue
        if lo == hi and lo.is_integer():
            out.add(int(lo))
        elif np.isfinite(lo) and np.isfinite(hi) and hi - lo <= _MAX_RANGE:
            out |= {int(v) for v in present if lo <= v <= hi and v.is_integer()}
            out |= {n for n in range(int(np.ceil(lo)), int(np.floor(hi)) + 1)
                    if float(n) in present}
        else:
            out |= {int(v) for v in present if lo <= v <= hi and v.is_integer()}
    return sorted(out)


def _instrument(parts: list[_SpssFile], keys: dict[str, str], draft: Draft,
                name: str) -> tuple[dict, int]:
    """instrument.yaml as a dict, and how many response sets it has."""
    key_names = {n.casefold() for n in keys.values()} | {C.WAVE}
    sets: dict[tuple, str] = {}
    set_list: list[dict] = []
    items: dict[str, dict] = {}
    for part in parts:
        meta = part.meta
        types = meta.readstat_variable_types or {}
        for column in part.data.columns:
            if str(column).casefold() in key_names:
                continue
            label = (meta.column_names_to_labels or {}).get(column)
            labels = (meta.variable_value_labels or {}).get(column, {})
            reason = None
            if types.get(column) == "string":
                reason = "string variable"
            elif _is_date(meta, column):
                reason = "date or time variable"
            elif not labels:
                reason = "numeric without value labels"
            values = part.data[column].to_numpy(dtype="float64", na_value=np.nan) \
                if reason is None else np.array([])
            if reason is None:
                codes = [v for v in values if not np.isnan(v)] + list(labels)
                if any(not float(v).is_integer() for v in codes):
                    reason = "numeric with codes that are not whole numbers"
            if reason is not None:
                draft.left_out.append((part.path.name, str(column), reason))
                continue
            item_id = str(column).lower()
            if item_id in items:
                continue   # asked in an earlier file too: the first file's answers
            declared = set(_declared_codes((meta.missing_ranges or {}).get(column, []),
                                           values, labels))
            codes = sorted({int(v) for v in values if not np.isnan(v)}
                           | {int(float(k)) for k in labels})
            entries = []
            for code in codes:
                text = str(labels.get(float(code), labels.get(code, code)))
                entry: dict[str, Any] = {"code": code, "label": {"nl": text}}
                if code in declared:
                    entry["non_numeric"] = ("dont_know" if DONT_KNOW.search(text.casefold())
                                            else "not_applicable")
                entries.append(entry)
            numeric = [e["code"] for e in entries if "non_numeric" not in e]
            ordered = len(numeric) >= 3 and numeric == list(range(numeric[0],
                                                                  numeric[0] + len(numeric)))
            signature = (tuple((e["code"], e["label"]["nl"], e.get("non_numeric"))
                               for e in entries), ordered)
            if signature not in sets:
                set_id = f"answers_{len(sets) + 1}"
                sets[signature] = set_id
                set_list.append({"id": set_id, "ordered": ordered, "codes": entries})
                draft.non_numeric += [(set_id, e["code"], e["label"]["nl"], e["non_numeric"])
                                      for e in entries if "non_numeric" in e]
            items[item_id] = {"id": item_id, "block": "other",
                              "text": {"nl": str(label or column)},
                              "response_set": sets[signature]}
    if not items:
        raise StudyError("the survey files have no labelled numeric variables: nothing to "
                         "draft as items (variables: "
                         + ", ".join(f"{n} ({r})" for _, n, r in draft.left_out) + ")")
    set_ids = {s["id"] for s in set_list}
    for item in items.values():      # an item id must not be the id of a response set
        if item["id"] in set_ids:
            item["id"] = f"{item['id']}_item"
    return {"name": f"{name} instrument", "response_sets": set_list,
            "items": list(items.values())}, len(set_list)


def _group_values(parts: list[_SpssFile], groups: dict[str, str]
                  ) -> dict[str, dict[str, str]]:
    """Level -> {id as the reader reads it: label}, numeric codes in their order (as SPSS
    lists its value labels), others in order of first appearance; and for the situation
    level also the region -> situations seen (under ``"_nesting"``)."""
    from ..read.survey import _cell_text

    found: dict[str, dict[str, str]] = {level: {} for level in groups}
    nesting: dict[str, dict[str, int]] = {}
    for part in parts:
        columns = {level: _column(part, name) for level, name in groups.items()}
        texts = {level: part.data[col].astype(object).map(_cell_text).str.strip()
                 for level, col in columns.items()}
        for level, col in columns.items():
            labels = (part.meta.variable_value_labels or {}).get(col, {})
            for value in dict.fromkeys(texts[level]):
                if value == "":
                    continue
                label = labels.get(float(value)) if _is_number(value) else labels.get(value)
                found[level].setdefault(value, str(label) if label is not None else value)
        if C.SITUATION in texts:
            for region, situation in zip(texts[C.REGION], texts[C.SITUATION]):
                if region and situation:
                    nesting.setdefault(region, {}).setdefault(situation, 0)
                    nesting[region][situation] += 1
    for level, values in found.items():
        if values and all(_is_number(v) for v in values):
            found[level] = dict(sorted(values.items(), key=lambda kv: float(kv[0])))
    found["_nesting"] = nesting  # type: ignore[assignment]
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- QDA


def _sources(project, groups: dict[str, str], values: dict[str, dict[str, str]],
             wave: int, draft: Draft) -> pd.DataFrame:
    """sources.csv: one interview per source of the project, groups from its attributes.

    An attribute named like a ``--group`` column gives the source's region (situation):
    a survey value, or a value's label; a region only the project names becomes a region
    of the study too when the study has no situations (else it is left empty and said).
    """
    frame = project.sources
    attributes = {str(c).casefold(): c for c in frame.columns}
    out = pd.DataFrame({C.SOURCE_ID: frame[C.SOURCE_ID], C.SOURCE_TYPE: "interview",
                        C.WAVE: wave})
    for level in (C.REGION, C.SITUATION):
        column = attributes.get(groups.get(level, level).casefold())
        if column is None or level not in values:
            if level == C.REGION:
                draft.decisions.append(
                    f"qual/sources.csv: the project's sources have no attribute "
                    f"{groups[C.REGION]!r}; fill in the region of each source (empty: a "
                    "source of the whole study)")
            continue
        by_label = {label.casefold(): key for key, label in values[level].items()}
        known = values[level]
        extend = level == C.REGION and C.SITUATION not in groups
        unknown: list[str] = []

        def mapped(value, known=known, by_label=by_label, extend=extend, unknown=unknown):
            text = "" if value is None or (isinstance(value, float) and np.isnan(value)) \
                else str(value).strip()
            if text in known or not text:
                return text
            if text.casefold() in by_label:
                return by_label[text.casefold()]
            if extend:
                known[text] = text
                return text
            unknown.append(text)
            return ""

        out[level] = frame[column].map(mapped)
        if unknown:
            draft.decisions.append(f"qual/sources.csv: {level} values of the project that "
                                   "the survey does not have were left empty: "
                                   + ", ".join(dict.fromkeys(unknown)))
    out[C.ROLE] = ""
    out["title"] = frame[C.SOURCE_ID]
    return out


# --------------------------------------------------------------------------- study.yaml


def _study_yaml(folder: Path, name, parts, waves, groups, values, id_column, *,
                has_codebook: bool, segments: Path | None, wave_of_segments: int,
                draft: Draft, own_names: dict[str, str] | None = None) -> dict:
    study_id = re.sub(r"[^A-Za-z0-9_]+", "_", folder.name).strip("_").lower() or "study"
    regions = []
    nesting = values.get("_nesting", {})
    situations = values.get(C.SITUATION)
    if situations is not None:
        mixed = {r: s for r, s in nesting.items() if len(s) > 1}
        if mixed:
            draft.decisions.append(
                f"the {groups[C.SITUATION]!r} column does not group the {groups[C.REGION]!r} "
                "values (" + ", ".join(f"{r}: {', '.join(s)}" for r, s in list(mixed.items())[:5])
                + "); it is drafted as no situation level: decide which group nests in which")
            situations = None
    for region, label in values[C.REGION].items():
        entry: dict[str, Any] = {"id": region}
        if label != region:
            entry["label"] = {"nl": label}
        if situations is not None:
            entry["situation"] = next(iter(nesting[region]))
        regions.append(entry)
    study: dict[str, Any] = {"name": name or folder.name, "id": study_id, "language": "nl",
                             "waves": sorted(set(waves))}
    if situations is not None:
        study["situations"] = [{"id": s, **({"label": {"nl": lab}} if lab != s else {})}
                               for s, lab in situations.items()]
    if C.SECTOR in groups:
        study["sectors"] = [{"id": s, **({"label": {"nl": lab}} if lab != s else {})}
                            for s, lab in values[C.SECTOR].items()]
    study["regions"] = regions
    columns = {C.RESPONDENT_ID: id_column}
    for level in GROUP_LEVELS:
        if level in groups and (level != C.SITUATION or situations is not None):
            columns[level] = groups[level]
    levels = _level_names(parts, groups, situations is not None, own_names)
    if levels:
        study["levels"] = levels
    study["columns"] = {k: v for k, v in columns.items() if v != k} or None
    if study["columns"] is None:
        del study["columns"]
    study["instrument"] = "instrument.yaml"
    if has_codebook:
        study["codebook"] = "codebook.yaml"
    study["survey"] = [{"wave": w, "path": f"survey/{p.target}"} for p, w in zip(parts, waves)]
    if segments is not None:
        study["segments"] = [{"wave": wave_of_segments, "path": f"qual/{segments.name}"}]
        study["sources"] = "qual/sources.csv"
    study["disclosure"] = {"min_n": 5}
    return study


def _group_roles(groups: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``--group`` names as the package's levels, and the study's own names for them.

    A name that is not one of :data:`GROUP_LEVELS` is the study's word for a level:
    ``--group gemeente=GEM`` groups by the column ``GEM`` as the study's lowest level
    (the package's region) and calls it ``gemeente``; with ``region`` named as well, it
    is the level above (the package's situation). Returns ``(level -> column, level ->
    the study's name)``.
    """
    import difflib

    roles: dict[str, str] = {}
    own = []
    for name, column in groups.items():
        level = name.casefold()
        if level in GROUP_LEVELS:
            roles[level] = column
            continue
        close = difflib.get_close_matches(level, GROUP_LEVELS, n=1, cutoff=0.75)
        if close:   # a typo of a level is not a level of its own
            raise StudyError(f"--group {name}=...: did you mean --group {close[0]}=...? (a "
                             "name that is not region, situation or sector is the study's "
                             "own word for its lowest level)")
        own.append(name)
    if len(own) > 1:
        raise StudyError(
            f"--group {own[0]}=... --group {own[1]}=...: only one group may have a name "
            "of its own (the lowest level); name the others by level (--group "
            "situation=COLUMN for the level above, sector=COLUMN for a cross-cut) and say "
            "what the study calls them under 'levels' in study.yaml")
    names = {}
    if own:
        level = C.REGION if C.REGION not in roles else C.SITUATION
        if level in roles:
            raise StudyError(f"--group {own[0]}=...: region and situation are named "
                             "already; a name of its own is the lowest level or the one "
                             "above it")
        roles[level] = groups[own[0]]
        names[level] = own[0]
    return roles, names


def _level_names(parts: list[_SpssFile], groups: dict[str, str], situations: bool,
                 own_names: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """``levels:`` of study.yaml: what the study calls each group, from the column that
    holds it (its SPSS variable label, else its name, lower case as pages use it in a
    sentence: ``gemeente Arnhem``); a column named as the package names the level keeps
    the package's word. In the study's language (``nl``); the English name is left to
    the person (the report says so)."""
    names: dict[str, dict[str, str]] = {}
    for level, column in groups.items():
        if level == C.SITUATION and not situations:
            continue
        if own_names and level in own_names:   # --group gemeente=COLUMN: the user's word
            names[level] = {"nl": own_names[level]}
            continue
        if column.casefold() == level:
            continue
        label = ""
        for part in parts:
            found = _column(part, column)
            label = str((part.meta.column_names_to_labels or {}).get(found) or "").strip()
            if label:
                break
        text = label or column
        names[level] = {"nl": text[:1].lower() + text[1:]}
    return names


def _write_yaml(path: Path, data: dict) -> None:
    from ..atomic import write_atomic

    write_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))

"""Pseudonymisation of quotes: a study dictionary, then automatic name detection.

Every quote that can reach published output passes through a :class:`Pseudonymiser`.
It replaces names with consistent markers (the same kind of name always gets the same
marker) and keeps a log of what it replaced (``original``, ``marker``, ``source_id``,
``method``...) **apart from** the text: the log is returned next to the text and kept
on the pseudonymiser (:attr:`Pseudonymiser.log`), never inside the published quote.

Passes, in order (an earlier pass wins where two would replace overlapping text):

1. **contact details** (method ``rules``): e-mail addresses, web addresses and Dutch
   phone numbers become ``[contactgegevens]``;
2. **dictionary** (method ``dictionary``): the study's names, ``{category: [names]}``,
   e.g. ``{"samenwerkingsverband": ["SWV Rijnmond"], "school": [...], "gemeente": [...],
   "persoon": [...], "regio": [...]}``, each replaced by ``[category]``. Matching is
   case-insensitive (names shorter than 4 characters, such as region letters, must
   match exactly), on whole words, longest name first, with hyphenated capitalised
   extensions swallowed (``Rijnmond-Noord``). Inflections: possessives (``Jansen's``,
   ``Jansens``, ``Hans'``) and adjectives and inhabitant names formed with ``-se``,
   ``-s``, ``-er(s)`` from the name or from its stem without a final ``-e``/``-en``
   and a doubled consonant (``Amsterdamse``, ``Twentse``, ``Groningse``, ``Zwolse``,
   ``Groninger``, ``Amsterdammer``). Irregular forms (``Haagse`` from ``Den Haag``,
   ``Almeerse``) are not derived: add them to the dictionary. A name in two
   categories gets the first category's marker;
3. **learned names** (method ``learned``): names detected by passes 4-5 in earlier
   quotes of this pseudonymiser (or earlier in the same quote) are replaced wherever
   they appear again, case-sensitively, with the marker they got first; this catches a
   name repeated at the start of a sentence, where the rules cannot see it;
4. **deduce** (method ``deduce``, when the package is installed and ``detector`` is
   ``"auto"`` or ``"deduce"``): persons, places and institutions found by deduce;
5. **rules** (method ``rules``): the rule-based detector below; it runs with or
   without deduce, because deduce misses school and organisation names.

The rule-based detector
-----------------------
Dutch writes common nouns in lower case, so a capitalised word that does not start a
sentence is almost always (part of) a name. The detector takes runs of such words
(with the particles ``van``, ``de``, ``der``, ``den``, ``ter``... between them, and a
capitalised article in front: ``De Regenboog``), and types each run from its context:

- after a title (``meneer``, ``mevrouw``, ``juf``, ``meester``, ``dhr.``, ``collega``,
  ``wethouder``...) -> ``[persoon]`` (the title stays: ``juf [persoon]``);
- after an organisation word (``basisschool``, ``OBS``, ``kindcentrum``,
  ``kinderopvang``, ``stichting``...) or with a name-final ``College``/``Lyceum``...,
  or led by a capitalised article mid-sentence -> ``[organisatie]``;
- after ``gemeente``/``regio``/``provincie`` or a place preposition (``in``, ``uit``,
  ``naar``, ``te``...), or an adjective such as ``Amsterdamse`` -> ``[plaats]``;
- two or more name words, or a particle inside (``Pieter de Vries``) -> ``[persoon]``;
- otherwise ``[naam]``.

Reproducibility: with ``detector="auto"`` the text depends on whether deduce is
installed, so two machines can publish different quotes. For published supplements
name the detector explicitly (``"rules"``, or ``"deduce"`` where it is installed).
Learned names make the output depend on the order of the quotes (deterministic for the
same inputs in the same order).

A capitalised word that starts a sentence is taken as a name only when a name word
follows it (``Pieter de Vries zei``); a lone name at the start of a sentence
(``Zwolle doet mee``) is missed by the rules (deduce, the dictionary or a learned name
catch it). Function words (``Dat``, ``Wij``...), acronyms (``SWV``, ``NPO``) and a
short list of capitalised ordinary words (``Nederland``, ``Jeugdhulp``,
``Kinderopvang``, ``WhatsApp``...; extend with ``keep=``) are never replaced. The
detector errs towards replacing: a capitalised ordinary word in mid-sentence becomes
``[naam]``.

Evaluation of ``deduce`` (done for this module, deduce 3.0.6 with docdeid 1.0.1)
-------------------------------------------------------------------------------
- What: rule- and lookup-based de-identification of Dutch *clinical* text (UMC
  Utrecht). It finds persons (first-name and surname lists, initials, titles),
  locations (place names, streets, postcodes), institutions (care institutions,
  hospitals), dates, ages, phone numbers, e-mail and web addresses, BSN and ids.
- Licence: LGPL-3.0-or-later (docdeid: MIT). Importing it unmodified from an MIT
  package is allowed; shipping a modified copy is not without LGPL terms.
- Size and install: pure Python; deduce 6.6 MB of lookup lists plus rapidfuzz
  (12 MB), regex (3.5 MB), docdeid, frozendict. It pins ``regex<2025`` (here it
  downgraded regex 2026.5.9 to 2024.11.6) and ``docdeid==1.0.1``.
- Offline: yes; all lookup lists ship with the wheel. On first use it builds a 74 MB
  cache of lookup structures (about 2 minutes) in its own package folder (or in
  ``cache_path``; pass ``deduce_cache_path=`` when site-packages is read-only);
  after that, creating ``Deduce()`` takes about 8 seconds and a quote about 5 ms.
  ``pip uninstall deduce`` leaves that cache folder behind (it is not in the wheel's
  file list), which :func:`deduce_available` does not mistake for the package.
- Quality on interview quotes: good on persons (``Pieter de Vries``, ``meneer
  Bakker``, ``juf Anouk``, ``Jansen's``, ``collega Fatima Yilmaz``) and Dutch place
  names (``Zwolle``, ``Almere``, ``Twente``, ``Rijnmond``); it misses school and
  organisation names (``De Regenboog``, ``Vechtdal College``, ``Kinderopvang
  Humankind``) and adjectives (``Amsterdamse``); it can swallow too much (``Mevrouw El
  Amrani van het Stedelijk Gymnasium`` as one person) and does not know education
  institutions. No false positives on ordinary sentences in the trials.
- Decision: used behind an optional import (``detector="auto"``) as one pass among
  several, never alone; the rule-based detector always runs too. Recommended as an
  optional extra (``pip install image-synth[deid]``), not a core dependency: the
  LGPL licence, the ``regex`` pin, the 74 MB cache written into site-packages and the
  8-second start are costs every user would pay, and the package works without it.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError, StudyError
from ..options import DETECTORS, check_option
from ._checks import is_missing, require_columns

__all__ = ["AUTO_MARKERS", "LOG_COLUMNS", "Pseudonymiser", "deduce_available"]

ORIGINAL, MARKER, METHOD = "original", "marker", "method"
#: Columns of the replacement log.
LOG_COLUMNS = (C.SOURCE_ID, C.SEGMENT_ID, ORIGINAL, MARKER, METHOD, C.START, C.END)

#: Markers for names found by detection (not by the dictionary).
AUTO_MARKERS = {
    "person": "[persoon]",
    "place": "[plaats]",
    "organisation": "[organisatie]",
    "name": "[naam]",
    "contact": "[contactgegevens]",
}

# ---------------------------------------------------------------- Dutch word lists

_FUNCTION_WORDS = frozenset("""
de het een en of maar dus want omdat als dan dat die dit deze wie wat waar wanneer hoe
waarom welke welk ik je jij u hij zij ze wij we jullie hun hen mij me mijn jouw uw zijn
haar ons onze hem er daar hier niet geen wel ook nog al toch ja nee nou oké ok okay zo
nu toen straks eerst daarna daarom daarnaast bovendien verder echter alleen soms vaak
altijd nooit misschien natuurlijk gewoon eigenlijk juist in op aan bij met van voor naar
uit over onder door tot om tegen tussen zonder na sinds tijdens binnen buiten volgens
vanuit per via te is was waren wordt worden werd heeft had hebben kan kon kunnen moet
moeten zal zou zullen wil willen gaat gaan doen doet deed komt kwam iets niets alles
iedereen niemand allemaal elke ieder iedere alle veel weinig meer minder sommige andere
ander beide één twee drie vier vijf zes zeven acht negen tien hoor hè he oh ah eh zeker
goed inderdaad precies tja zeg kijk weet denk vind vond zegt zei ook want hierdoor
daardoor waardoor terwijl hoewel zodat zoals tenzij mits ondanks dankzij omdat doordat
nadat voordat totdat zodra aldus wel nou dus enfin kortom vervolgens uiteindelijk ten
slotte tot slot bijvoorbeeld namelijk ongeveer zelfs vooral ergens nergens overal iemand
anders samen elkaar zich zelf jezelf mezelf onszelf
""".split())

#: Capitalised words that are not identifying (lower case here).
_KEEP_CAPITALISED = frozenset("""
nederland nederlands nederlandse holland engels engelse duits duitse frans franse
europa europees europese god corona covid covid-19 kerst kerstmis pasen jeugdhulp
jeugdzorg kinderopvang gemeente gemeenten rijk rijksoverheid overheid ministerie
inspectie onderwijsinspectie passend onderwijs ocw vws npo whatsapp teams zoom
excel word google outlook facebook linkedin instagram youtube internet basisschool
samenwerkingsverband samenwerkingsverbanden hoogbegaafdheid hoogbegaafd hoogbegaafde
hoogbegaafden begaafdheid begaafde plusklas talentbegeleider intern begeleider
kamer tweede eerste figuur tabel bijlage hoofdstuk paragraaf
""".split())

#: Beginnings of capitalised compounds that are not identifying (not surnames).
_KEEP_PREFIXES = ("whatsapp", "jeugdhulp", "jeugdzorg", "kinderopvang", "samenwerkingsverband",
                  "hoogbegaafd", "onderwijs", "gemeente", "ministerie", "inspectie",
                  "rijksoverheid", "plusklas", "talentbegeleid", "corona", "covid")

_PARTICLES = frozenset("van de der den het 't ’t ten ter te la le du da di del della von "
                       "zu el al bin ben ibn vd v.d. d'".split())
_ARTICLES = frozenset(("de", "het", "'t", "’t"))

_TITLES = frozenset("""
meneer mevrouw mevr mw mvr dhr heer juf juffrouw meester mr dr drs ir ing prof
collega directeur directrice wethouder burgemeester bestuurder voorzitter leerkracht
docent mentor coördinator coordinator projectleider ib'er ib-er ib’er orthopedagoog
psycholoog zoon dochter moeder vader oma opa leerling broer zus buurman buurvrouw
tante oom mama papa
""".split())

_ORG_KEYWORDS = frozenset("""
basisschool school obs cbs pcbs rkbs kbs ikc kindcentrum kindcentra kinderopvang
kinderdagverblijf kdv bso peuterspeelzaal psz college lyceum gymnasium
scholengemeenschap scholengroep stichting schoolbestuur vereniging organisatie
instelling zorgaanbieder jeugdhulpaanbieder expertisecentrum academie praktijk ggd
wijkteam bureau swv samenwerkingsverband opvang
""".split())
_PLACE_KEYWORDS = frozenset("gemeente regio provincie stad dorp wijk stadsdeel plaats".split())
_PLACE_PREPOSITIONS = frozenset("in uit naar te rond rondom richting nabij omgeving "
                                "buurt".split())
#: Capitalised words that end an organisation's name.
_ORG_SUFFIXES = frozenset("college lyceum gymnasium school academie scholengemeenschap "
                          "kindcentrum campus instituut".split())
_ABBREVIATIONS = frozenset("dr drs mr mevr mw dhr ir ing prof bijv bv o.a evt ca nr zgn "
                           "vs resp incl excl m.b.t t.a.v i.p.v d.w.z st".split())

_TOKEN = re.compile(r"['’]t(?!\w)|[^\W\d_][\w]*(?:['’\-][\w]+)*")
_OPENERS = "\"'“‘„«([–—-*•"
_MARKER = re.compile(r"\[[^\[\]\n]{1,60}\]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+[^\s<>\"”.,;:!?)]")
_PHONE = re.compile(r"(?<![\w+])(?:\+31[\s-]?(?:\(0\))?|0)(?:\d[\s-]?){8}\d(?!\d)")
_HYPHEN_TAIL = re.compile(r"-[^\W\d_a-z]\w*")

_DEDUCE_TAGS = {
    "persoon": "person", "patient": "person",
    "locatie": "place", "straat": "place",
    "instelling": "organisation", "zorginstelling": "organisation",
    "ziekenhuis": "organisation",
    "telefoonnummer": "contact", "emailadres": "contact", "url": "contact",
}
_DEDUCE_DISABLED = {"dates", "ages", "identifiers", "redactor"}
_DEDUCE_CACHE: dict[str | None, Any] = {}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    marker: str
    method: str
    original: str


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    lower: str
    cap: bool
    initial: bool


class Pseudonymiser:
    """Replace names in Dutch text with consistent markers; keep the log apart.

    Parameters
    ----------
    names
        The study dictionary: ``{category: [name, ...]}``; every name of a category is
        replaced by ``[category]`` (``"samenwerkingsverband"`` ->
        ``[samenwerkingsverband]``).
    detector
        ``"auto"`` (deduce when installed, plus the rules), ``"deduce"`` (deduce
        required, plus the rules), ``"rules"`` (the rule-based detector only) or
        ``"none"`` (the dictionary only: for tests, never for publishing).
    markers
        Overrides of :data:`AUTO_MARKERS` (keys ``person``, ``place``,
        ``organisation``, ``name``, ``contact``).
    keep
        Extra capitalised words the detector must leave alone (e.g. ``"IMAGE"``).
    learn
        Remember detected names and replace them wherever they appear later (pass 3).
    deduce_cache_path
        Folder for deduce's lookup cache (default: deduce's own package folder).

    Examples
    --------
    >>> p = Pseudonymiser({"samenwerkingsverband": ["SWV Rijnmond"]}, detector="rules")
    >>> text, log = p.pseudonymise("In SWV Rijnmond werkt juf Anouk met meneer Bakker.",
    ...                            source_id="I01")
    >>> text
    'In [samenwerkingsverband] werkt juf [persoon] met meneer [persoon].'
    >>> [(r["original"], r["method"]) for r in log]
    [('SWV Rijnmond', 'dictionary'), ('Anouk', 'rules'), ('Bakker', 'rules')]
    """

    def __init__(self, names: Mapping[str, Iterable[str]] | None = None, *,
                 detector: str = "auto", markers: Mapping[str, str] | None = None,
                 keep: Iterable[str] = (), learn: bool = True,
                 deduce_cache_path: str | Path | None = None) -> None:
        check_option("detector", detector, DETECTORS)
        self.markers = dict(AUTO_MARKERS)
        if markers:
            unknown = sorted(set(markers) - set(AUTO_MARKERS))
            if unknown:
                raise AnalysisError(f"markers: unknown key(s) {', '.join(unknown)}; use any of "
                                    f"{', '.join(AUTO_MARKERS)}")
            self.markers.update(markers)
        self._keep = _KEEP_CAPITALISED | {w.casefold() for w in keep}
        self._categories: dict[str, str] = {}
        self._dictionary = self._compile_dictionary(names or {})
        self._learn = learn
        self._learned: dict[str, str] = {}
        self._learned_regex: re.Pattern | None = None
        self._deduce_cache_path = None if deduce_cache_path is None else str(deduce_cache_path)
        has_deduce = deduce_available()
        if detector == "deduce" and not has_deduce:
            raise AnalysisError("detector='deduce' needs the deduce package "
                                "(pip install deduce); or use detector='auto' or 'rules'")
        self.detector = detector
        self._use_deduce = detector == "deduce" or (detector == "auto" and has_deduce)
        self._use_rules = detector in ("auto", "deduce", "rules")
        #: The passes this pseudonymiser runs, e.g. ``("dictionary", "deduce", "rules")``.
        self.methods = tuple(m for m, on in (("dictionary", True), ("learned", learn),
                                            ("deduce", self._use_deduce),
                                            ("rules", self._use_rules)) if on)
        self._log: list[dict] = []

    # ------------------------------------------------------------------ public API

    def pseudonymise(self, text: str, *, source_id: Any = None,
                     segment_id: Any = None) -> tuple[str, list[dict]]:
        """Return ``(pseudonymised text, log rows)``.

        Each log row is a dict with ``source_id``, ``segment_id``, ``original``,
        ``marker``, ``method`` (``dictionary``, ``learned``, ``deduce`` or ``rules``),
        ``start`` and ``end`` (offsets in the original text). The rows are also added
        to :attr:`log`.
        """
        if is_missing(text):
            return text, []
        text = str(text)
        spans: list[_Span] = []
        protected = [(m.start(), m.end()) for m in _MARKER.finditer(text)]
        taken = list(protected)
        for span in self._contacts(text):
            _claim(span, spans, taken)
        for span in self._dictionary_spans(text):
            _claim(span, spans, taken)
        for span in self._learned_spans(text):
            _claim(span, spans, taken)
        detected: list[_Span] = []
        if self._use_deduce:
            for span in self._deduce_spans(text):
                if _claim(span, spans, taken):
                    detected.append(span)
        unsure: list[_Span] = []
        if self._use_rules:
            for span, confident in self._rule_spans(text, taken):
                if _claim(span, spans, taken):
                    (detected if confident else unsure).append(span)
        if self._learn and detected:
            self._remember(detected)
            # a bare name the rules could not type takes the type learned for it
            for span in unsure:
                marker = self._learned.get(_strip_possessive(span.original))
                if marker is not None and marker != span.marker:
                    spans[spans.index(span)] = _Span(span.start, span.end, marker, "learned",
                                                     span.original)
            for span in self._learned_spans(text):
                _claim(span, spans, taken)
        spans.sort(key=lambda s: s.start)
        pieces, pos = [], 0
        for span in spans:
            pieces.append(text[pos:span.start])
            pieces.append(span.marker)
            pos = span.end
        pieces.append(text[pos:])
        rows = [{C.SOURCE_ID: source_id, C.SEGMENT_ID: segment_id, ORIGINAL: s.original,
                 MARKER: s.marker, METHOD: s.method, C.START: s.start, C.END: s.end}
                for s in spans]
        self._log.extend(rows)
        return "".join(pieces), rows

    def pseudonymise_frame(self, frame: pd.DataFrame, *,
                           column: str = C.QUOTE) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Pseudonymise one text column of a frame.

        Returns
        -------
        (pandas.DataFrame, pandas.DataFrame)
            A copy of ``frame`` with ``column`` replaced, and the log of this call
            (:data:`LOG_COLUMNS`), ``source_id``/``segment_id`` taken from the frame
            when it has them.
        """
        require_columns(frame, (column,), file="frame")
        out = frame.copy()
        sources = frame[C.SOURCE_ID] if C.SOURCE_ID in frame.columns else [None] * len(frame)
        segs = frame[C.SEGMENT_ID] if C.SEGMENT_ID in frame.columns else [None] * len(frame)
        texts, rows = [], []
        for text, source, seg in zip(frame[column], sources, segs):
            new, log = self.pseudonymise(text, source_id=source, segment_id=seg)
            texts.append(new)
            rows.extend(log)
        out[column] = texts
        return out, pd.DataFrame(rows, columns=list(LOG_COLUMNS))

    @property
    def log(self) -> pd.DataFrame:
        """Every replacement made so far (:data:`LOG_COLUMNS`): keep it private."""
        return pd.DataFrame(self._log, columns=list(LOG_COLUMNS))

    def clear_log(self) -> None:
        """Forget the log (learned names are kept)."""
        self._log.clear()

    # ------------------------------------------------------------------ dictionary

    def _compile_dictionary(self, names: Mapping[str, Iterable[str]]) -> re.Pattern | None:
        if not isinstance(names, Mapping):
            raise StudyError("the pseudonymisation dictionary must map a category to a list "
                             f"of names, not {type(names).__name__}")
        variants: dict[str, str] = {}
        lookup: dict[str, str] = {}
        for category, values in names.items():
            if not isinstance(category, str) or not re.fullmatch(r"[\w\- ]+", category):
                raise StudyError(f"pseudonymisation dictionary: category {category!r} must be "
                                 "a plain word (it becomes the marker [category])")
            if isinstance(values, str):
                values = [values]
            for name in values:
                if is_missing(name):
                    continue
                name = " ".join(str(name).split())
                for variant in _variants(name):
                    variants.setdefault(variant, f"[{category}]")
                    lookup.setdefault(_norm(variant), f"[{category}]")
        self._categories = lookup
        if not variants:
            return None
        alternatives = sorted(variants, key=lambda v: (-len(v), v))
        parts = []
        for variant in alternatives:
            pattern = r"\s+".join(re.escape(w) for w in variant.split(" "))
            parts.append(pattern if len(variant) >= 4 and not variant.isupper()
                         else f"(?-i:{pattern})")
        return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)

    def _dictionary_spans(self, text: str) -> list[_Span]:
        if self._dictionary is None:
            return []
        out = []
        for match in self._dictionary.finditer(text):
            marker = self._categories.get(_norm(match.group(0)))
            start, end = _extend_hyphens(text, match.start(), match.end())
            out.append(_Span(start, end, marker or "[naam]", "dictionary", text[start:end]))
        return out

    # ------------------------------------------------------------------ learned names

    def _remember(self, spans: list[_Span]) -> None:
        changed = False
        for span in spans:
            if span.marker == self.markers["contact"]:
                continue
            names = {_strip_possessive(span.original)}
            if span.marker == self.markers["person"]:
                names |= {_strip_possessive(t.group(0)) for t in _TOKEN.finditer(span.original)}
            for name in names:
                low = name.casefold()
                if (len(name) < 3 or low in _FUNCTION_WORDS or low in _PARTICLES
                        or low in self._keep or low in _TITLES or low in _ORG_SUFFIXES
                        or low in _ORG_KEYWORDS or not name[0].isupper()):
                    continue
                if name not in self._learned:
                    self._learned[name] = span.marker
                    changed = True
        if changed:
            alternatives = sorted(self._learned, key=lambda v: (-len(v), v))
            parts = [r"\s+".join(re.escape(w) for w in v.split()) + r"(?:['’]s|['’])?"
                     for v in alternatives]
            self._learned_regex = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")

    def _learned_spans(self, text: str) -> list[_Span]:
        if not self._learn or self._learned_regex is None:
            return []
        out = []
        for match in self._learned_regex.finditer(text):
            marker = self._learned.get(_strip_possessive(" ".join(match.group(0).split())),
                                       self.markers["name"])
            out.append(_Span(match.start(), match.end(), marker, "learned", match.group(0)))
        return out

    # ------------------------------------------------------------------ deduce

    def _deduce_spans(self, text: str) -> list[_Span]:
        model = _load_deduce(self._deduce_cache_path)
        doc = model.deidentify(text, disabled=set(_DEDUCE_DISABLED))
        out = []
        for ann in sorted(doc.annotations, key=lambda a: (a.start_char, -a.end_char)):
            kind = _DEDUCE_TAGS.get(str(ann.tag).casefold(), "name")
            start, end = ann.start_char, ann.end_char
            if kind == "person":
                start = _skip_titles(text, start, end)
            if start >= end:
                continue
            out.append(_Span(start, end, self.markers[kind], "deduce", text[start:end]))
        return out

    # ------------------------------------------------------------------ contacts

    def _contacts(self, text: str) -> list[_Span]:
        out = []
        for regex in (_EMAIL, _URL, _PHONE):
            for m in regex.finditer(text):
                out.append(_Span(m.start(), m.end(), self.markers["contact"], "rules",
                                 m.group(0)))
        return out

    # ------------------------------------------------------------------ rules

    def _rule_spans(self, text: str, taken: list[tuple[int, int]]
                    ) -> list[tuple[_Span, bool]]:
        tokens = _tokens(text, taken)
        out: list[tuple[_Span, bool]] = []
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            starts = self._is_name(tok) or (
                _is_cap_article(tok) and i + 1 < n and _adjacent(text, tok, tokens[i + 1])
                and self._is_name(tokens[i + 1]))
            if not starts:
                i += 1
                continue
            last = i if self._is_name(tok) else None
            k = i + 1
            while k < n and _adjacent(text, tokens[k - 1], tokens[k]):
                nxt = tokens[k]
                if self._is_name(nxt):
                    last = k
                elif nxt.lower in _ORG_SUFFIXES and nxt.cap and last is not None:
                    last = k
                elif not (nxt.lower in _PARTICLES or _is_cap_article(nxt)):
                    break
                k += 1
            if last is None:
                i += 1
                continue
            run = tokens[i:last + 1]
            words = [t for t in run if self._is_name(t)]
            if run[0].initial and self._is_name(run[0]) and len(words) < 2:
                i = last + 1
                continue
            first = i
            # lower-case particles before the run belong to it after a title or an
            # organisation word: "mevrouw de Vries", "basisschool de Regenboog"
            j = first - 1
            while j >= 0 and tokens[j].lower in _PARTICLES and not tokens[j].cap \
                    and _adjacent(text, tokens[j], tokens[j + 1]):
                j -= 1
            if j < first - 1 and j >= 0 and _adjacent(text, tokens[j], tokens[j + 1]) \
                    and _anchor(tokens[j]):
                context, first = tokens[j], j + 1
            else:
                context = _context(text, tokens, first)
            kind, confident = self._kind(run, context, words)
            start, end = tokens[first].start, run[-1].end
            out.append((_Span(start, end, self.markers[kind], "rules", text[start:end]),
                        confident))
            i = last + 1
        return out

    def _is_name(self, tok: _Token) -> bool:
        if not tok.cap or len(tok.text) < 2:
            return False
        low = tok.lower
        bare = _strip_possessive(low)
        if (low in _FUNCTION_WORDS or bare in self._keep or low in self._keep
                or low.rstrip(".") in _TITLES or low in _ORG_KEYWORDS
                or low in _PLACE_KEYWORDS or low in _ORG_SUFFIXES):
            return False
        if low.startswith(_KEEP_PREFIXES):  # WhatsAppgroep, Jeugdhulpregio
            return False
        head = re.split(r"[-'’]", tok.text)[0]
        if len(head) >= 2 and head.isupper():  # acronym: SWV, NPO-gelden, IB'er
            return False
        return True

    def _kind(self, run: list[_Token], context: _Token | None,
              words: list[_Token]) -> tuple[str, bool]:
        ctx = context.lower.rstrip(".") if context is not None else ""
        if ctx in _TITLES:
            return "person", True
        if ctx in _PLACE_KEYWORDS:
            return "place", True
        if ctx in _ORG_KEYWORDS:
            return "organisation", True
        if any(t.lower in _ORG_SUFFIXES for t in run[1:]):
            return "organisation", True
        if _is_cap_article(run[0]):
            return "organisation", True
        if len(words) == 1 and re.search(r"(?:se|sche)$", words[0].lower):
            return "place", True
        if ctx in _PLACE_PREPOSITIONS:
            return "place", True
        if len(words) >= 2 or any(t.lower in _PARTICLES for t in run):
            return "person", True
        return "name", False


# ---------------------------------------------------------------------- helpers


def deduce_available() -> bool:
    """Can ``from deduce import Deduce`` work? (Checks the installed package, not a
    leftover folder: ``pip uninstall deduce`` leaves its 74 MB cache behind.)"""
    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        return False
    return importlib.util.find_spec("docdeid") is not None


def _load_deduce(cache_path: str | None) -> Any:
    """One deduce model per cache folder, built on first use (seconds to minutes)."""
    if cache_path not in _DEDUCE_CACHE:
        from deduce import Deduce

        kwargs = {} if cache_path is None else {"cache_path": cache_path}
        _DEDUCE_CACHE[cache_path] = Deduce(**kwargs)
    return _DEDUCE_CACHE[cache_path]


def _claim(span: _Span, spans: list[_Span], taken: list[tuple[int, int]]) -> bool:
    """Add ``span`` unless it overlaps text already claimed or protected."""
    if span.start >= span.end:
        return False
    for s, e in taken:
        if span.start < e and s < span.end:
            return False
    spans.append(span)
    taken.append((span.start, span.end))
    return True


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _variants(name: str) -> list[str]:
    """The name and its possessive and adjectival forms (see module notes)."""
    out = [name]
    if len(name) < 4 or name.isupper():
        return out
    out += [name + "'s", name + "’s", name + "s", name + "'", name + "’"]
    stems = [name]
    if name.endswith("en"):
        stems.append(name[:-2])
    if name.endswith("e"):
        stems.append(name[:-1])
    for stem in list(stems):
        if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1].lower() not in "aeiou":
            stems.append(stem[:-1])
    for stem in stems:
        if len(stem) >= 3:
            out += [stem + "se", stem + "s", stem + "er", stem + "ers"]
    if name[-1].lower() not in "aeiouy" and name[-1].isalpha():
        out += [name + name[-1] + "er", name + name[-1] + "ers"]
    return list(dict.fromkeys(out))


def _extend_hyphens(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        m = _HYPHEN_TAIL.match(text, end)
        if not m:
            break
        end = m.end()
    while start >= 2 and text[start - 1] == "-":
        m = re.search(r"[^\W\d_]\w*$", text[:start - 1])
        if not m or not m.group(0)[0].isupper():
            break
        start = m.start()
    return start, end


def _strip_possessive(word: str) -> str:
    return re.sub(r"['’]s?$", "", word)


def _skip_titles(text: str, start: int, end: int) -> int:
    """Move ``start`` past leading title words (``Juf Anouk`` -> ``Anouk``)."""
    while True:
        m = re.match(r"([^\W\d_][\w'’\-]*)\.?\s+", text[start:end])
        if not m or m.group(1).casefold() not in _TITLES:
            return start
        start += m.end()


def _tokens(text: str, taken: list[tuple[int, int]]) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        s, e = m.start(), m.end()
        if any(s < te and ts < e for ts, te in taken):
            # a claimed span breaks runs: keep a lower-case placeholder
            out.append(_Token(s, e, m.group(0), "\0", False, False))
            continue
        word = m.group(0)
        out.append(_Token(s, e, word, word.casefold(), word[0].isupper(),
                          _initial(text, s)))
    return out


def _initial(text: str, start: int) -> bool:
    """Does the word at ``start`` begin a sentence (or the text, or a line)?"""
    i = start - 1
    saw_opener = False
    while i >= 0 and (text[i].isspace() or text[i] in _OPENERS):
        if text[i] == "\n":
            return True
        if text[i] in _OPENERS:
            saw_opener = True
        i -= 1
    if i < 0:
        return True
    ch = text[i]
    if ch in "!?…":
        return True
    if ch == ":":
        return saw_opener
    if ch == ".":
        m = re.search(r"([\w.]+)\.$", text[:i + 1])
        if m and m.group(1).casefold() in _ABBREVIATIONS:
            return False
        return True
    return False


def _adjacent(text: str, a: _Token, b: _Token) -> bool:
    gap = text[a.end:b.start]
    return 0 < len(gap) <= 2 and gap.isspace() and "\n" not in gap or \
        (gap == "." and a.lower in _ABBREVIATIONS) or \
        (gap in (". ", ".  ") and a.lower in _ABBREVIATIONS)


def _context(text: str, tokens: list[_Token], first: int) -> _Token | None:
    """The word right before a run (same line, only spaces or an abbreviation dot)."""
    if first == 0 or not _adjacent(text, tokens[first - 1], tokens[first]):
        return None
    return tokens[first - 1]


def _anchor(tok: _Token) -> bool:
    """A title or organisation/place word that can own particles after it."""
    low = tok.lower.rstrip(".")
    return low in _TITLES or low in _ORG_KEYWORDS or low in _PLACE_KEYWORDS


def _is_cap_article(tok: _Token) -> bool:
    return tok.cap and tok.lower in _ARTICLES

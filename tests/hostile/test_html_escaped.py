"""HTML and script in every label and quote of a study are text on the page, never markup.

The mini study gets ``<script>alert(1)</script>`` and ``<img src=x onerror=alert(1)>``
in its item texts, multi-select question, response labels, scale labels, asked-rule
labels, code labels, region, situation and sector labels, the study's name, source
titles and roles, and the quotes of its segments. Every section of a supplement is
rendered (publication on and off, both languages) and finished as the published page
is (:func:`image_synth.publish.html.page`); the page must hold no ``<script>``, no
``<img>`` from the study and no ``on...=`` attribute, and the payloads must be on the
page as text (so the test sees the labels at all).
"""

from __future__ import annotations

import csv
import io

import pytest
from _build import copy_mini, edit
from bs4 import BeautifulSoup

from image_synth.publish.html import page
from image_synth.render import sections as S
from image_synth.results import compute

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hostile(study, payload: str) -> None:
    q = _yaml
    edit(study / "study.yaml", 'name: "Mini study (test fixture)"', f"name: {q(payload)}")
    edit(study / "study.yaml", 'label: {nl: "Samenwerking binnen po", en: "Among primary '
         'schools"}', f"label: {{nl: {q('po ' + payload)}, en: {q('po ' + payload)}}}")
    edit(study / "study.yaml", "{id: A, situation: binnen_po, sectors: [po]}",
         f"{{id: A, situation: binnen_po, sectors: [po], label: {{nl: {q('A ' + payload)}, "
         f"en: {q('A ' + payload)}}}}}")
    edit(study / "study.yaml", "{id: po}", f"{{id: po, label: {{nl: {q('po ' + payload)}}}}}")
    instrument = study / "instrument.yaml"
    text = instrument.read_text(encoding="utf-8")
    for old in ('"Wij worden voldoende geinformeerd"', '"We are kept informed"',
                '"Communicatie"', '"Communication"', '"overwegend van toepassing"',
                '"mostly"', '"wel samenwerking"', '"collaborating"', '"Functie respondent"',
                '"Respondent\'s role"', '"samenwerkende scholen"', '"Er is voldoende tijd"',
                '"There is enough time"', '"Hoe tevreden bent u?"', '"helemaal tevreden"'):
        assert old in text, old
        text = text.replace(old, q(old.strip('"') + " " + payload))
    instrument.write_text(text, encoding="utf-8")
    codebook = study / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    for old in ('"Vertrouwen en bereidheid"', '"Trust and willingness"', '"Tijd"', '"Time"',
                '"Personeelstekort"', '"Staff shortage"', '"Werkzame factoren"'):
        assert old in text, old
        text = text.replace(old, q(old.strip('"') + " " + payload))
    codebook.write_text(text, encoding="utf-8")
    for name, columns in (("segments_2023.csv", ("quote",)), ("sources.csv", ("title", "role"))):
        path = study / name
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            for column in columns:
                row[column] = f"{row[column]} {payload}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def _sections(study, *, scope: str, value: str, publish: bool, lang: str) -> str:
    results = compute(str(study), scope=scope, scope_value=value, wave=2023, publish=publish)
    parts = [S.title(results, lang=lang)._repr_html_()]
    parts += [getattr(S, name)(results, lang=lang)._repr_html_() for name in S.SECTIONS]
    return "\n".join(parts)


def _markup_from_the_study(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<{tag.name}>" for tag in soup.find_all(["script", "img", "iframe", "object"])
             if not (tag.name == "img" and str(tag.get("src", "")).startswith("data:"))]
    found += [f"<{tag.name} {name}=...>" for tag in soup.find_all(True)
              for name in tag.attrs if name.lower().startswith("on")]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("payload", [SCRIPT, IMG], ids=["script", "img-onerror"])
def test_labels_and_quotes_are_escaped_on_the_page(tmp_path, payload):
    study = copy_mini(tmp_path)
    _hostile(study, payload)
    for scope, value, publish, lang, labels in (
            ("region", "A", False, "nl", ["Communicatie", "voldoende geinformeerd",
                                          "is gegroeid.", "wel samenwerking", "po", "A"]),
            ("national", "", True, "en", ["Staff shortage", "Communication", "kept informed",
                                          "collaborating", "A"])):
        # the sections as the notebook shows them (page() would strip a script), then
        # the page as published
        body = _sections(study, scope=scope, value=value, publish=publish, lang=lang)
        for html in (body, page(body, lang=lang)):
            assert _markup_from_the_study(html) == [], (scope, lang)
            lowered = html.lower()
            assert "<script" not in lowered and "<img src=x" not in lowered, (scope, lang)
        text = BeautifulSoup(body, "html.parser").get_text(" ")
        assert text.startswith(payload)  # the study's name, the page's title
        for label in labels:  # scale, item, quote, answer, code, sector, region
            assert f"{label} {payload}" in text, (scope, lang, label)

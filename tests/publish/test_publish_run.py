"""``image-synth run``: every scope, manifest, index, reruns, warm vs fresh, faults."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from _support import MINI

from image_synth.publish.parameters import notebook_path
from image_synth.study.fingerprint import input_hashes

EXPECTED = ["national.html", "situation-binnen_po.html", "situation-po_vo.html",
            "region-A.html", "region-B.html", "region-G.html"]

pytestmark = pytest.mark.slow


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_run_writes_every_scope_index_and_manifest(mini_batch):
    assert mini_batch["returncode"] == 0, mini_batch["stderr"]
    out = mini_batch["out"]
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED + ["index.html",
                                                                      "manifest.json"])
    assert "6 of 6 supplements" in mini_batch["stdout"]
    assert "Traceback" not in mini_batch["stderr"]


def test_manifest_records_inputs_parameters_versions_and_suppression(mini_batch):
    out = mini_batch["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["study"]["id"] == "mini"
    assert manifest["study"]["files"] == input_hashes(MINI)
    assert set(manifest["study"]["files"]) >= {"study.yaml", "survey_2023.csv"}
    assert manifest["notebook"]["sha256"] == hashlib.sha256(
        notebook_path().read_bytes()).hexdigest()
    for package in ("image_synth", "pandas", "numpy", "statsmodels", "papermill",
                    "nbconvert"):
        assert manifest["packages"][package]
    assert manifest["disclosure"]["min_n"] == 3 and manifest["disclosure"]["applied"]
    entries = {e["file"]: e for e in manifest["supplements"]}
    assert list(entries) == EXPECTED
    assert entries["region-B.html"]["parameters"] == {
        "scope": "region", "scope_value": "B", "wave": 2023, "lang": "nl", "publish": True}
    for name, entry in entries.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert isinstance(entry["suppressed_cells"], int)
    assert manifest["run"]["failed"] == []
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert str(mini_batch["home"]) not in text and str(MINI) not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text), "no time stamps"


def test_index_links_every_supplement(mini_batch):
    out = mini_batch["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#]+)"', index)
    assert sorted(set(links) - {"manifest.json"}) == sorted(EXPECTED)
    assert all((out / link).is_file() for link in links)
    assert ".private" not in index and "failed" not in index.lower()


def test_rerun_gives_byte_identical_files(mini_batch, tmp_path, cli):
    # another output folder, another number of workers: the same bytes
    proc = cli("run", str(MINI), "--out", str(tmp_path / "again"), "--jobs", "1",
                   "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first, second = _files(mini_batch["out"]), _files(tmp_path / "again")
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_warm_and_fresh_kernels_give_identical_supplements(mini_batch, tmp_path, cli):
    # papermill's standard engine: a new kernel per notebook, one worker
    proc = cli("run", str(MINI), "--out", str(tmp_path / "fresh"), "--jobs", "1",
                   "--no-warm", "--only", "national,B", "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in ("national.html", "region-B.html"):
        # region B ran in a warm kernel that had already run other notebooks
        assert (tmp_path / "fresh" / name).read_bytes() == (mini_batch["out"] / name).read_bytes()


#: A cell that fails for region B and kills the kernel for A.
FAILING_CELL = ('if scope_value == "B":\n'
                '    raise RuntimeError("fault injected for region B")\n'
                'if scope_value == "A":\n'
                '    import os\n'
                '    os._exit(3)\n')


def test_failed_scopes_keep_earlier_supplements_and_the_others_finish(mini_batch, tmp_path,
                                                                      cli, with_cell):
    good = mini_batch["out"]
    out = tmp_path / "site"
    shutil.copytree(good, out)
    notebook = with_cell(tmp_path / "failing.ipynb", FAILING_CELL)
    proc = cli("run", str(MINI), "--out", str(out), "--jobs", "2", "--no-progress",
                   "--notebook", str(notebook), cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line.strip() for line in proc.stderr.splitlines()]
    assert any(line.startswith("region B: RuntimeError: fault injected for region B")
               for line in lines), proc.stderr
    assert any(line.startswith("region A: ") for line in lines), proc.stderr
    assert "4 of 6 supplements" in proc.stdout
    # the earlier good supplements of the failed scopes survive, untouched
    for name in ("region-A.html", "region-B.html"):
        assert (out / name).read_bytes() == (good / name).read_bytes()
    # the others were made again (the extra cell shows nothing: same bytes)
    for name in ("national.html", "situation-binnen_po.html", "situation-po_vo.html",
                 "region-G.html"):
        assert (out / name).read_bytes() == (good / name).read_bytes()
    # failed notebooks are kept privately, beside the output folder, error marked
    private = tmp_path / "site.private" / "failed"
    kept = nbformat.read(private / "region-B.ipynb", as_version=4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in kept.cells)
    assert (private / "region-A.ipynb").is_file()
    assert not any(p.name.endswith(".ipynb") for p in out.rglob("*"))
    assert not [p for p in (tmp_path / "site.private").iterdir()
                if p.name.startswith("staging-")]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    failed = {f["file"]: f["reason"] for f in manifest["run"]["failed"]}
    assert set(failed) == {"region-A.html", "region-B.html"}
    assert "fault injected" in failed["region-B.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "site.private" not in index and ".ipynb" not in index


def test_published_pages_are_offline_and_hold_no_paths_code_or_tracebacks(mini_batch):
    from image_synth.publish.html import external_resources

    out = mini_batch["out"]
    for page in sorted(out.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and '<html lang="nl">' in text, page.name
        assert external_resources(text) == [], page.name
        for absent in ("<script", "Traceback", str(MINI), str(mini_batch["home"]),
                       str(Path.home()) + "/", "/tmp/", "sections.", "record_run_info",
                       "scope_value", "In&nbsp;["):
            assert absent not in text, (page.name, absent)
        if page.name != "index.html":
            assert '<nav class="isx-toc"' in text and "Dit onderdeel volgt." not in text
            assert 'class="isx-table isx-joint"' in text


def test_an_interrupted_run_replaces_nothing(mini_batch, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from _support import ROOT

    good = mini_batch["out"]
    out = tmp_path / "site"
    shutil.copytree(good, out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "image_synth", "run", str(MINI), "--out",
                             str(out), "--no-progress"], cwd=tmp_path, env=env,
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    private = tmp_path / "site.private"
    deadline = time.monotonic() + 60
    while not list(private.glob("staging-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert _files(out) == _files(good)
    assert not list(private.glob("staging-*"))


def test_index_page_from_a_manifest_notes_links_and_escaping():
    from image_synth.publish.index import index_page
    from image_synth.study.load import load_study

    study = load_study(MINI)
    entry = {"inputs": "this-run", "suppressed_cells": 0}
    manifest = {
        "run": {"inputs": "this-run", "wave": 2023, "publish": False,
                "failed": [{"file": "region-B.html"}]},
        "supplements": [
            {**entry, "file": "national.html", "suppressed_cells": 7},
            {**entry, "file": "situation-binnen_po.html"},
            {**entry, "file": "region-A.html"},
            {**entry, "file": "region-B.html", "inputs": "an-earlier-run"},
            {**entry, "file": "extra.html", "label": "<b>old & gone</b>"}]}
    text = index_page(study, manifest, lang="en", scrub=[])
    assert re.findall(r'href="([^"]+)"', text) == [
        "national.html", "situation-binnen_po.html", "region-A.html", "region-B.html",
        "extra.html", "manifest.json"]
    assert '<html lang="en">' in text and "Not for publication" in text
    assert "National supplement</a> <span class=\"isx-note\">(7 cells not shown)</span>" in text
    assert ("region B</a> <span class=\"isx-note\">(from an earlier run with other inputs; "
            "the last run of this supplement failed; the earlier version stays)") in text
    # no page for po_vo and region G: named, not linked
    assert "Primary - secondary <span class=\"isx-note\">(no supplement yet)</span>" in text
    assert "region G <span class=\"isx-note\">(no supplement yet)</span>" in text
    assert "<b>old" not in text and "&lt;b&gt;old &amp; gone&lt;/b&gt;" in text
    dutch = index_page(study, {**manifest, "run": {**manifest["run"], "publish": True}},
                       lang="nl", scrub=[])
    assert "Landelijke bijlage" in dutch and "Niet voor publicatie" not in dutch
    assert "nog geen bijlage" in dutch and "<title>Mini study (test fixture) · Bijlagen" in dutch


# what the pages of the mini study must say they show (its study.yaml: situations
# binnen_po "Samenwerking binnen po", po_vo "Tussen po en vo"; regions A, B, G unlabelled)
SHOWN = {"national.html": "landelijk", "situation-binnen_po.html": "Samenwerking binnen po",
         "situation-po_vo.html": "Tussen po en vo", "region-A.html": "regio A",
         "region-B.html": "regio B", "region-G.html": "regio G"}


def test_each_page_shows_the_scope_its_file_names(mini_batch):
    out = mini_batch["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["supplements"]:
        text = (out / entry["file"]).read_text(encoding="utf-8")
        # the subtitle is written by the notebook from the scope it prepared
        subtitle = re.search(r'<p class="isx-subtitle">(.*?)</p>', text).group(1)
        assert SHOWN[entry["file"]] in subtitle, (entry["file"], subtitle)
        assert [s for f, s in SHOWN.items() if f != entry["file"] and s in subtitle] == []
        assert entry["publish"] is True and entry["parameters"]["publish"] is True
        scope, _, value = entry["file"].removesuffix(".html").partition("-")
        assert (entry["scope"], entry["scope_value"]) == (scope, value)


def test_a_page_that_shows_another_scope_or_setting_fails(tmp_path, cli):
    nb = nbformat.read(notebook_path(), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    # after papermill's injected cell: region A shows B, the national page ignores publish
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell(
        'if scope_value == "A":\n    scope_value = "B"\n'
        'if scope == "national":\n    publish = not publish\n'))
    nbformat.write(nb, tmp_path / "lying.ipynb")
    out = tmp_path / "site"
    proc = cli("run", str(MINI), "--out", str(out), "--only", "national,A,G", "--jobs", "2",
               "--no-progress", "--notebook", str(tmp_path / "lying.ipynb"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = [line.strip() for line in proc.stderr.splitlines()]
    assert ("region A: the page is not what the runner asked for: the notebook ran with "
            "scope_value='B', the runner asked for scope_value='A'") in lines, proc.stderr
    assert ("national: the page is not what the runner asked for: the notebook ran with "
            "publish=False, the runner asked for publish=True") in lines, proc.stderr
    assert "1 of 3 supplements" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "manifest.json",
                                                     "region-G.html"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(e["file"], e["publish"]) for e in manifest["supplements"]] == [
        ("region-G.html", True)]
    assert sorted(f["file"] for f in manifest["run"]["failed"]) == ["national.html",
                                                                     "region-A.html"]
    kept = sorted(p.name for p in (tmp_path / "site.private" / "failed").iterdir())
    assert kept == ["national.ipynb", "region-A.ipynb"]

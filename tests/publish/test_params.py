"""Parameter sets: `image-synth params` writes one per scope; the committed example set
matches the study; `image-synth run --params` runs exactly those sets and records them."""

from __future__ import annotations

import json

import pytest
import yaml
from _support import MINI, ROOT

import image_synth
from image_synth.errors import RunError
from image_synth.publish.params import (
    parameter_sets,
    read_parameter_sets,
    write_parameter_sets,
)

COMMITTED = ROOT / "params" / "example"


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.yaml"))}


def test_committed_example_sets_match_the_study(tmp_path, cli):
    proc = cli("params", "--out", str(tmp_path / "example"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("25 parameter sets written to ")
    assert _files(tmp_path / "example") == _files(COMMITTED), (
        "params/example is stale: image-synth params --out params/example")


def test_one_set_per_scope_with_scope_and_value_only():
    study = image_synth.load_study()
    sets = {s.file: s.parameters for s in parameter_sets(study)}
    assert sets["national.yaml"] == {"scope": "national", "scope_value": ""}
    assert sets["region/C.yaml"] == {"scope": "region", "scope_value": "C"}
    assert sets["situation/po_vo.yaml"] == {"scope": "situation", "scope_value": "po_vo"}
    assert len(sets) == 1 + len(study.config.situations) + len(study.config.regions)
    assert yaml.safe_load((COMMITTED / "region" / "C.yaml").read_text()) == sets["region/C.yaml"]


def test_stale_sets_are_removed(tmp_path):
    study = image_synth.load_study(MINI)
    (tmp_path / "region").mkdir()
    (tmp_path / "region" / "Z.yaml").write_text("scope: region\nscope_value: Z\n")
    written = write_parameter_sets(study, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(
        _files(tmp_path)) == ["national.yaml", "region/A.yaml", "region/B.yaml",
                              "region/G.yaml", "situation/binnen_po.yaml",
                              "situation/po_vo.yaml"]


def test_read_refuses_every_bad_set_at_once(tmp_path):
    study = image_synth.load_study(MINI)
    write_parameter_sets(study, tmp_path)
    (tmp_path / "region" / "B.yaml").write_text("scope: region\nscope_value: A\n")
    (tmp_path / "region" / "G.yaml").write_text("scope: region\nscope_value: G\nwave: 2023\n")
    (tmp_path / "situation" / "x.yaml").write_text("scope: situation\nscope_value: x\n")
    with pytest.raises(RunError) as info:
        read_parameter_sets([tmp_path / "region", tmp_path / "situation",
                             tmp_path / "nope"], study)
    text = str(info.value)
    assert "region/B.yaml: sets region 'A', so its path must end in region/A.yaml" in text
    assert "only scope, scope_value belong in a parameter set, not wave" in text
    assert "scope situation 'x' is not a scope of the study 'mini'" in text
    assert "nope: no such file or folder" in text


def test_read_takes_parameter_sets_by_the_study_s_yaml_rules(tmp_path):
    """A key given twice, an alias bomb, a file not UTF-8: each refused with its file and
    line, as a study file would be, all at once."""
    study = image_synth.load_study(MINI)
    write_parameter_sets(study, tmp_path)
    (tmp_path / "region" / "A.yaml").write_text(
        "scope: region\nscope_value: A\nscope_value: B\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh"))
    (tmp_path / "region" / "B.yaml").write_text(bomb)
    (tmp_path / "region" / "G.yaml").write_bytes(b"scope: region\nscope_value: \xff\n")
    with pytest.raises(RunError) as info:
        read_parameter_sets([tmp_path / "region"], study)
    lines = str(info.value).splitlines()[1:]
    assert len(lines) == 3, lines
    assert "region/A.yaml, line 3: not valid YAML: key 'scope_value' appears twice" in lines[0]
    assert "region/B.yaml: YAML refused:" in lines[1]
    assert "region/G.yaml: not UTF-8 text" in lines[2]


@pytest.mark.slow
def test_run_params_runs_exactly_those_sets_with_any_notebook(tmp_path, cli):
    """`image-synth run --params <folder> --notebook survey`: the folder's scopes only,
    pages named by their scope, the manifest naming the parameter files."""
    sets = tmp_path / "params" / "mini"
    assert cli("params", str(MINI), "--out", str(sets), cwd=tmp_path).returncode == 0
    proc = cli("run", str(MINI), "--params", "params/mini/region", "--params",
               "params/mini/national.yaml", "--notebook", "survey", "--jobs", "2",
               "--no-progress", cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "outputs" / "mini-survey"  # not the supplements' folder
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["notebook"]["name"] == "survey.ipynb"
    assert manifest["run"]["params_files"] == [
        "params/mini/region/A.yaml", "params/mini/region/B.yaml",
        "params/mini/region/G.yaml", "params/mini/national.yaml"]
    pages = {e["file"]: e["params_file"] for e in manifest["supplements"]}
    assert pages == {"national.html": "params/mini/national.yaml",
                     "region-A.html": "params/mini/region/A.yaml",
                     "region-B.html": "params/mini/region/B.yaml",
                     "region-G.html": "params/mini/region/G.yaml"}
    page = (out / "region-G.html").read_text()
    assert "Vragenlijst: schalen, antwoorden" in page  # the survey notebook's text
    assert "Pas de parameters" not in page and "results.reliabilities" not in page
    # --params names the scopes: --only beside it is refused before anything runs
    proc = cli("run", str(MINI), "--params", "params/mini/region", "--only", "A",
               "--out", str(tmp_path / "x"), cwd=tmp_path)
    assert proc.returncode == 1 and "give --params or --scope/--only" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_run_without_params_records_no_parameter_files(mini_batch):
    """`image-synth run` without the new options: the manifest as before."""
    assert mini_batch["returncode"] == 0, mini_batch["stderr"]
    manifest = json.loads((mini_batch["out"] / "manifest.json").read_text())
    assert "params_files" not in manifest["run"]
    assert all("params_file" not in e for e in manifest["supplements"])
    assert manifest["notebook"]["name"] == "supplement.ipynb"

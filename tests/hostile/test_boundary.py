"""The study folder is the boundary: what is read, what is fingerprinted, what a page names.

In-process checks of :func:`image_synth.load_study` and
:func:`image_synth.study.fingerprint.input_hashes` (the subprocess cases are in
``test_hostile_inputs.py``).
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from _build import add_to_study, copy_mini

from image_synth.errors import DataValidationError, StudyError
from image_synth.render import sections as S
from image_synth.results import compute
from image_synth.study.fingerprint import input_hashes
from image_synth.study.load import OUTSIDE, load_study

READ = ["codebook.yaml", "instrument.yaml", "segments_2023.csv", "sources.csv",
        "study.yaml", "survey_2023.csv"]


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_fingerprint_lists_exactly_the_files_read(tmp_path):
    study = copy_mini(tmp_path)
    (study / "notes.txt").write_text("not an input", encoding="utf-8")
    (study / "old").mkdir()
    (study / "old" / "survey_2019.csv").write_text("a;b\n", encoding="utf-8")
    loaded = load_study(study)
    assert sorted(loaded.files) == READ
    hashes = input_hashes(loaded)
    assert list(hashes) == READ
    assert hashes["survey_2023.csv"] == _sha(study / "survey_2023.csv")
    assert input_hashes(study) == hashes  # from the study file alone: the same files


def test_a_file_outside_the_folder_is_read_only_with_allow_outside(tmp_path):
    study = copy_mini(tmp_path)
    outside = tmp_path / "elsewhere" / "answers.csv"
    outside.parent.mkdir()
    (study / "survey_2023.csv").rename(outside)
    os.symlink(outside, study / "survey_2023.csv")
    with pytest.raises(DataValidationError) as info:
        load_study(study)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.value) == ("study.yaml", "survey[0].path",
                                                          "survey_2023.csv")
    assert f"is a link that leads outside the study folder (to {outside})" in problem.message

    add_to_study(study, "allow_outside: true\n")
    loaded = load_study(study)
    assert len(loaded.survey) == 20
    hashes = input_hashes(loaded)
    name = f"{OUTSIDE}/survey_2023.csv"
    assert hashes[name] == _sha(outside)
    assert not any(str(tmp_path) in key or key.startswith("/") for key in hashes)


def test_a_study_file_that_is_a_link_out_of_its_folder_is_refused(tmp_path):
    """The study file cannot opt itself in: ``allow_outside`` in the file outside is not
    read (the whole file comes from outside)."""
    study = copy_mini(tmp_path)
    outside = tmp_path / "elsewhere" / "study.yaml"
    outside.parent.mkdir()
    (study / "study.yaml").rename(outside)
    with outside.open("a", encoding="utf-8") as handle:
        handle.write("allow_outside: true\n")
    os.symlink(outside, study / "study.yaml")
    for given in (study, study / "study.yaml"):
        with pytest.raises(StudyError) as info:
            load_study(given)
        assert str(info.value) == (
            f"{study / 'study.yaml'} is a link that leads outside the study folder (to "
            f"{outside}); the study file must lie in the study folder: give the folder it "
            "lies in, or copy it into this one")
    # a link inside the folder is followed as before
    (study / "study.yaml").unlink()
    (study / "setup").mkdir()
    outside.rename(study / "setup" / "real.yaml")
    os.symlink("setup/real.yaml", study / "study.yaml")
    assert len(load_study(study).survey) == 20


@pytest.mark.slow
def test_an_absolute_path_outside_is_named_by_its_own_name(tmp_path):
    study = copy_mini(tmp_path)
    outside = tmp_path / "answers.csv"
    (study / "survey_2023.csv").rename(outside)
    path = study / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "path: survey_2023.csv", f"path: {outside}") + "allow_outside: true\n",
        encoding="utf-8")
    loaded = load_study(study)
    assert f"{OUTSIDE}/answers.csv" in loaded.files
    results = compute(str(study), scope="national", wave=2023)
    methods = S.methods(results, lang="en")._repr_html_()
    assert f"{OUTSIDE}/answers.csv" in methods
    assert str(tmp_path) not in methods
    # no absolute path of this machine anywhere in the sections of the page
    body = "\n".join(getattr(S, name)(results, lang="en")._repr_html_()
                     for name in S.SECTIONS)
    assert str(tmp_path) not in body and str(outside) not in body
    assert not re.search(r"(?<![\w<])/(?:tmp|home|root|work|etc)/", body)


def test_a_path_that_is_not_a_file_is_a_problem_not_an_oserror(tmp_path):
    study = copy_mini(tmp_path)
    (study / "codebook.yaml").unlink()
    (study / "codebook.yaml").mkdir()
    (study / "sources.csv").unlink()
    os.mkfifo(study / "sources.csv")
    with pytest.raises(DataValidationError) as info:
        load_study(study)
    found = {(p.row, p.message) for p in info.value.problems}
    assert ("codebook", "names a folder, not a file") in found
    special = "names a special file (a FIFO, socket or device), not a regular file"
    assert ("sources", special) in found


@pytest.mark.slow
def test_a_run_with_a_file_outside_names_it_nowhere(tmp_path):
    from _build import run_cli

    study = copy_mini(tmp_path)
    secret = tmp_path / "secret-place-7f3a" / "answers.csv"
    secret.parent.mkdir()
    (study / "survey_2023.csv").rename(secret)
    os.symlink(secret, study / "survey_2023.csv")
    add_to_study(study, "allow_outside: true\n")
    out = tmp_path / "site"
    outcome = run_cli(study, cwd=tmp_path, command="run", timeout=600,
                      extra=["--only", "national", "--jobs", "1", "--out", str(out)])
    assert outcome.returncode == 0, outcome.stderr[-3000:]
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert f'"{OUTSIDE}/survey_2023.csv"' in manifest
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"national.html", "index.html", "manifest.json"}
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "secret-place-7f3a" not in text and str(tmp_path) not in text, path.name

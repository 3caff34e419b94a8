"""Executors of ``image-synth run``: dask.distributed beside the local pool, worker deaths,
``--scheduler`` mistakes, and the matrix of waves × languages in one batch.

The dask tests start a ``LocalCluster`` of 2 worker processes (``--scheduler local:2``)
on the mini study and compare its files byte for byte with the local pool's batch
(:func:`mini_batch`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from _support import MINI

from image_synth.errors import OptionError
from image_synth.publish.executors import ALLOWED_FAILURES, SchedulerError, parse_scheduler
from image_synth.publish.index import index_files
from image_synth.publish.scopes import page_file

EXPECTED = ["national.html", "situation-binnen_po.html", "situation-po_vo.html",
            "region-A.html", "region-B.html", "region-G.html"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- the small parts ------------------------------------------------------------------

def test_page_names_carry_wave_and_language_only_in_a_matrix():
    assert page_file("national", "") == "national.html"
    assert page_file("region", "A b") == "region-A-b.html"
    assert page_file("national", "", wave=2022, lang="en") == "national-2022-en.html"
    assert page_file("situation", "po_vo", wave=2023, lang="nl") == \
        "situation-po_vo-2023-nl.html"


def test_index_files_one_per_setting_and_index_html_for_the_latest_wave_in_the_language():
    assert index_files([(2023, "nl")], "nl") == {(2023, "nl"): "index.html"}
    settings = [(2022, "nl"), (2022, "en"), (2023, "nl"), (2023, "en")]
    assert index_files(settings, "en") == {
        (2022, "nl"): "index-2022-nl.html", (2022, "en"): "index-2022-en.html",
        (2023, "nl"): "index-2023-nl.html", (2023, "en"): "index.html"}
    # the study's language not in the batch: the batch's first
    assert index_files([(2022, "en"), (2023, "en")], "nl")[2023, "en"] == "index.html"


@pytest.mark.parametrize("value, expected", [
    ("local:2", ("local", 2)), (" local:1 ", ("local", 1)),
    ("tcp://10.0.0.5:8786", ("address", "tcp://10.0.0.5:8786")),
    ("tcp://scheduler.example:8786", ("address", "tcp://scheduler.example:8786"))])
def test_parse_scheduler(value, expected):
    assert parse_scheduler(value) == expected


@pytest.mark.parametrize("value", ["local:0", "local", "local:x", "tcp://host",
                                   "http://host:8786", "host:8786", ""])
def test_parse_scheduler_refuses_with_one_line_naming_the_value_and_both_forms(value):
    with pytest.raises(SchedulerError) as caught:
        parse_scheduler(value)
    message = str(caught.value)
    assert "\n" not in message and repr(value) in message
    assert "tcp://HOST:PORT" in message and "local:N" in message


def test_waves_option_refuses_what_is_not_all_or_wave_numbers():
    from image_synth.publish.runner import _waves
    from image_synth.study.fingerprint import latest_wave
    from image_synth.study.load import load_study

    study = load_study(MINI)
    assert _waves(study, None, None, latest_wave) == [2023]
    assert _waves(study, 2022, None, latest_wave) == [2022]
    assert _waves(study, None, "all", latest_wave) == [2022, 2023]
    assert _waves(study, None, "2023, 2022,2023", latest_wave) == [2023, 2022]
    for wrong in ("2023,next", "", ","):
        with pytest.raises(OptionError, match="--waves"):
            _waves(study, None, wrong, latest_wave)
    with pytest.raises(OptionError, match="--wave or --waves"):
        _waves(study, 2023, "all", latest_wave)


def test_command_line_mistakes_of_the_new_options_are_usage_errors(tmp_path, cli):
    for args, expected in [
        (["--scheduler", "localhost"], "image-synth: --scheduler 'localhost': expected "
                                       "tcp://HOST:PORT"),
        (["--scheduler", "local:2", "--jobs", "2"], "image-synth: give --jobs or "
                                                    "--scheduler, not both"),
        (["--lang", "nl,de"], "image-synth: --lang nl,de: expected nl, en or nl,en"),
        (["--wave", "2023", "--waves", "all"], "image-synth: give --wave or --waves, "
                                               "not both")]:
        proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--no-progress",
                   *args, cwd=tmp_path, timeout=60)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.splitlines() == [proc.stderr.splitlines()[0]], proc.stderr
        assert proc.stderr.startswith(expected), proc.stderr
    assert not (tmp_path / "site").exists()


# -- dask.distributed -----------------------------------------------------------------

@pytest.mark.slow
def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_2(tmp_path, cli):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--no-progress",
               "--scheduler", f"tcp://127.0.0.1:{port}", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"image-synth: --scheduler tcp://127.0.0.1:{port}: no dask scheduler answered "
        "there within 10 s"], proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.private").exists()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_pools_files_byte_for_byte(mini_batch, tmp_path,
                                                                      cli):
    assert mini_batch["returncode"] == 0, mini_batch["stderr"]
    out = tmp_path / "dask"
    proc = cli("run", str(MINI), "--out", str(out), "--scheduler", "local:2",
               "--no-progress", cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "6 of 6 supplements" in proc.stdout and "Traceback" not in proc.stderr
    local, dask = _files(mini_batch["out"]), _files(out)
    assert sorted(dask) == sorted(EXPECTED + ["index.html", "manifest.json"])
    assert [name for name in local if local[name] != dask[name]] == []
    private = tmp_path / "dask.private"
    assert not list(private.glob("staging-*")) and not list((private / "failed").iterdir())


def _dying_cell(marks: Path) -> str:
    """A cell that checks the batch's cache reached the kernel, then kills the notebook's
    dask worker: for region A every time, for region B the first time only."""
    return ("import os, signal, pathlib\n"
            "if not pathlib.Path(os.environ.get('IMAGE_SYNTH_CACHE', '')).is_dir():\n"
            "    raise RuntimeError('the batch cache did not reach the kernel')\n"
            f"marks = pathlib.Path({str(marks)!r})\n"
            "if scope_value == 'A' or (scope_value == 'B' and not list(marks.glob('B-*'))):\n"
            "    (marks / f'{scope_value}-{os.getpid()}').touch()  # one mark per kill\n"
            "    os.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent: the worker\n"
            "    import time; time.sleep(60)\n")


@pytest.mark.slow
def test_a_killed_dask_worker_has_its_scope_retried_or_failed_never_half_written(
        mini_batch, tmp_path, cli, with_cell):
    good = mini_batch["out"]
    out = tmp_path / "site"
    shutil.copytree(good, out)
    (out / "region-A.html").write_bytes(b"an earlier good page of region A\n")
    earlier_a = (out / "region-A.html").read_bytes()
    marks = tmp_path / "marks"
    marks.mkdir()
    notebook = with_cell(tmp_path / "dying.ipynb", _dying_cell(marks))
    proc = cli("run", str(MINI), "--out", str(out), "--scheduler", "local:2",
               "--only", "national,A,B", "--notebook", str(notebook), "--no-progress",
               cwd=tmp_path, timeout=900)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line.strip() for line in proc.stderr.splitlines()]
    assert "region A: a dask worker died running it (each time it was tried)" in lines, \
        proc.stderr
    # B killed its worker once and was run again: the same page as ever. Under load its
    # second try may land on a worker that A's try kills a moment later (the scheduler
    # still lists a dead worker for a while): then B is reported failed and keeps its
    # earlier page, which is the same page too. Either way, never half-written.
    b_failed = "region B: a dask worker died running it (each time it was tried)" in lines
    assert f"{1 if b_failed else 2} of 3 supplements" in proc.stdout
    assert (out / "region-B.html").read_bytes() == (good / "region-B.html").read_bytes()
    assert (out / "national.html").read_bytes() == (good / "national.html").read_bytes()
    # A killed its worker each time (tried twice): the earlier page stays as it was
    assert (out / "region-A.html").read_bytes() == earlier_a
    kills = sorted(p.name[0] for p in marks.iterdir())
    assert kills == ["A"] * (ALLOWED_FAILURES + 1) + ["B"], kills
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in manifest["run"]["failed"]] == (
        ["region-A.html", "region-B.html"] if b_failed else ["region-A.html"])
    entries = {e["file"]: e for e in manifest["supplements"]}
    assert entries["region-B.html"]["sha256"] == hashlib.sha256(
        (good / "region-B.html").read_bytes()).hexdigest()
    # A keeps the entry of its earlier page
    assert entries["region-A.html"] == json.loads((good / "manifest.json").read_text(
        encoding="utf-8"))["supplements"][EXPECTED.index("region-A.html")]
    private = tmp_path / "site.private"
    assert not list(private.glob("staging-*"))
    assert not list((private / "failed").iterdir())  # no notebook came back from A
    assert not [p for p in out.iterdir() if p.name.endswith((".tmp", ".ipynb"))]


# -- waves × languages ----------------------------------------------------------------

@pytest.mark.slow
def test_waves_all_and_two_languages_write_every_combination(mini_batch, tmp_path, cli):
    out = tmp_path / "matrix"
    proc = cli("run", str(MINI), "--out", str(out), "--waves", "all", "--lang", "nl,en",
               "--only", "national,B", "--jobs", "2", "--no-progress", cwd=tmp_path,
               timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "8 of 8 supplements" in proc.stdout
    combos = [(w, code) for w in (2022, 2023) for code in ("nl", "en")]
    pages = [page_file(s, v, wave=w, lang=code) for w, code in combos
             for s, v in (("national", ""), ("region", "B"))]
    indexes = ["index.html", "index-2022-nl.html", "index-2022-en.html",
               "index-2023-en.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted(pages + indexes +
                                                          ["manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    run = manifest["run"]
    assert run["waves"] == [2022, 2023] and run["langs"] == ["nl", "en"]
    assert [(s["wave"], s["lang"]) for s in run["settings"]] == combos
    assert len({s["inputs"] for s in run["settings"]}) == 4 and "wave" not in run
    listed = {e["file"]: e for e in manifest["supplements"]}
    assert sorted(listed) == sorted(pages)
    for name, entry in listed.items():
        scope, value = ("national", "") if name.startswith("national") else ("region", "B")
        assert name == page_file(scope, value, wave=entry["wave"], lang=entry["lang"])
        assert entry["parameters"]["wave"] == entry["wave"]
        assert entry["parameters"]["lang"] == entry["lang"]
        setting = next(s for s in run["settings"]
                       if (s["wave"], s["lang"]) == (entry["wave"], entry["lang"]))
        assert entry["inputs"] == setting["inputs"]
        text = (out / name).read_text(encoding="utf-8")
        assert f'<html lang="{entry["lang"]}">' in text
        subtitle = re.search(r'<p class="isx-subtitle">(.*?)</p>', text).group(1)
        assert str(entry["wave"]) in subtitle, (name, subtitle)
    # the latest wave in the study's language is the page of a plain run, byte for byte
    for plain in ("national.html", "region-B.html"):
        matrix_name = plain.replace(".html", "-2023-nl.html")
        assert (out / matrix_name).read_bytes() == (mini_batch["out"] / plain).read_bytes()
    # each index lists its own wave and language, and links the other indexes
    for (w, code), index in index_files(combos, "nl").items():
        text = (out / index).read_text(encoding="utf-8")
        links = set(re.findall(r'href="([^"#]+)"', text)) - {"manifest.json"}
        own = {page_file(s, v, wave=w, lang=code) for s, v in (("national", ""),
                                                                ("region", "B"))}
        assert links == own | (set(indexes) - {index}), (index, links)
        assert f'<html lang="{code}">' in text and f"{w}</p>" in text


@pytest.mark.slow
def test_ctrl_c_on_a_dask_run_replaces_nothing_and_prints_one_line(mini_batch, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from _support import ROOT

    good = mini_batch["out"]
    out = tmp_path / "site"
    shutil.copytree(good, out)
    proc = subprocess.Popen([sys.executable, "-m", "image_synth", "run", str(MINI), "--out",
                             str(out), "--scheduler", "local:2", "--no-progress"],
                            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    private = tmp_path / "site.private"
    try:
        deadline = time.monotonic() + 180
        while not list(private.glob("staging-*")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(private.glob("staging-*")), "the run never started its batch"
        time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole group, dask workers too
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    # the workers of the run's own cluster ignore Ctrl-C: no traceback of theirs either
    assert err.splitlines() == ["image-synth: interrupted; no supplement was replaced"], err
    assert _files(out) == _files(good)
    assert not list(private.glob("staging-*"))
